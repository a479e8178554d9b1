// CapturePipeline with `echoCancellation` (src/pipeline/capture-echo.ts): the output equals the
// composition it claims (mic and reference each resampled in one run, the EchoCanceller at 24 kHz
// on them, its latency trimmed and flushed, PCM16 by an independent reference) byte for byte; it
// is identical for any chunking; stream times and chunk counts are those without the canceller;
// after a flush the next stream stays in step (the echo stays cancelled); option errors; free()
// frees the canceller the pipeline made, not one passed in. Cost: about 3 s.
import { describe, expect, it } from 'vitest';
import {
  CapturePipeline,
  EchoCanceller,
  EchoGate,
  OptionsError,
  RealtimePcmError,
  Resampler,
  type CaptureAudioEvent,
  type CaptureEvent,
} from '../../src/index.js';
import { farEnd } from '../helpers/far-end.js';
import { rng } from '../helpers/random.js';
import { chunking, referencePcm16 } from '../helpers/transport-client.js';
import { pushInPieces } from '../helpers/capture-run.js';

const RATE = 48000;

/** The echo of `far` at the mic: `delayMs`, then a decaying random response (60 dB in 50 ms), at -`erlDb`. */
function echoOf(far: Float32Array, delayMs: number, erlDb: number): Float32Array {
  const next = rng(3);
  const d = Math.round((delayMs * RATE) / 1000);
  const h = Float32Array.from({ length: 1200 }, (_, j) => (2 * next() - 1) * 10 ** ((-3 * j) / (0.05 * RATE)));
  const g = 10 ** (-erlDb / 20) / Math.sqrt(h.reduce((s, v) => s + v * v, 0));
  const y = new Float32Array(far.length);
  for (let i = d; i < far.length; i++) {
    let acc = 0;
    for (let j = 0; j < h.length && j <= i - d; j++) acc += h[j]! * far[i - d - j]!;
    y[i] = g * acc;
  }
  return y;
}

const far = farEnd(RATE, 4, 11);
const echo = echoOf(far, 60, 10);
const noise = (() => {
  const next = rng(5);
  return Float32Array.from(far, () => 1e-4 * (2 * next() - 1));
})();
const mic = Float32Array.from(echo, (v, i) => v + noise[i]!);

/** Reference then mic, piece by piece (the same pieces for both), then flush. */
const run = (pipeline: CapturePipeline, reference: Float32Array, input: Float32Array, sizes: number[]) => pushInPieces(pipeline, input, sizes, reference);

const audio = (events: CaptureEvent[]) => events.filter((e): e is CaptureAudioEvent => e.type === 'audio');
const bytesOf = (events: CaptureEvent[]) => Buffer.concat(audio(events).map((e) => Buffer.from(e.base64, 'base64')));
const samplesOf = (events: CaptureEvent[]) => {
  const b = bytesOf(events);
  return Float32Array.from(new Int16Array(b.buffer, b.byteOffset, b.length / 2), (v) => v / 32768);
};
const energy = (x: Float32Array, a: number, b: number) => x.subarray(a, b).reduce((s, v) => s + v * v, 0);
const resampled = (x: Float32Array) => {
  const r = new Resampler({ inputRate: RATE, outputRate: 24000 });
  const out = Float32Array.from([...r.process(x), ...r.flush()]);
  r.free();
  return out;
};

/**
 * The composition the pipeline claims: EchoCanceller at 24 kHz on the mic and the reference (both
 * at 24 kHz, paired index by index, zeros after their ends), in 10 ms calls, its latency trimmed
 * and flushed, then PCM16 by an independent reference.
 */
function composition(micAt24: Float32Array, refAt24: Float32Array): Buffer {
  const aec = new EchoCanceller({ sampleRate: 24000 });
  const latency = aec.latencySamples;
  const cleaned = new Float32Array(micAt24.length + latency);
  const padded = new Float32Array(micAt24.length + latency);
  padded.set(micAt24);
  const reference = new Float32Array(padded.length);
  reference.set(refAt24);
  for (let at = 0; at < padded.length; at += 240) {
    const n = Math.min(240, padded.length - at);
    aec.pushReference(reference.subarray(at, at + n));
    aec.processInto(padded.subarray(at, at + n), cleaned.subarray(at, at + n));
  }
  aec.free();
  return Buffer.from(referencePcm16(cleaned.subarray(latency)).buffer);
}

