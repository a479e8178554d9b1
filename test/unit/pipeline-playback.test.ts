// PlaybackPipeline: output identical for any delta sizes and read sizes, equal to one resampler
// run over each item; per-item played accounting for interrupt(); bounds, underruns, bad input.
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { Base64Error, OptionsError } from '../../src/errors.js';
import { chunking, patternPcm, tonePcm } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

/** The raised-cosine gain at `level` of a `fadeFrames` fade, from Math.sin (the reference for the library's table). */
const fadeGain = (level: number, fadeFrames: number) => Math.sin((Math.PI / 2) * (level / fadeFrames)) ** 2;

const b64 = (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');

/** Pushes `pcm` as deltas of the given sizes. */
function pushAll(p: PlaybackPipeline, pcm: Int16Array, sizes: number[], itemId: string): void {
  let at = 0;
  for (const n of sizes) {
    p.pushDelta(b64(pcm.subarray(at, at + n)), itemId);
    at += n;
  }
}

/** Reads everything in pieces of the given sizes (cycled) until `frames` are out; checks canaries. */
function readAll(p: PlaybackPipeline, frames: number, sizes: number[]): Float32Array {
  const out = new Float32Array(frames);
  const buffer = new Float32Array(4096 + 2);
  let at = 0;
  let k = 0;
  while (at < frames) {
    const n = Math.min(sizes[k++ % sizes.length]!, frames - at);
    buffer.fill(Number.NaN);
    const view = buffer.subarray(1, 1 + n);
    p.read(view);
    expect(Number.isNaN(buffer[0]!) && Number.isNaN(buffer[1 + n]!)).toBe(true);
    out.set(view, at);
    at += n;
  }
  return out;
}

function reference(items: Int16Array[], inputRate: number, outputRate: number): Float32Array {
  const parts: Float32Array[] = [];
  for (const pcm of items) {
    const r = new Resampler({ inputRate, outputRate });
    const f = Float32Array.from(pcm, (x) => x / 32768);
    parts.push(r.process(f), r.flush());
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('PlaybackPipeline output', () => {
  for (const outputRate of [24000, 48000, 44100]) {
    for (const mode of ['exact', 'default'] as const) {
      const title =
        mode === 'exact'
          ? `is identical for any delta and read sizes, and equals one resampler run per item (24 kHz -> ${outputRate} Hz, no fades)`
          : `with the default fades: one resampler run per item, each item faded in and out over 5 ms (24 kHz -> ${outputRate} Hz)`;
      it(title, () => {
        const a = tonePcm(7000, 24000, 440);
        const b = patternPcm(5001, 3);
        const parts = [reference([a], 24000, outputRate), reference([b], 24000, outputRate)];
        const fade = Math.round((5 * outputRate) / 1000);
        const expected = new Float32Array(parts[0]!.length + parts[1]!.length);
        let at = 0;
        for (const part of parts) {
          for (let i = 0; i < part.length; i++) {
            const gain = mode === 'exact' ? 1 : fadeGain(Math.min(i + 1, fade, part.length - i), fade);
            expected[at++] = part[i]! * gain;
          }
        }
        const options = mode === 'exact' ? EXACT_PLAYOUT : {};
        const outputs: Float32Array[] = [];
        for (const seed of [1, 2, 3]) {
          const p = new PlaybackPipeline({ outputRate, ...options });
          pushAll(p, a, seed === 1 ? [a.length] : chunking(a.length, seed), 'a');
          pushAll(p, b, seed === 1 ? [b.length] : chunking(b.length, seed + 10), 'b');
          p.endItem('b');
          outputs.push(readAll(p, expected.length + 500, seed === 1 ? [128] : [1, 128, 37, 480, 4096]));
        }
        // Any delta and read sizes: bit-identical (the resampler always gets 128-frame blocks).
        for (const out of outputs) expect(out).toEqual(outputs[0]);
        // Against one resampler call per item: bit-exact (the Resampler is itself invariant to call
        // sizes); with fades, within float32 rounding of the gain (the library's table is a Taylor series).
        const tolerance = mode === 'exact' ? 0 : 1e-6;
        for (const out of outputs) {
          let worst = 0;
          for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
          expect(worst).toBeLessThanOrEqual(tolerance);
          expect(out.subarray(expected.length).every((x) => x === 0)).toBe(true);
        }
      });
    }
  }
});

describe('PlaybackPipeline.interrupt', () => {
  it('reports the played part of the playing item in session frames, and flushes everything', () => {
    const p = new PlaybackPipeline({ outputRate: 48000, ...EXACT_PLAYOUT });
    p.pushDelta(b64(patternPcm(24000)), 'item_1');
    p.pushDelta(b64(patternPcm(2400)), 'item_2');
    const out = new Float32Array(128);
    let played = 0;
    for (let q = 0; q < 100; q++) played += p.read(out);
    expect(played).toBe(12800);
    const cut = p.interrupt();
    expect(cut).toMatchObject({ itemId: 'item_1', playedFrames: 6400, receivedFrames: 24000, playedToEnd: false });
    expect(cut.playedMs).toBe((6400 * 1000) / 24000);
    expect(p.bufferedMs).toBe(0);
    expect(p.read(out)).toBe(0);
    expect(out.every((x) => x === 0)).toBe(true);
    // late deltas of the interrupted items are not played
    expect(p.pushDelta(b64(patternPcm(480)), 'item_1')).toBe(0);
    expect(p.pushDelta(b64(patternPcm(480)), 'item_2')).toBe(0);
    expect(p.stats.lateFrames).toBe(960);
    expect(p.read(out)).toBe(0);
    // a new item plays
    p.pushDelta(b64(patternPcm(480)), 'item_3');
    expect(p.read(out)).toBe(128);
  });

  it('with nothing received reports no item; after an item played to its end says so', () => {
    const p = new PlaybackPipeline({ outputRate: 24000 });
    expect(p.interrupt()).toMatchObject({ itemId: null, playedFrames: 0 });
    p.pushDelta(b64(patternPcm(300)), 'x');
    p.endItem('x');
    const out = new Float32Array(512);
    expect(p.read(out)).toBe(300);
    expect(p.active).toBe(false);
    expect(p.interrupt()).toMatchObject({ itemId: 'x', playedFrames: 300, playedToEnd: true });
  });

  it('never reports more than was received', () => {
    const p = new PlaybackPipeline({ outputRate: 44100 });
    p.pushDelta(b64(patternPcm(1000)), 'x');
    const out = new Float32Array(128);
    for (let q = 0; q < 40; q++) p.read(out);
    const cut = p.interrupt();
    expect(cut.playedFrames).toBeLessThanOrEqual(1000);
    expect(cut.playedMs).toBeLessThanOrEqual(1000 / 24);
  });
});

describe('PlaybackPipeline bounds and counters', () => {
  it('drops what does not fit in maxPlaybackMs and counts it', () => {
    const p = new PlaybackPipeline({ outputRate: 24000, maxPlaybackMs: 100 });
    p.pushDelta(b64(patternPcm(4800)), 'x'); // 200 ms into a 100 ms buffer
    p.endItem('x');
    expect(p.bufferedMs).toBe(100);
    expect(p.stats.overflowFrames).toBe(2400);
  });

  it('counts an underrun once per dry spell while an item is still coming (no playout delay, no fades)', () => {
    const p = new PlaybackPipeline({ outputRate: 24000, ...EXACT_PLAYOUT });
    const out = new Float32Array(128);
    p.pushDelta(b64(patternPcm(200)), 'x'); // one 128-frame block is resampled, 72 frames wait for more
    expect(p.read(out)).toBe(128);
    p.read(out);
    p.read(out);
    expect(p.stats.underruns).toBe(1);
    expect(p.stats.underrunFrames).toBe(256);
    p.pushDelta(b64(patternPcm(128)), 'x');
    p.read(out);
    p.endItem('x');
    p.read(out);
    expect(p.stats.underruns).toBe(1); // ended: silence after the end is not an underrun
  });

  it('starts an item playbackStartMs after its first audio, or at once when it has ended', () => {
    const p = new PlaybackPipeline({ outputRate: 24000, playbackStartMs: 20, fadeMs: 0 }); // 480 frames
    const out = new Float32Array(128);
    p.pushDelta(b64(patternPcm(256)), 'x');
    const played: number[] = [];
    for (let q = 0; q < 6; q++) {
      if (q === 1) p.pushDelta(b64(patternPcm(512)), 'x');
      played.push(p.read(out));
    }
    // it starts at frame 480, within the read at 384 (the start is frame-exact, whatever the read size)
    expect(played).toEqual([0, 0, 0, 32, 128, 128]);
    expect(p.stats.playoutDelayFrames).toBe(480);
    // with less audio than the delay buffered it waits for more (or for the end), however long ago it came
    const q = new PlaybackPipeline({ outputRate: 24000, playbackStartMs: 20, fadeMs: 0 });
    q.pushDelta(b64(patternPcm(256)), 'y');
    for (let k = 0; k < 10; k++) expect(q.read(out)).toBe(0);
    q.endItem('y');
    expect(q.read(out)).toBe(128);
    expect(q.read(out)).toBe(128);
  });

  it('turns NaN-free PCM only: bad base64 and odd byte counts throw typed errors, whole samples still play', () => {
    const p = new PlaybackPipeline({ outputRate: 24000, ...EXACT_PLAYOUT });
    expect(() => p.pushDelta('AA=A', 'x')).toThrow(Base64Error);
    expect(() => p.pushDelta(Buffer.from([0, 64, 7]).toString('base64'), 'x')).toThrow(expect.objectContaining({ code: 'odd_byte_count' }));
    p.endItem('x');
    const out = new Float32Array(2);
    expect(p.read(out)).toBe(1);
    expect(out[0]).toBe(0.5);
  });

  it('validates options with clear typed errors', () => {
    expect(() => new PlaybackPipeline({ outputRate: 12345 })).toThrow(OptionsError);
    expect(() => new PlaybackPipeline({ outputRate: 48000, maxPlaybackMs: -1 })).toThrow(/maxPlaybackMs must be a number from 100/);
    expect(() => new PlaybackPipeline({ outputRate: 48000, quality: 'best' as never })).toThrow(/quality must be one of 'voice', 'high'/);
    expect(() => new PlaybackPipeline(null as never)).toThrow(OptionsError);
  });

  it('names the new option when given a renamed one (maxBufferedMs, startThresholdMs)', () => {
    const old = (options: Record<string, unknown>) => () => new PlaybackPipeline({ outputRate: 48000, ...options });
    expect(old({ maxBufferedMs: 1000 })).toThrow(OptionsError);
    expect(old({ maxBufferedMs: 1000 })).toThrow(/maxBufferedMs is now called maxPlaybackMs/);
    expect(old({ startThresholdMs: 20 })).toThrow(/startThresholdMs is now called playbackStartMs/);
    expect(new PlaybackPipeline({ outputRate: 48000, maxBufferedMs: undefined } as never).maxPlaybackMs).toBe(60_000); // explicit undefined: no option
  });
});
