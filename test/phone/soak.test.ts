// Long calls and many calls through the /phone endpoint against the local session, in simulated
// time (test/helpers/phone-harness.ts): an hour of one call with the caller speaking, omitting its
// silence, its chunks jittered, the assistant answering and being interrupted; and 10,000 short
// calls, each barged in on and hung up. Checked: the JS heap and the kernel memory stay flat
// after warm-up; nothing is left behind (timers, kernels); and nothing drifts: the caller's
// stream the session got keeps to the carrier's clock, and what the bridge says was heard keeps
// to what the carrier played, with the carrier's buffer never growing past the lead.
import v8 from 'node:v8';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelMemory } from '../../src/wasm/load.js';
import { PhoneHarness } from '../helpers/phone-harness.js';
import { rng } from '../helpers/random.js';

const MINUTES = Number(process.env.PHONE_SOAK_MINUTES ?? 60); // shorter runs while debugging only
const SHORT_CALLS = Number(process.env.PHONE_SHORT_CALLS ?? 10_000);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
/** The kernel memory in use (live blocks) and reserved (the wasm memory's size), as one figure to compare. */
const kernelBytes = () => {
  const m = kernelMemory();
  return `${(m.liveBytes / 1024).toFixed(1)} KiB live in ${m.liveBlocks} blocks, memory ${m.memoryBytes / 1024} KiB`;
};

const prompt = new Uint8Array(readFileSync(new URL('../../fixtures/g711/hello-world.ul', import.meta.url)));
const promptFrame = (k: number) => {
  const frame = new Uint8Array(160).fill(0xff);
  frame.set(prompt.subarray(k * 160, k * 160 + 160));
  return frame;
};
const PROMPT_FRAMES = Math.ceil(prompt.length / 160);

let h: PhoneHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('phone: soak', () => {
  it(`${MINUTES} simulated minutes of one call: flat memory, no drift between the carrier's clock and the bridge`, async () => {
    h = await PhoneHarness.start({ session: { paceFactor: 3, maxEchoMs: 1000 }, phone: { silenceDurationMs: 300 } });
    h.keepEvents = false;
    const random = rng(21);
    // the caller says the prompt (1.4 s), then is silent for 1-6 s (omitted), again and again
    let from = 50;
    const call = await h.call({
      omitSilence: true,
      jitterMs: 30,
      keepPayloads: false,
      seed: 3,
      caller: (i) => {
        if (i < from) return undefined;
        if (i < from + PROMPT_FRAMES) return promptFrame(i - from);
        from = i + 50 + Math.floor(random() * 250);
        return undefined;
      },
    });
    let interruptions = 0;
    h.onEvent = (_bridge, event) => {
      if (event.type === 'interrupted') interruptions++;
    };
    const heap: number[] = [];
    const kernel: string[] = [];
    /** Per minute: how far the caller's stream at the session is behind the carrier's clock, and heard minus played. */
    const behind: number[] = [];
    const heardMinusPlayed: number[] = [];
    const started = performance.now();
    for (let minute = 1; minute <= MINUTES; minute++) {
      await h.runUntil(minute * 60_000);
      const { session } = call.bridge.stats;
      behind.push(h.clock.now() - (session.sentSeconds + session.droppedSeconds) * 1000);
      heardMinusPlayed.push(Math.round(session.playedSeconds * 8000) - call.sim.playedBytesNow());
      if (minute % 5 === 0 || minute === MINUTES) {
        heap.push(heapUsed());
        kernel.push(kernelBytes());
      }
    }
    const wallS = (performance.now() - started) / 1000;
    const { session, carrier } = call.bridge.stats;
    const growth = heap[heap.length - 1]! - heap[0]!;
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}`;
    console.log(
      `${MINUTES} simulated min in ${wallS.toFixed(1)} s: ${interruptions} barge-ins, ${(session.receivedSeconds / 60).toFixed(1)} min of replies; ` +
        `caller stream ${range(behind)} ms behind the carrier's clock at each minute; heard - played ${range(heardMinusPlayed)} bytes; ` +
        `carrier buffer at most ${call.sim.maxBufferedBytes} bytes; heap after minute 5 ${(growth / 1024).toFixed(0)} KiB, kernel memory ${[...new Set(kernel)].join('; ')}`,
    );
    expect(interruptions).toBeGreaterThan(MINUTES * 2);
    expect(session.errors).toBe(0);
    expect(carrier.errors).toBe(0);
    // the caller's stream keeps to the carrier's clock: the chunks in flight (jitter up to 30 ms,
    // the chunk being appended) or, while the carrier omits silence, fillAfterMs (80) and a frame
    for (const ms of behind) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(80 + 20 + 20);
    }
    // what the bridge says was heard is what the carrier played (the sign: a mark not yet echoed)
    for (const bytes of heardMinusPlayed) expect(Math.abs(bytes)).toBeLessThanOrEqual(160);
    expect(call.sim.maxBufferedBytes).toBeLessThanOrEqual((100 + 20) * 8); // the lead and a frame, all hour
    expect(growth).toBeLessThan(1024 * 1024);
    expect(new Set(kernel).size).toBe(1);
  }, 600_000);

  it(`${SHORT_CALLS} short calls, each barged in on and hung up: flat memory, nothing left behind`, async () => {
    h = await PhoneHarness.start({ session: { paceFactor: 3, maxEchoMs: 0 } });
    h.keepEvents = false;
    let interruptions = 0;
    h.onEvent = (_bridge, event) => {
      if (event.type === 'interrupted') interruptions++;
    };
    const BATCH = 50;
    const heap: number[] = [];
    const kernel: string[] = [];
    const started = performance.now();
    for (let done = 0; done < SHORT_CALLS; done += BATCH) {
      const t0 = h.clock.now();
      const calls = await Promise.all(
        Array.from({ length: BATCH }, (_, i) =>
          h!.call({ omitSilence: true, seed: done + i, caller: (k) => (k >= 5 && k < 5 + 4 ? promptFrame(20 + k) : undefined) }),
        ),
      );
      await h.runUntil(t0 + 240);
      for (const c of calls) c.sim.stop();
      await h.runUntil(t0 + 260);
      h.forget(calls);
      if ((done + BATCH) % 1000 === 0) {
        heap.push(heapUsed());
        kernel.push(kernelBytes());
      }
    }
    const wallS = (performance.now() - started) / 1000;
    const growth = heap[heap.length - 1]! - heap[0]!;
    console.log(
      `${SHORT_CALLS} calls in ${wallS.toFixed(1)} s: ${interruptions} barge-ins; heap after the first 1,000 ${(growth / 1024).toFixed(0)} KiB; ` +
        `kernel memory ${[...new Set(kernel)].join('; ')}; timers left ${h.clock.pending}`,
    );
    expect(interruptions).toBeGreaterThan(SHORT_CALLS * 0.9);
    expect(h.clock.pending).toBe(0);
    expect(growth).toBeLessThan(1024 * 1024);
    expect(new Set(kernel).size).toBe(1);
  }, 600_000);
});