describe('CapturePipeline with echoCancellation', () => {
  it('equals mic and reference resampled alike, then EchoCanceller at 24 kHz (latency trimmed, flushed), then PCM16', () => {
    const micAt24 = resampled(mic);
    const expected = composition(micAt24, resampled(far));
    const events = run(new CapturePipeline({ inputRate: RATE, echoCancellation: true }), far, mic, new Array(mic.length / 128).fill(128));
    expect(expected.length).toBe(2 * micAt24.length);
    expect(bytesOf(events).equals(expected)).toBe(true);
  });

  it('is identical for any chunking up to 1 s (1-sample and 128-frame pieces), with the VAD on; stream times as without it', () => {
    const sizes = [new Array(mic.length / 128).fill(128), chunking(mic.length, 3), chunking(mic.length, 8), new Array(4).fill(RATE)];
    const outputs = sizes.map((s) =>
      run(new CapturePipeline({ inputRate: RATE, echoCancellation: true, vad: true }), far, mic, s).map((e) =>
        e.type === 'audio' ? `${e.startFrame}+${e.frames}:${e.base64}` : `${e.type}@${e.timeMs}`,
      ),
    );
    for (const out of outputs) {
      expect(out.length).toBe(outputs[0]!.length);
      expect(out.filter((e, i) => e !== outputs[0]![i]).length).toBe(0); // (the count, not a 4 s diff of base64)
    }
    const plain = run(new CapturePipeline({ inputRate: RATE, vad: true }), far, mic, sizes[0]!);
    const times = (events: string[]) => events.filter((e) => !e.includes('@')).map((e) => e.split(':')[0]);
    expect(times(outputs[0]!)).toEqual(times(plain.map((e) => (e.type === 'audio' ? `${e.startFrame}+${e.frames}:` : `${e.type}@`))));
  });

  it('an EchoCanceller (its window fed by the resamplers in kernel memory) and a canceller of your own wrapping one (arrays copied through) give the same bytes and events', () => {
    const sizes = chunking(mic.length, 5);
    const key = (events: CaptureEvent[]) => events.map((e) => (e.type === 'audio' ? `${e.startFrame}+${e.frames}:${e.base64}` : `${e.type}@${e.timeMs}`));
    const inner = new EchoCanceller({ sampleRate: 24000 });
    const wrapped = {
      sampleRate: 24000,
      latencySamples: inner.latencySamples,
      pushReference: (x: Float32Array, frames?: number) => inner.pushReference(x, frames),
      processInto: (x: Float32Array, out: Float32Array, frames?: number) => inner.processInto(x, out, frames),
      reset: () => inner.reset(),
    };
    const own = key(run(new CapturePipeline({ inputRate: RATE, echoCancellation: wrapped, vad: true }), far, mic, sizes));
    inner.free();
    const direct = key(run(new CapturePipeline({ inputRate: RATE, echoCancellation: true, vad: true }), far, mic, sizes));
    expect(direct.length).toBeGreaterThanOrEqual(100); // 4 s in 40 ms chunks
    expect(direct.length).toBe(own.length);
    expect(direct.filter((e, i) => e !== own[i]).length).toBe(0);
  });

  // (with the reference a resampler tail behind the mic after a flush, the next stream gave 34 dB)
  it('removes the echo (>= 40 dB after 2 s; measured 52.2 dB), and after a flush the next stream stays in step (>= 45 dB from 0.2 s; measured 54.5)', () => {
    const pipeline = new CapturePipeline({ inputRate: RATE, echoCancellation: true });
    const quanta = new Array(mic.length / 128).fill(128);
    const first = samplesOf(run(pipeline, far, mic, quanta));
    const second = samplesOf(run(pipeline, far, mic, quanta));
    const echoAt24 = resampled(echo);
    const reductionDb = (out: Float32Array, fromS: number) => 10 * Math.log10(energy(echoAt24, fromS * 24000, 96000) / energy(out, fromS * 24000, 96000));
    console.log(
      `echo reduction through the pipeline: ${reductionDb(first, 2).toFixed(1)} dB after 2 s; ${reductionDb(second, 0.2).toFixed(1)} dB in the next stream`,
    );
    expect(reductionDb(first, 2)).toBeGreaterThan(40);
    expect(reductionDb(second, 0.2)).toBeGreaterThan(45);
    expect((pipeline.echoCanceller as EchoCanceller).droppedReferenceSamples).toBe(0);
    pipeline.free();
  });

  it("EchoCanceller's frame counts (what the stage uses): the first `frames` samples, as a shorter array would give; bad counts are typed errors", () => {
    const a = new EchoCanceller({ sampleRate: 24000 });
    const b = new EchoCanceller({ sampleRate: 24000 });
    const ref = resampled(far).subarray(0, 24000);
    const micAt24 = resampled(mic).subarray(0, 24000);
    const outA = new Float32Array(24000);
    const outB = new Float32Array(24000);
    const scratch = new Float32Array(1000);
    for (let at = 0; at < 24000; at += 600) {
      scratch.set(ref.subarray(at, at + 600));
      a.pushReference(scratch, 600);
      b.pushReference(ref.subarray(at, at + 600));
      scratch.set(micAt24.subarray(at, at + 600));
      expect(a.processInto(scratch, scratch, 600)).toBe(600);
      outA.set(scratch.subarray(0, 600), at);
      b.processInto(micAt24.subarray(at, at + 600), outB.subarray(at, at + 600));
    }
    expect(Buffer.from(outA.buffer).equals(Buffer.from(outB.buffer))).toBe(true);
    expect(() => a.pushReference(scratch, 1001)).toThrow(RealtimePcmError);
    expect(() => a.processInto(scratch, scratch, 1.5)).toThrow(/frames must be an integer in 0..1000/);
    expect(() => a.processInto(scratch, new Float32Array(10), 20)).toThrow(/output holds 10 samples/);
    a.free();
    b.free();
  });

  it('takes EchoCanceller options or an instance at the output rate; rejects the rest with OptionsError', () => {
    const withOptions = new CapturePipeline({ inputRate: RATE, echoCancellation: { tailMs: 100, residualSuppression: false } });
    expect((withOptions.echoCanceller as EchoCanceller).tailMs).toBe(100);
    withOptions.free();
    expect(() => (withOptions.echoCanceller as EchoCanceller).erleDb).toThrow(RealtimePcmError); // made here: freed with it
    const mine = new EchoCanceller({ sampleRate: 24000 });
    const given = new CapturePipeline({ inputRate: RATE, echoCancellation: mine });
    expect(given.echoCanceller).toBe(mine);
    given.free();
    expect(mine.erleDb).toBeTypeOf('number'); // passed in: still yours
    mine.free();
    expect(new CapturePipeline({ inputRate: RATE, echoCancellation: false }).echoCanceller).toBeUndefined();
    expect(() => new CapturePipeline({ inputRate: RATE, echoCancellation: new EchoCanceller({ sampleRate: 16000 }) })).toThrow(/sampleRate 24000/);
    expect(() => new CapturePipeline({ inputRate: RATE, echoCancellation: 'on' as never })).toThrow(OptionsError);
    expect(() => new CapturePipeline({ inputRate: RATE, echoCancellation: { tailMs: 5 } })).toThrow(/tailMs/);
    expect(() => new CapturePipeline({ inputRate: RATE, echoCancellation: true, echoGate: new EchoGate({ sampleRate: RATE }) })).toThrow(/choose one/);
    expect(() => new CapturePipeline({ inputRate: RATE, echoGate: new EchoGate({ sampleRate: RATE }), referenceRate: 44100 })).toThrow(/referenceRate/);
  });

  it('a speaker at another rate than the mic (referenceRate 44.1 kHz) still cancels (>= 35 dB after 2 s; measured 46.1)', () => {
    const r = new Resampler({ inputRate: RATE, outputRate: 44100 });
    const far441 = Float32Array.from([...r.process(far), ...r.flush()]).subarray(Math.round((r.latencyMs * 44100) / 1000));
    r.free();
    const pipeline = new CapturePipeline({ inputRate: RATE, referenceRate: 44100, echoCancellation: true });
    // in step: each 10 ms of mic (480 frames) after the same 10 ms of the speaker (441 frames)
    const events: CaptureEvent[] = [];
    for (let k = 0; k < mic.length / 480; k++) {
      pipeline.pushReference(far441.subarray(k * 441, (k + 1) * 441));
      events.push(...pipeline.push(mic.subarray(k * 480, (k + 1) * 480)));
    }
    events.push(...pipeline.flush());
    pipeline.free();
    const out = samplesOf(events);
    const echoAt24 = resampled(echo);
    const reductionDb = 10 * Math.log10(energy(echoAt24, 48000, 96000) / energy(out, 48000, 96000));
    console.log(`echo reduction, speaker at 44.1 kHz and mic at 48 kHz: ${reductionDb.toFixed(1)} dB after 2 s`);
    expect(reductionDb).toBeGreaterThan(35);
  });
});

