// The relay, against a local stand-in for the OpenAI Realtime API on 127.0.0.1 (the upstream URL
// is overridden; nothing here touches the network): the key goes upstream in the Authorization
// header and never reaches the page (not in the page, its config, or any message, even one in
// which upstream repeats it); events flow both ways; a wrong origin and an oversized message are
// refused, and so is an upstream that refuses the key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { startDemoServer, MAX_PAGE_MESSAGE_BYTES, type DemoServer } from '../../src/server/demo-server.js';
import { PageClient } from './ws-client.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KEY = 'sk-test-relay-0123456789abcdef';

class Upstream {
  readonly requests: IncomingMessage[] = [];
  readonly received: Record<string, unknown>[] = [];
  sockets: WebSocket[] = [];
  private constructor(
    readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (socket, request) => {
      this.requests.push(request);
      this.sockets.push(socket);
      socket.send(JSON.stringify({ type: 'session.created', event_id: 'event_1', session: { type: 'realtime', model: 'gpt-realtime' } }));
      socket.on('message', (data) => {
        const event = JSON.parse(data.toString());
        this.received.push(event);
        // answers a probe by repeating what it was sent, and the key it got, as a careless server might
        if (event.type === 'conversation.item.retrieve') {
          socket.send(
            JSON.stringify({
              type: 'error',
              event_id: 'event_2',
              error: { type: 'invalid_request_error', message: `you sent ${JSON.stringify(event)} with ${request.headers.authorization}` },
            }),
          );
        }
      });
    });
  }
  static async start(options: { refuse?: number } = {}): Promise<Upstream> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: options.refuse === undefined ? undefined : (_info, done) => done(false, options.refuse),
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new Upstream(wss, `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/realtime?model=gpt-realtime`);
  }
  close(): Promise<void> {
    for (const s of this.wss.clients) s.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

let upstream: Upstream;
let server: DemoServer;
let origin: string;

beforeAll(async () => {
  upstream = await Upstream.start();
  server = await startDemoServer({ port: 0, root, apiKey: KEY, upstreamUrl: upstream.url });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

describe('relay to a stand-in OpenAI Realtime API', () => {
  it('sends the key upstream only, and forwards events both ways', async () => {
    const page = await PageClient.open(`ws://127.0.0.1:${server.port}/relay`, origin);
    // sent at once: queued by the relay until upstream is open
    page.send({ type: 'session.update', session: { type: 'realtime' } });
    page.send({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    page.send({ type: 'conversation.item.retrieve', item_id: 'item_1' });
    await page.waitFor(() => page.of('error').length === 1 && page.of('session.created').length === 1, 5000, 'upstream events');
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(upstream.requests[0]!.url).toBe('/v1/realtime?model=gpt-realtime');
    expect(upstream.received.map((e) => e.type)).toEqual(['session.update', 'input_audio_buffer.append', 'conversation.item.retrieve']);
    expect(upstream.received[1]).toEqual({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    // upstream repeated the key: the page gets the message with the key replaced
    expect(page.of('error')[0]!.error.message).toMatch(/with Bearer \[redacted\]$/);
    const everything = [
      ...page.texts,
      await (await fetch(`${origin}/config.json`)).text(),
      await (await fetch(origin)).text(),
      await (await fetch(`${origin}/demo/app.js`)).text(),
    ].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(3, 20));
    // upstream closing closes the page
    upstream.sockets[0]!.close(1000);
    await page.waitFor(() => page.closed !== undefined, 5000, 'page closed');
    expect(page.closed!.code).toBe(1000);
  });

  it('refuses a page of another origin before any upstream connection', async () => {
    const before = upstream.requests.length;
    for (const bad of ['https://evil.example', 'http://127.0.0.1', `http://127.0.0.1.evil.example:${server.port}`, undefined]) {
      await expect(PageClient.open(`ws://127.0.0.1:${server.port}/relay`, bad), String(bad)).rejects.toThrow('HTTP 403');
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('closes the page on a message over 1 MiB (1009) and never forwards it; refuses non-event messages', async () => {
    const page = await PageClient.open(`ws://127.0.0.1:${server.port}/relay`, origin);
    await page.waitFor(() => page.of('session.created').length === 1, 5000, 'session.created');
    const count = upstream.received.length;
    page.send('[1, 2, 3]');
    await page.waitFor(() => page.of('error').length === 1, 5000, 'relay error');
    expect(page.of('error')[0]!.error).toMatchObject({ type: 'relay_error', code: 'invalid_event' });
    // exactly at the limit passes; one byte over closes
    const fits = JSON.stringify({ type: 'input_audio_buffer.append', audio: '' });
    page.send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(MAX_PAGE_MESSAGE_BYTES - fits.length) });
    page.send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(MAX_PAGE_MESSAGE_BYTES - fits.length + 1) });
    await page.waitFor(() => page.closed !== undefined, 5000, 'close');
    expect(page.closed!.code).toBe(1009);
    await new Promise((r) => setTimeout(r, 100));
    expect(upstream.received.length).toBe(count + 1);
    expect((upstream.received.at(-1)!.audio as string).length).toBe(MAX_PAGE_MESSAGE_BYTES - fits.length);
  });

  it('tells the page when the API refuses the key, without the key', async () => {
    const refusing = await Upstream.start({ refuse: 401 });
    const relayServer = await startDemoServer({ port: 0, root, apiKey: KEY, upstreamUrl: refusing.url });
    try {
      const page = await PageClient.open(`ws://127.0.0.1:${relayServer.port}/relay`, `http://127.0.0.1:${relayServer.port}`);
      await page.waitFor(() => page.closed !== undefined, 5000, 'close');
      expect(page.of('error')[0]!.error).toMatchObject({
        type: 'relay_error',
        code: 'upstream_refused',
        message: 'the Realtime API refused the connection: HTTP 401 (check OPENAI_API_KEY)',
      });
      expect(page.closed!.code).toBe(1011);
      expect(page.texts.join()).not.toContain(KEY);
    } finally {
      await relayServer.close();
      await refusing.close();
    }
  });
});
