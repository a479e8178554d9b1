// The demo server's phone endpoint (/phone): a carrier's media stream (Twilio `<Connect><Stream>`,
// or any carrier speaking its messages) bridged to a session by a PhoneBridge: the OpenAI Realtime
// API when the server has a key (the session speaks the call's G.711, passed through), the
// built-in local session otherwise (in this process, linked through microtasks as a socket would
// be). The call ends when either side ends. With a token configured, a stream whose `start` does
// not carry it as the custom parameter `token` is closed at once.
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../transport/clock.js';
import { PhoneBridge, type PhoneBridgeEvent, type PhoneBridgeOptions } from '../transport/phone-bridge.js';
import { LocalSession, type LocalSessionOptions } from './local-session.js';

export interface PhoneEndpointOptions {
  /** Relays to the OpenAI Realtime API when given; the local session otherwise. */
  apiKey?: string;
  upstreamUrl: string;
  /** The local session's reply voice (24 kHz PCM16) and overrides. */
  replyVoice: Int16Array;
  session?: Partial<Omit<LocalSessionOptions, 'replyVoice'>>;
  /** Instructions for the OpenAI session. */
  instructions?: string;
  voice?: string;
  /** The assistant speaks first (`response.create` once the session is set up). Default true. */
  greet?: boolean;
  /** Silence that ends the caller's turn (server VAD), ms. Default: the session's. */
  silenceDurationMs?: number;
  /** A stream must give this as its custom parameter `token` (TwiML `<Parameter name="token" value="..."/>`). */
  token?: string;
  /** PhoneBridge options (leadMs, markIntervalMs, localBargeIn, ...). */
  bridge?: Partial<Omit<PhoneBridgeOptions, 'protocol' | 'session' | 'carrier' | 'clock' | 'onEvent'>>;
  clock?: Clock;
  log?: (line: string) => void;
  /** Called with each call's bridge (tests, metrics). */
  onCall?: (bridge: PhoneBridge) => void;
  /** Called with each call's events (tests, metrics). */
  onEvent?: (bridge: PhoneBridge, event: PhoneBridgeEvent) => void;
  /** Called with every event between the bridge and the local session (`out`: to the session), for logs and tests. */
  onSessionEvent?: (bridge: PhoneBridge, direction: 'in' | 'out', event: Record<string, unknown>) => void;
}

const DEFAULT_INSTRUCTIONS = 'You are answering a phone call. Greet the caller briefly, then help them. Keep answers short.';

/** Bridges one carrier WebSocket to a session until either ends. */
export function attachPhoneCall(carrier: WebSocket, options: PhoneEndpointOptions): PhoneBridge {
  const log = options.log;
  let closeSession = () => {};
  let sessionTarget: WebSocket | ((event: Record<string, unknown>) => void);
  let configure: () => void;
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    log?.(`phone: call ended (${why}); ${summary(bridge)}`);
    bridge.close();
    closeSession();
    if (carrier.readyState === WebSocket.OPEN) carrier.close(1000, why.slice(0, 100));
  };
  const greet = { type: 'response.create' };

  if (options.apiKey !== undefined) {
    const upstream = new WebSocket(options.upstreamUrl, { headers: { Authorization: `Bearer ${options.apiKey}` }, perMessageDeflate: false });
    sessionTarget = upstream;
    configure = () => {
      bridge.sessionUpdate(
        { voice: options.voice, silenceDurationMs: options.silenceDurationMs },
        { instructions: options.instructions ?? DEFAULT_INSTRUCTIONS },
      );
      if (options.greet !== false) upstream.send(JSON.stringify(greet));
    };
    upstream.on('open', () => {
      log?.('phone: session connected (OpenAI Realtime API)');
      configure();
    });
    upstream.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) bridge.handleSessionEvent(data.toString());
    });
    upstream.on('unexpected-response', (_request, response) => end(`the Realtime API refused the connection: HTTP ${response.statusCode ?? '?'}`));
    upstream.on('error', (error) => end(`session connection failed: ${error.message}`));
    upstream.on('close', () => end('the session closed'));
    closeSession = () => {
      if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
      else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
    };
  } else {
    // the local session in this process: each direction hops through a microtask, as a socket would
    const tap = options.onSessionEvent;
    const local = new LocalSession(
      (event) =>
        queueMicrotask(() => {
          tap?.(bridge, 'in', event);
          bridge.handleSessionEvent(event);
        }),
      {
        ...options.session,
        replyVoice: options.replyVoice,
        clock: options.clock,
        log: log && ((line) => log(`phone session: ${line}`)),
      },
    );
    sessionTarget = (event) => {
      tap?.(bridge, 'out', event);
      const text = JSON.stringify(event);
      queueMicrotask(() => local.handle(text));
    };
    const toSession = sessionTarget;
    configure = () => {
      bridge.sessionUpdate({ silenceDurationMs: options.silenceDurationMs });
      if (options.greet !== false) toSession(greet);
    };
    closeSession = () => local.close();
  }

  const bridge: PhoneBridge = new PhoneBridge({
    ...options.bridge,
    protocol: 'openai',
    session: sessionTarget,
    carrier,
    clock: options.clock,
    onEvent: (event) => {
      options.onEvent?.(bridge, event);
      if (event.type === 'start') {
        log?.(`phone: stream ${event.streamSid} started (call ${event.callSid ?? '?'})`);
        if (options.token !== undefined && event.customParameters.token !== options.token) {
          log?.('phone: refused a stream without the right token parameter');
          end('refused: token');
        }
      } else if (event.type === 'stop') end('the carrier stopped the stream');
      else if (event.type === 'dtmf') log?.(`phone: key ${event.digit}`);
      else if (event.type === 'error') log?.(`phone: ${event.error.code}: ${event.error.message}`);
    },
  });
  carrier.on('message', (data: RawData) => bridge.handleCarrierMessage(data.toString()));
  carrier.on('close', () => end('the carrier closed the stream'));
  carrier.on('error', (error) => end(`carrier socket: ${error.message}`));
  if (options.apiKey === undefined) configure();
  options.onCall?.(bridge);
  return bridge;
}

function summary(bridge: PhoneBridge): string {
  const { session, carrier } = bridge.stats;
  return `${session.sentSeconds.toFixed(1)} s of caller audio sent, ${session.playedSeconds.toFixed(1)} s heard of ${session.receivedSeconds.toFixed(1)} s received, ${session.interruptions} barge-ins, ${carrier.errors} carrier errors`;
}