// A reference at the session rate (referenceRate = outputRate: what a playback path sent to its
// 24 -> 48 kHz resampler): queued as pushed, no second resampler; the speaker plays it through
// that resampler, so the echo path includes it and the mic's.
describe('CapturePipeline with echoCancellation and a session-rate reference', () => {
  const far24 = farEnd(24000, 4, 11);
  const up = new Resampler({ inputRate: 24000, outputRate: RATE });
  const played = new Float32Array(4 * RATE); // the playback resampler's delay kept: the speaker plays it later
  played.set(up.process(far24).subarray(0, played.length));
  up.free();
  const echo48 = echoOf(played, 60, 10);
  const mic48 = Float32Array.from(echo48, (v, i) => v + noise[i]!);
  /** Mic pieces of `sizes`, each after the session-rate reference of the same span. */
  const runSession = (pipeline: CapturePipeline, sizes: number[]) => {
    const events: CaptureEvent[] = [];
    let at = 0;
    for (const n of sizes) {
      pipeline.pushReference(far24.subarray(Math.ceil(at / 2), Math.ceil((at + n) / 2)));
      events.push(...pipeline.push(mic48.subarray(at, at + n)));
      at += n;
    }
    events.push(...pipeline.flush());
    return events;
  };
  const sessionPipeline = () => new CapturePipeline({ inputRate: RATE, referenceRate: 24000, echoCancellation: true, vad: true });

  it('equals the mic resampled, then EchoCanceller at 24 kHz on it and the reference as pushed (latency trimmed, flushed), then PCM16', () => {
    const expected = composition(resampled(mic48), far24);
    const events = runSession(new CapturePipeline({ inputRate: RATE, referenceRate: 24000, echoCancellation: true }), new Array(mic48.length / 128).fill(128));
    expect(bytesOf(events).equals(expected)).toBe(true);
  });

  it('is identical for any chunking (1-sample, odd and 128-frame mic pieces, the reference in proportion), and removes the echo (>= 40 dB after 2 s; measured 56.2 dB); after a flush the next stream stays in step (>= 45 dB from 0.2 s; measured 56.9)', () => {
    const key = (events: CaptureEvent[]) => events.map((e) => (e.type === 'audio' ? `${e.startFrame}+${e.frames}:${e.base64}` : `${e.type}@${e.timeMs}`));
    const sizes = [new Array(mic48.length / 128).fill(128), new Array(mic48.length).fill(1), chunking(mic48.length, 5)];
    const outputs = sizes.map((s) => key(runSession(sessionPipeline(), s)));
    for (const out of outputs) {
      expect(out.length).toBe(outputs[0]!.length);
      expect(out.filter((e, i) => e !== outputs[0]![i]).length).toBe(0);
    }
    const pipeline = sessionPipeline();
    const quanta = new Array(mic48.length / 128).fill(128);
    const first = samplesOf(runSession(pipeline, quanta));
    const second = samplesOf(runSession(pipeline, quanta));
    expect((pipeline.echoCanceller as EchoCanceller).droppedReferenceSamples).toBe(0);
    pipeline.free();
    const echoAt24 = resampled(echo48);
    const reductionDb = (out: Float32Array, fromS: number) => 10 * Math.log10(energy(echoAt24, fromS * 24000, 96000) / energy(out, fromS * 24000, 96000));
    console.log(
      `echo reduction, session-rate reference: ${reductionDb(first, 2).toFixed(1)} dB after 2 s; ${reductionDb(second, 0.2).toFixed(1)} dB in the next stream`,
    );
    expect(reductionDb(first, 2)).toBeGreaterThan(40);
    expect(reductionDb(second, 0.2)).toBeGreaterThan(45);
  });
});

