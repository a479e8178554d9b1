// The server behind `npm start`: on 127.0.0.1 only, it serves the demo page and the browser
// runtime, runs a built-in local session per WebSocket on /session (OpenAI GA protocol, no key
// needed), and, when an API key is configured, relays /relay to the OpenAI Realtime API. Both
// WebSockets accept only the server's own origin and messages of at most MAX_PAGE_MESSAGE_BYTES.
// /phone takes a carrier's media stream (Twilio Media Streams): carriers send no Origin, so any
// request without one is accepted there (a browser page, which always sends one, is held to the
// server's own origin), bridged to the OpenAI Realtime API with a key, to a local session without.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { OptionsError } from '../errors.js';
import { LocalSession, type LocalSessionOptions } from './local-session.js';
import { originAllowed, ownOrigins } from './origin.js';
import { attachPhoneCall, type PhoneEndpointOptions } from './phone-endpoint.js';
import { DEFAULT_MODEL, openAIRealtimeUrl, relay } from './relay.js';
import { loadReplyVoice } from './reply-voice.js';
import { serveFile } from './static-files.js';

/**
 * Largest message the page may send, bytes. 1 MiB holds about 16 s of 24 kHz PCM16 in one
 * base64 append, far more than a live app sends per event (20-100 ms); the API's own limit for
 * one append is 15 MiB.
 */
export const MAX_PAGE_MESSAGE_BYTES = 1024 * 1024;

export interface DemoServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 8787. */
  port?: number;
  /** The repository (or package) root holding demo/ and dist/. */
  root: string;
  /** Enables /relay. Never sent to the page. */
  apiKey?: string;
  /** Realtime model for the relay. Default 'gpt-realtime'. */
  model?: string;
  /** Upstream URL for the relay (default wss://api.openai.com/v1/realtime?model=MODEL). */
  upstreamUrl?: string;
  /** Origins allowed besides the server's own (for a page served elsewhere during development). */
  extraOrigins?: string[];
  /** Overrides for the built-in session (pace, echo length). */
  session?: Partial<Omit<LocalSessionOptions, 'replyVoice'>>;
  /** The phone endpoint's settings (token, bridge options, clock; the local session's reply voice, 24 kHz PCM16). */
  phone?: Omit<PhoneEndpointOptions, 'apiKey' | 'upstreamUrl' | 'replyVoice' | 'session' | 'log'> & { replyVoice?: Int16Array };
  log?: (line: string) => void;
}

export interface DemoServer {
  readonly url: string;
  readonly port: number;
  readonly relayEnabled: boolean;
  close(): Promise<void>;
}

export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const port = options.port ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`port must be an integer in 0..65535, got ${String(port)}`);
  const log = options.log;
  const apiKey = options.apiKey !== undefined && options.apiKey !== '' ? options.apiKey : undefined;
  const model = options.model ?? DEFAULT_MODEL;
  const upstreamUrl = options.upstreamUrl ?? openAIRealtimeUrl(model);
  const voice = loadReplyVoice(join(options.root, 'demo/assets/reply-24000.wav'));
  let allowed = new Set<string>();

  const config = () =>
    JSON.stringify({ relay: apiKey !== undefined, model: apiKey !== undefined ? model : null, localSession: true, maxMessageBytes: MAX_PAGE_MESSAGE_BYTES });
  const http = createServer((request, response) => {
    serveFile(options.root, request, response, { '/config.json': config }).catch(() => response.destroy());
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_PAGE_MESSAGE_BYTES, perMessageDeflate: false });

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`);
  };
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/session' && path !== '/relay' && path !== '/phone') return refuse(socket, 404, 'Not Found');
    const carrier = path === '/phone' && request.headers.origin === undefined;
    if (!carrier && !originAllowed(request, allowed)) {
      log?.(`refused a WebSocket from origin ${JSON.stringify(request.headers.origin ?? null)}`);
      return refuse(socket, 403, 'Forbidden');
    }
    if (path === '/relay' && apiKey === undefined) return refuse(socket, 503, 'Service Unavailable');
    sockets.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      // an oversized or malformed frame: ws closes the socket (1009 / 1002) and reports it here
      ws.on('error', (error) => log?.(`page socket: ${error.message}`));
      if (path === '/relay') relay(ws, { apiKey: apiKey!, upstreamUrl, log });
      else if (path === '/phone')
        attachPhoneCall(ws, { ...options.phone, apiKey, upstreamUrl, replyVoice: options.phone?.replyVoice ?? voice.pcm, session: options.session, log });
      else attachLocalSession(ws);
    });
  });

  const attachLocalSession = (ws: WebSocket) => {
    const session = new LocalSession((event) => ws.send(JSON.stringify(event)), {
      ...options.session,
      replyVoice: voice.pcm,
      log: log && ((line) => log(`session: ${line}`)),
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) ws.close(1003, 'send JSON text events');
      else session.handle(data.toString());
    });
    ws.on('close', () => session.close());
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const actualPort = (http.address() as AddressInfo).port;
  allowed = ownOrigins(actualPort, options.extraOrigins);
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    relayEnabled: apiKey !== undefined,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
