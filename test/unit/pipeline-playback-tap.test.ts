// PlaybackPipeline with a `sessionReference` (the playout at the session rate, one resampler after
// it): the tap is the items exactly as played at 24 kHz (checked against the decoded deltas and
// Math.sin fades), the speaker's stream is one Resampler run over the tap whatever the read sizes
// (checked against a Resampler of its own), the tap is never behind the speaker, an interruption
// never reports audio still inside the resampler as heard, barge-in stays click-free, nothing
// allocates per quantum; a capture fed the tap from read() cancels exactly as one fed the same
// stream 64 frames per quantum (the lab's session-rate figures, test/quality/echo-pipeline.test.ts,
// hold for it). Cost: about 4 s.
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { PlaybackPipeline, type PlaybackPipelineOptions } from '../../src/pipeline/playback.js';
import { OptionsError } from '../../src/errors.js';
import { CapturePipeline } from '../../src/pipeline/capture.js';
import { decodeBase64 } from '../../src/kernels/base64.js';
import { chunking, patternPcm, tonePcm } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';
import { allocatedBytes } from '../helpers/allocation.js';

const fadeGain = (level: number, fadeFrames: number) => Math.sin((Math.PI / 2) * (level / fadeFrames)) ** 2;

/** A pipeline whose tap is collected into `tap` (a growing list of copies). */
function tapped(options: Omit<PlaybackPipelineOptions, 'sessionReference'>): { p: PlaybackPipeline; tap: Float32Array[] } {
  const tap: Float32Array[] = [];
  const p = new PlaybackPipeline({ ...options, sessionReference: { pushReference: (x) => tap.push(x.slice()) } });
  return { p, tap };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** Reads `frames` in pieces of the given sizes (cycled); returns the output and the tap frames pushed by the end of each read. */
function readAll(p: PlaybackPipeline, tap: Float32Array[], frames: number, sizes: number[]): { out: Float32Array; tapAfter: number[]; readEnds: number[] } {
  const out = new Float32Array(frames);
  const tapAfter: number[] = [];
  const readEnds: number[] = [];
  for (let at = 0, k = 0; at < frames; ) {
    const n = Math.min(sizes[k++ % sizes.length]!, frames - at);
    p.read(out.subarray(at, at + n));
    at += n;
    readEnds.push(at);
    tapAfter.push(tap.reduce((s, x) => s + x.length, 0));
  }
  return { out, tapAfter, readEnds };
}

/** One Resampler run over `x` (the reference for the speaker's stream). */
function resampled(x: Float32Array, outputRate: number): Float32Array {
  const r = new Resampler({ inputRate: 24000, outputRate });
  const out = r.process(x);
  r.free();
  return out;
}

describe('PlaybackPipeline with a sessionReference', () => {
  for (const outputRate of [48000, 44100, 16000]) {
    it(`taps the items as played at 24 kHz, and the speaker's stream is one resampler run over the tap for any read sizes (24 kHz -> ${outputRate} Hz)`, () => {
      const a = tonePcm(7000, 24000, 440);
      const b = patternPcm(5001, 3);
      const frames = Math.round(((a.length + b.length + 2000) * outputRate) / 24000);
      const runs = [];
      for (const [seed, sizes] of [
        [1, [128]],
        [2, [1, 128, 37, 480, 4096]],
        [3, [960]],
      ] as const) {
        const { p, tap } = tapped({ outputRate });
        for (const [pcm, id] of [
          [a, 'a'],
          [b, 'b'],
        ] as const) {
          const cuts = seed === 1 ? [pcm.length] : chunking(pcm.length, seed);
          for (let at = 0, k = 0; at < pcm.length; at += cuts[k++]!) p.pushPcm16(pcm.subarray(at, at + cuts[k]!), id);
        }
        p.endItem('b');
        const run = readAll(p, tap, frames, [...sizes]);
        expect(p.playoutRate).toBe(24000);
        runs.push({ ...run, tap: concat(tap) });
        p.free();
      }
      // the tap: the items back to back, each faded in and out over 5 ms (120 frames), then zeros;
      // the same for every read size
      const fade = 120;
      const session = concat([a, b].map((pcm) => Float32Array.from(pcm, (x, i) => (x / 32768) * fadeGain(Math.min(i + 1, fade, pcm.length - i), fade))));
      const tap = runs[0]!.tap;
      const start = 0; // both items had ended before the first read: no playout delay
      let worst = 0;
      for (let i = 0; i < session.length; i++) worst = Math.max(worst, Math.abs(tap[start + i]! - session[i]!));
      expect(worst).toBeLessThan(1e-6);
      expect(tap.subarray(start + session.length).every((x) => x === 0)).toBe(true);
      for (const run of runs) expect(run.tap.subarray(0, tap.length)).toEqual(tap.subarray(0, run.tap.length));
      // the speaker: exactly one Resampler run over the tap, and the tap never behind it
      for (const run of runs) {
        const expected = resampled(run.tap, outputRate);
        expect(expected.length).toBeGreaterThanOrEqual(frames);
        expect(run.out).toEqual(expected.subarray(0, frames));
        for (const [i, end] of run.readEnds.entries()) expect(run.tapAfter[i]! * outputRate).toBeGreaterThanOrEqual(end * 24000);
      }
      // 128-frame quanta at 48 kHz: the first read takes two 64-frame blocks (the resampler's first
      // gives 40 frames: it emits its delay, 44 session frames, later), then one per quantum; the
      // FIFO keeps 40 device frames
      if (outputRate === 48000) expect(runs[0]!.tapAfter.slice(0, 4)).toEqual([128, 192, 256, 320]);
    });
  }

  it("an interruption counts as heard only what the speaker output (device frames / 2): not the resampler's delay (44 session frames at 24 -> 48 kHz 'high') nor the FIFO", () => {
    for (const sizes of [[128], [960], [1, 128, 37, 480]]) {
      const { p, tap } = tapped({ outputRate: 48000, ...EXACT_PLAYOUT });
      p.pushPcm16(patternPcm(24000), 'a');
      const { readEnds } = readAll(p, tap, 12800 + 77, sizes);
      const device = readEnds[readEnds.length - 1]!;
      const cut = p.interrupt();
      // the speaker has output `device` frames: device frame j is session time j / 2 (the
      // resampler compensates its delay by emitting it later), so the audio heard ends at device / 2
      const heard = device / 2;
      expect(cut.playedFrames).toBeLessThanOrEqual(heard);
      expect(cut.playedFrames).toBeGreaterThanOrEqual(heard - 1);
      expect(cut.playedToEnd).toBe(false);
      // the counters agree: what was inside the resampler at the cut counts as flushed
      expect(p.stats.playedFrames).toBe(cut.playedFrames);
      p.free();
    }
    // an item played to its end says so once its last frames are out of the resampler
    const { p, tap } = tapped({ outputRate: 48000, ...EXACT_PLAYOUT });
    p.pushPcm16(patternPcm(300), 'x');
    p.endItem('x');
    readAll(p, tap, 512, [128]); // 256 session frames heard, the item's last 44 still in the resampler
    const early = p.interrupt();
    expect(early).toMatchObject({ itemId: 'x', playedToEnd: false });
    // at worst one block (64 frames) under (the silence after the item is counted in whole blocks)
    expect(early.playedFrames).toBeLessThanOrEqual(256);
    expect(early.playedFrames).toBeGreaterThanOrEqual(256 - 64);
    const second = tapped({ outputRate: 48000, ...EXACT_PLAYOUT });
    second.p.pushPcm16(patternPcm(300), 'x');
    second.p.endItem('x');
    readAll(second.p, second.tap, 640, [128]); // 320 session frames heard: the whole item
    expect(second.p.interrupt()).toMatchObject({ itemId: 'x', playedFrames: 300, playedToEnd: true });
  });

  it('barge-in is click-free through the resampler: no step above the steady tone (440 Hz at 0.436: 0.0251 at 48 kHz)', () => {
    const steady = 0.436 * 2 * Math.sin((Math.PI * 440) / 48000);
    const maxStep = (x: Float32Array, from: number, to: number) => {
      let worst = 0;
      for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(x[i]! - x[i - 1]!));
      return worst;
    };
    for (const fadeMs of [0, 5]) {
      const { p, tap } = tapped({ outputRate: 48000, minPlayoutMs: 0, maxPlayoutMs: 0, fadeMs });
      p.pushPcm16(tonePcm(24000, 24000, 440, Math.round(0.436 * 32768)), 'a');
      const before = readAll(p, tap, 37 * 128, [128]).out;
      p.interrupt();
      const after = readAll(p, tap, 8 * 128, [128]).out;
      const out = concat([before, after]);
      const step = maxStep(out, 37 * 128 - 200, out.length);
      if (fadeMs === 0)
        expect(step).toBeGreaterThan(3 * steady); // 0.088: the cut, band-limited by the resampler
      else expect(step).toBeLessThanOrEqual(steady * 1.001);
      expect(after.subarray(after.length - 128).every((x) => Math.abs(x) < 1e-6)).toBe(true);
      p.free();
    }
  });

  it('allocates nothing per 128-frame read while a reply plays, and checks the option', () => {
    let frames = 0;
    const p = new PlaybackPipeline({ outputRate: 44100, sessionReference: { pushReference: (x) => (frames += x.length) } });
    p.pushPcm16(tonePcm(240000, 24000, 440), 'a');
    const out = new Float32Array(128);
    for (let q = 0; q < 2000; q++) p.read(out); // warm up: JIT, the views of each output length
    const bytes = allocatedBytes(() => {
      for (let q = 0; q < 600; q++) p.read(out);
    });
    expect(bytes).toBeLessThan(1024); // one 16-byte object per read would be 9600
    expect(frames).toBeGreaterThan(0);
    p.free();
    expect(() => new PlaybackPipeline({ outputRate: 48000, sessionReference: {} as never })).toThrow(OptionsError);
  });
});

