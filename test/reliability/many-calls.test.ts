// Many short calls, as a voice server runs them: each call a new RealtimeAudioAdapter (VAD and echo
// gate on) against a new built-in local session (src/server/local-session.ts, which checks every
// event it gets as the API does), 5 s of simulated time: the user speaks, the session detects the
// turn and answers, the reply plays (and is interrupted every third call: speech_started, flush,
// truncate at the audio played), then the call ends with flush() and free(). Time is simulated
// (fake timers drive the session's paced deltas), so a call costs what its audio processing costs.
//
// Checked: no error event on either side, every call's reply received, the truncates accepted;
// after a warm-up the kernel memory does not move at all and the heap stays within 1 MiB.
// Calls: 300 by default (about 6 s, 20 ms a call); LONG=1 runs the 10,000 of issue 14 (about 4 min).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { LocalSession } from '../../src/server/local-session.js';
import { kernelMemory } from '../../src/wasm/load.js';
import { heapUsed } from '../helpers/memory.js';
import { tonePcm } from '../helpers/transport-client.js';
import { rng } from '../helpers/random.js';

const CALLS = Number(process.env.CALLS ?? (process.env.LONG === '1' ? 10_000 : 300));
const WARM_UP = 100;
const RATE = 24000; // the device rate here: the session's own (resampling is covered by the 60-minute soak)
const STEP_MS = 100;
const STEP = (RATE * STEP_MS) / 1000;
const CALL_MS = 5000;

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
});
afterAll(() => {
  vi.useRealTimers();
});

describe('many short calls', () => {
  it(`${CALLS} calls of 5 s through the adapter against the local session: no error, kernel memory flat, heap bounded`, () => {
    const next = rng(5);
    const noise = new Float32Array(RATE).map(() => (next() - 0.5) * 0.002);
    // the user: 1.2 s of a voice-like gliding tone, then room noise
    const voice = new Float32Array(RATE * 1.2).map((_, i) => 0.25 * Math.sin(2 * Math.PI * (180 + 60 * Math.sin(i / 4500)) * (i / RATE)) + noise[i % RATE]!);
    const replyVoice = tonePcm(RATE, RATE, 330, 9000); // the session's sentence: 1 s
    const mic = new Float32Array(STEP);
    const speaker = new Float32Array(STEP);
    const totals = { errors: 0, sessionErrors: 0, replies: 0, truncates: 0, interruptions: 0, receivedSeconds: 0 };
    let kernelWarm = kernelMemory();
    let heapWarm = 0;

    const call = (n: number) => {
      let adapter: RealtimeAudioAdapter | undefined;
      const session = new LocalSession(
        (event) => {
          if (event.type === 'error') totals.sessionErrors++;
          if (event.type === 'response.done') totals.replies++;
          if (event.type === 'conversation.item.truncated') totals.truncates++;
          adapter?.handleServerEvent(event);
        },
        { replyVoice, paceFactor: 2, deltaMs: 100, maxEchoMs: 1000 },
      );
      adapter = new RealtimeAudioAdapter({
        protocol: 'openai',
        send: (event) => session.handle(JSON.stringify(event)),
        inputRate: RATE,
        outputRate: RATE,
        chunkMs: 100,
        vad: true,
        echoGate: true,
        maxPlaybackMs: 10_000,
        onEvent: (event) => {
          if (event.type === 'error') totals.errors++;
        },
      });
      const bargeIn = n % 3 === 0; // the user speaks again 0.5 s into the reply
      let replyStartMs = -1;
      for (let t = 0; t < CALL_MS; t += STEP_MS) {
        adapter.readPlayback(speaker);
        if (replyStartMs < 0 && adapter.playback.active) replyStartMs = t;
        const talking = t < 1200 || (bargeIn && replyStartMs >= 0 && t >= replyStartMs + 500 && t < replyStartMs + 1300);
        const at = ((t - (t < 1200 ? 0 : replyStartMs + 500)) * RATE) / 1000;
        for (let i = 0; i < STEP; i++) mic[i] = (talking ? voice[at + i]! : noise[(t * 24 + i) % RATE]!) + 0.3 * speaker[i]!;
        adapter.pushMicrophone(mic);
        vi.advanceTimersByTime(STEP_MS);
      }
      adapter.flush();
      const stats = adapter.stats;
      totals.interruptions += stats.interruptions;
      totals.receivedSeconds += stats.receivedSeconds;
      adapter.free();
      session.close();
    };

    const started = performance.now();
    for (let n = 0; n < CALLS; n++) {
      call(n);
      if (n === WARM_UP - 1) {
        kernelWarm = kernelMemory();
        heapWarm = heapUsed();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const kernelEnd = kernelMemory();
    const heapGrowth = heapUsed() - heapWarm;
    console.log(
      `${CALLS} calls in ${seconds.toFixed(1)} s (${((seconds * 1000) / CALLS).toFixed(2)} ms each): ${JSON.stringify(totals)}; ` +
        `kernel memory ${kernelWarm.memoryBytes / 1048576} -> ${kernelEnd.memoryBytes / 1048576} MiB, live ${kernelWarm.liveBytes} -> ${kernelEnd.liveBytes} bytes; ` +
        `heap after ${WARM_UP} calls ${(heapWarm / 1048576).toFixed(1)} MiB, growth ${(heapGrowth / 1024).toFixed(0)} KiB`,
    );
    expect(totals.errors).toBe(0);
    expect(totals.sessionErrors).toBe(0);
    // every call has its reply; a barge-in call a second one (the barge-in was a turn too), in
    // which the session plays the user's turn back, loud enough at the mic to interrupt it again
    expect(totals.replies).toBeGreaterThanOrEqual(CALLS);
    expect(totals.interruptions).toBeGreaterThanOrEqual(Math.ceil(CALLS / 3));
    expect(totals.truncates).toBe(totals.interruptions); // every truncate accepted by the session's checks
    expect(kernelEnd.memoryBytes).toBe(kernelWarm.memoryBytes);
    expect(kernelEnd.liveBytes).toBe(kernelWarm.liveBytes);
    expect(heapGrowth).toBeLessThan(1024 * 1024);
  }, 600_000);
});