describe('CapturePipeline.skipMicrophone (a paused microphone while the speaker plays)', () => {
  /** A canceller of 0 latency that passes the mic through and records, per mic sample, the reference sample paired with it (by order, 0 when none queued) and the mic sample itself. */
  function recorder() {
    const queue: number[] = [];
    const paired: number[] = [];
    const heard: number[] = [];
    const canceller = {
      sampleRate: 24000,
      latencySamples: 0,
      pushReference(x: Float32Array, frames = x.length) {
        for (let i = 0; i < frames; i++) queue.push(x[i]!);
      },
      processInto(mic: Float32Array, out: Float32Array, frames = mic.length) {
        for (let i = 0; i < frames; i++) {
          paired.push(queue.length > 0 ? queue.shift()! : 0);
          heard.push(mic[i]!);
          out[i] = mic[i]!;
        }
        return frames;
      },
      reset() {},
    };
    return { canceller, paired, heard };
  }

  // the reference a ramp at 24 kHz (sample k is k + 1), pushed 70 or 69 frames a quantum as a 44.1 kHz tap gives it, before the mic
  it('keeps mic and reference in step sample for sample at 44.1 kHz, whatever the span skipped: the canceller hears that span as silence (the dead mic it is) and nothing of it is sent', () => {
    const run = (skipAt: number, skipQuanta: number) => {
      const { canceller, paired, heard } = recorder();
      const p = new CapturePipeline({ inputRate: 44100, echoCancellation: canceller, referenceRate: 24000, vad: false });
      const mic = new Float32Array(128).fill(0.01);
      let pushed = 0;
      let sentFrames = 0;
      const micOutputs: number[] = []; // processed mic samples so far, after each quantum
      for (let q = 0; q < 800; q++) {
        const due = Math.floor(((q + 1) * 128 * 24000) / 44100) + 40; // the tap leads the mic
        const ramp = Float32Array.from({ length: due - pushed }, (_, i) => pushed + i + 1);
        p.pushReference(ramp);
        pushed = due;
        if (q >= skipAt && q < skipAt + skipQuanta) p.skipMicrophone(128);
        else for (const e of p.push(mic)) if (e.type === 'audio') sentFrames += e.frames;
        micOutputs.push(paired.length);
      }
      p.free();
      return { paired, heard, micOutputs, sentFrames };
    };
    const whole = run(0, 0);
    for (const [skipAt, skipQuanta] of [
      [300, 1],
      [300, 2],
      [301, 345],
      [10, 331],
    ] as const) {
      const { paired, heard, micOutputs, sentFrames } = run(skipAt, skipQuanta);
      // every processed sample pairs with the reference the whole run pairs at the same place
      let mismatches = 0;
      for (let j = 0; j < whole.paired.length; j++) if (paired[j] !== whole.paired[j]) mismatches++;
      expect(paired.length, `skipped ${skipQuanta} quanta at ${skipAt}`).toBe(whole.paired.length);
      expect(mismatches, `skipped ${skipQuanta} quanta at ${skipAt}`).toBe(0);
      // the skipped span was heard as silence (past the resampler's tail of the mic before it, under 8 ms), and not sent
      const start = micOutputs[skipAt - 1]!;
      const to = micOutputs[skipAt + skipQuanta - 1]!;
      expect(to).toBeGreaterThan(start);
      if (to - start > 192) expect(heard.slice(start + 192, to).every((x) => x === 0)).toBe(true);
      expect(heard.slice(to + 192, to + 1000).every((x) => Math.abs(x - 0.01) < 1e-4)).toBe(true);
      // not sent: the span, give or take a chunk (40 ms: the chunks complete where they do)
      expect(whole.sentFrames - sentFrames).toBeGreaterThanOrEqual(to - start - 960 - 128);
      expect(whole.sentFrames - sentFrames).toBeLessThanOrEqual(to - start + 960 + 128);
    }
  });

  it('checks its argument, and does nothing without the canceller', () => {
    const p = new CapturePipeline({ inputRate: 48000, echoCancellation: true });
    for (const bad of [-1, 1.5, Number.NaN, '128' as unknown as number]) expect(() => p.skipMicrophone(bad)).toThrow(RealtimePcmError);
    p.skipMicrophone(0);
    p.free();
    const plain = new CapturePipeline({ inputRate: 48000, vad: false });
    plain.skipMicrophone(128);
    expect(plain.streamMs).toBe(0);
    plain.free();
  });
});