describe('a CapturePipeline fed by the tap', () => {
  // 24 kHz out: OpenAI's (the tap queued as it is); 16 kHz out: Gemini's (the tap through one 24 -> 16 kHz resampler)
  it.each([24000, 16000])(
    "cancels exactly as with the same stream pushed 64 frames per quantum (the echo lab's session-rate runs): the pairing is by order, not by when the tap arrives (canceller at %d Hz)",
    (outputRate) => {
      const quanta = 375; // 1 s at 48 kHz
      const reply = patternPcm(12000, 5).map((x, i) => (Math.floor(i / 2400) % 2 === 0 ? x >> 2 : x >> 5));
      const play = (capture: CapturePipeline | undefined, tap: Float32Array[]) => {
        const p = new PlaybackPipeline({ outputRate: 48000, sessionReference: capture ?? { pushReference: (x) => tap.push(x.slice()) } });
        p.pushPcm16(reply, 'a');
        p.endItem('a');
        return p;
      };
      // the speaker's stream, and the mic: it 3 ms later at -12 dB, plus noise
      const tap: Float32Array[] = [];
      const dry = play(undefined, tap);
      const speaker = new Float32Array(quanta * 128);
      for (let q = 0; q < quanta; q++) dry.read(speaker.subarray(q * 128, (q + 1) * 128));
      dry.free();
      const session = concat(tap);
      let x = 3;
      const mic = Float32Array.from(speaker, (_, i) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (i >= 144 ? 0.25 * speaker[i - 144]! : 0) + 0.001 * ((x >>> 8) / 16777216 - 0.5);
      });
      const options = { inputRate: 48000, outputRate, echoCancellation: true, referenceRate: 24000, vad: false } as const;
      const live = new CapturePipeline(options);
      const p = play(live, []);
      const a: string[] = [];
      const out = new Float32Array(128);
      for (let q = 0; q < quanta; q++) {
        p.read(out); // the tap first
        for (const e of live.push(mic.subarray(q * 128, (q + 1) * 128))) if (e.type === 'audio') a.push(e.base64);
      }
      const replayed = new CapturePipeline(options);
      const b: string[] = [];
      for (let q = 0; q < quanta; q++) {
        replayed.pushReference(session.subarray(q * 64, (q + 1) * 64));
        for (const e of replayed.push(mic.subarray(q * 128, (q + 1) * 128))) if (e.type === 'audio') b.push(e.base64);
      }
      // and the reference is at work: without it the output differs
      const deaf = new CapturePipeline(options);
      const c: string[] = [];
      for (let q = 0; q < quanta; q++) for (const e of deaf.push(mic.subarray(q * 128, (q + 1) * 128))) if (e.type === 'audio') c.push(e.base64);
      expect(a.length).toBeGreaterThan(20); // 40 ms chunks
      expect(a).toEqual(b);
      expect(c.length).toBe(a.length);
      expect(c).not.toEqual(a);
      // and it is cancelled: the reply's echo (chunks 8..15: 0.32-0.64 s) comes out far weaker than without the reference
      const energyOf = (chunks: string[]) =>
        chunks.slice(8, 16).reduce((sum, b64) => new Int16Array(decodeBase64(b64).buffer).reduce((e, v) => e + v * v, sum), 0);
      console.log(`the tap at ${outputRate} Hz: ${(10 * Math.log10(energyOf(c) / energyOf(a))).toFixed(1)} dB less echo than without a reference`);
      expect(10 * Math.log10(energyOf(c) / energyOf(a))).toBeGreaterThan(6); // measured 10.7 / 12.1 dB (still converging: the first second)
      for (const pipeline of [live, replayed, deaf]) pipeline.free();
      p.free();
    },
  );
});
