// The /phone endpoint of `npm start` (the demo server), with a carrier simulator in simulated
// time: who may connect (carriers send no Origin; a browser page is held to the server's own
// origin), the stream token, the caller's turn ended by the session's server VAD although the
// carrier sends nothing while the caller is silent, DTMF; and, with an API key, the call relayed
// to a stand-in for the OpenAI Realtime API on 127.0.0.1 in the call's own mu-law.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PhoneHarness } from '../helpers/phone-harness.js';
import { until } from '../helpers/transport-client.js';

const prompt = new Uint8Array(readFileSync(new URL('../../fixtures/g711/hello-world.ul', import.meta.url)));
const PROMPT_FRAMES = Math.ceil(prompt.length / 160);
const promptFrame = (k: number) => {
  const frame = new Uint8Array(160).fill(0xff);
  frame.set(prompt.subarray(k * 160, k * 160 + 160));
  return frame;
};

function upgrade(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => {});
  });
}

let h: PhoneHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the /phone endpoint', () => {
  it("accepts a carrier (no Origin) and the server's own page, refuses other pages", async () => {
    h = await PhoneHarness.start();
    const url = `ws://127.0.0.1:${h.server.port}/phone`;
    expect(await upgrade(url)).toBe(101);
    expect(await upgrade(url, `http://127.0.0.1:${h.server.port}`)).toBe(101);
    expect(await upgrade(url, 'http://evil.example')).toBe(403);
  });

  it('with a token, a stream must carry it as its custom parameter `token`', async () => {
    h = await PhoneHarness.start({ phone: { token: 'opensesame' } }, true);
    const stranger = await h.call({ customParameters: { token: 'guess' } });
    await h.runUntil(200);
    expect(stranger.sim.closed).toBe(true);
    expect(stranger.sim.payloads).toEqual([]);
    expect(h.logs).toContain('phone: refused a stream without the right token parameter');
    const caller = await h.call({ customParameters: { token: 'opensesame' } });
    await h.runUntil(400);
    expect(caller.sim.closed).toBe(false);
    expect(caller.sim.payloads.length).toBeGreaterThan(0); // the greeting plays
  });

  it("the caller's turn ends by the server VAD although the carrier omits silence; the answer plays; DTMF is surfaced", async () => {
    h = await PhoneHarness.start({ session: { paceFactor: 3, maxEchoMs: 0 }, phone: { greet: false, silenceDurationMs: 500 } }, true);
    const call = await h.call({ omitSilence: true, jitterMs: 10, caller: (i) => (i >= 25 && i < 25 + PROMPT_FRAMES ? promptFrame(i - 25) : undefined) });
    await h.runUntil(600);
    expect(call.sim.payloads).toEqual([]); // no greeting: nothing plays yet
    await h.runUntil(4000);
    const speechEndMs = (25 + PROMPT_FRAMES) * 20;
    const { carrier } = call.bridge.stats;
    expect(carrier.inbound.chunks).toBe(PROMPT_FRAMES); // only the prompt was sent
    expect(carrier.inbound.filledFrames).toBeGreaterThan(8 * 2000); // the rest was filled here
    expect(h.logs.some((line) => /turn 1: \d/.test(line))).toBe(true);
    // the answer started within the silence duration, the VAD's hangover, the fill lag and a frame or two of the speech end
    const firstPlayed = call.sim.payloads[0]!.startedAt;
    console.log(`caller stopped at ${speechEndMs} ms (carrier silent after), the answer started playing at ${firstPlayed.toFixed(0)} ms`);
    expect(firstPlayed).toBeGreaterThan(speechEndMs + 500);
    expect(firstPlayed).toBeLessThan(speechEndMs + 500 + 300);
    call.sim.dtmf('5');
    await h.runUntil(4100);
    expect(call.events.filter((e) => e.type === 'dtmf')).toEqual([{ type: 'dtmf', digit: '5' }]);
    expect(h.logs).toContain('phone: key 5');
    call.sim.stop();
    await h.runUntil(4200);
    expect(h.logs.some((line) => line.startsWith('phone: call ended (the carrier stopped the stream)'))).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it("with OPENAI_API_KEY: the call goes to the Realtime API in the call's mu-law, the key upstream only", async () => {
    const KEY = 'sk-test-phone-0123456789abcdef';
    const received: Record<string, unknown>[] = [];
    let authorization: string | undefined;
    let upstreamSocket: WebSocket | undefined;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket, request) => {
      authorization = request.headers.authorization;
      upstreamSocket = socket;
      socket.send(
        JSON.stringify({ type: 'session.created', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } } } }),
      );
      socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    });
    try {
      h = await PhoneHarness.start({
        apiKey: KEY,
        upstreamUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/realtime`,
        phone: { instructions: 'Be brief.' },
      });
      const call = await h.call({ caller: (i) => (i < 3 ? promptFrame(10 + i) : undefined) });
      await until(() => received.some((e) => e.type === 'response.create'), 'the session set up');
      expect(authorization).toBe(`Bearer ${KEY}`);
      const update = received.find((e) => e.type === 'session.update')!.session as {
        instructions: string;
        audio: { input: { format: unknown }; output: { format: unknown } };
      };
      expect(update.instructions).toBe('Be brief.');
      expect(update.audio.input.format).toEqual({ type: 'audio/pcmu' });
      expect(update.audio.output.format).toEqual({ type: 'audio/pcmu' });
      // the session answers in mu-law: the carrier gets those bytes
      const reply = Uint8Array.from({ length: 1600 }, (_, i) => (i * 11) & 0xff);
      for (const event of [
        { type: 'session.updated', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcmu' } } } } },
        { type: 'response.created', response: { id: 'resp_1' } },
        { type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'item_1' } },
        { type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_1', delta: Buffer.from(reply).toString('base64') },
      ])
        upstreamSocket!.send(JSON.stringify(event));
      await until(() => call.bridge.stats.session.receivedSeconds > 0, 'the reply at the bridge');
      await h.runUntil(400);
      expect(new Uint8Array(Buffer.concat(call.sim.payloads.map((p) => Buffer.from(p.bytes))))).toEqual(reply);
      // the caller's audio reached the session as its own bytes
      await until(() => received.filter((e) => e.type === 'input_audio_buffer.append').length >= 3, 'the caller at the session');
      const appended = Buffer.concat(received.filter((e) => e.type === 'input_audio_buffer.append').map((e) => Buffer.from(e.audio as string, 'base64')));
      expect(new Uint8Array(appended.subarray(0, 480))).toEqual(Uint8Array.from([...promptFrame(10), ...promptFrame(11), ...promptFrame(12)]));
      expect(call.bridge.stats.session.errors).toBe(0);
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
