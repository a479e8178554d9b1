// CapturePipeline: identical output for any input chunking (1-sample and 128-frame pieces
// included), equal to one resampler run cut into chunks and converted by an independent PCM16
// reference; integer stream times; NaN/Inf safety; silence gating with prefix padding (driven by a
// scripted VAD so the expected chunks are known exactly).
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { CapturePipeline, type CaptureAudioEvent, type CaptureEvent, type CaptureVad } from '../../src/pipeline/capture.js';
import { OptionsError } from '../../src/errors.js';
import { EchoGate } from '../../src/kernels/echo-gate.js';
import { chunking, micSignal, referencePcm16 } from '../helpers/transport-client.js';
import { pushInPieces } from '../helpers/capture-run.js';

const run = pushInPieces;

const audio = (events: CaptureEvent[]) => events.filter((e): e is CaptureAudioEvent => e.type === 'audio');
const bytesOf = (events: CaptureEvent[]) => Buffer.concat(audio(events).map((e) => Buffer.from(e.base64, 'base64')));

describe('CapturePipeline output', () => {
  for (const inputRate of [48000, 44100, 16000, 24000]) {
    it(`is identical for any chunking, and equals resample -> PCM16 in 40 ms chunks (${inputRate} Hz -> 24 kHz)`, () => {
      const mic = micSignal(inputRate, inputRate); // one second
      const r = new Resampler({ inputRate, outputRate: 24000 });
      const resampled = Float32Array.from([...r.process(mic), ...r.flush()]);
      const expected = Buffer.from(referencePcm16(resampled).buffer);
      const runs = [[mic.length], chunking(mic.length, 1), chunking(mic.length, 2), new Array(Math.ceil(mic.length / 128)).fill(128)];
      runs.push(new Array(4000).fill(1).concat([mic.length - 4000]));
      const outputs = runs.map((sizes) => run(new CapturePipeline({ inputRate }), mic, sizes));
      for (const events of outputs) {
        expect(events.map((e) => (e.type === 'audio' ? e.base64 : e.type))).toEqual(outputs[0]!.map((e) => (e.type === 'audio' ? e.base64 : e.type)));
      }
      expect(bytesOf(outputs[0]!).equals(expected)).toBe(true);
      const chunks = audio(outputs[0]!);
      expect(chunks.length).toBe(25);
      chunks.forEach((c, k) => {
        expect(c.startFrame).toBe(k * 960);
        expect(c.startMs).toBe(k * 40);
        expect(c.durationMs).toBe(40);
      });
    });
  }

  it('with VAD, echo gate and silence gating on, events and chunks are still identical for any chunking', () => {
    // speech-like bursts (a 300 Hz tone switched on and off) over quiet noise, 48 kHz
    const input = micSignal(48000 * 3, 48000).map((x, i) => x * 0.002 + (Math.floor(i / 24000) % 2 === 1 ? 0.3 * Math.sin(i * 0.04) : 0));
    const runs = [[input.length], chunking(input.length, 5), new Array(input.length / 128).fill(128), chunking(input.length, 6)];
    const outputs = runs.map((sizes) => {
      const p = new CapturePipeline({ inputRate: 48000, vad: true, echoGate: new EchoGate({ sampleRate: 48000 }), silenceGating: true });
      return run(p, input, sizes).map((e) => (e.type === 'audio' ? `${e.startFrame}:${e.base64}` : `${e.type}@${e.timeMs}`));
    });
    expect(outputs[0]!.some((e) => e.startsWith('speech_start'))).toBe(true);
    for (const out of outputs) expect(out).toEqual(outputs[0]);
  });

  it('treats NaN and Inf as 0 without poisoning what follows', () => {
    const clean = micSignal(4800, 48000);
    const dirty = clean.slice();
    const zeroed = clean.slice();
    for (const i of [5, 100, 101, 2000]) {
      dirty[i] = i % 2 ? Number.NaN : Number.POSITIVE_INFINITY;
      zeroed[i] = 0;
    }
    dirty[3000] = Number.NEGATIVE_INFINITY;
    zeroed[3000] = 0;
    const a = run(new CapturePipeline({ inputRate: 48000 }), dirty, chunking(dirty.length, 4));
    const b = run(new CapturePipeline({ inputRate: 48000 }), zeroed, [zeroed.length]);
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
  });

  it('emitPending sends the partial chunk without ending the stream; chunkMs sets the chunk size', () => {
    const p = new CapturePipeline({ inputRate: 24000, chunkMs: 20 });
    expect(p.chunkFrames).toBe(480);
    expect(p.push(micSignal(700, 24000)).length).toBe(1);
    const [pending] = p.emitPending() as CaptureAudioEvent[];
    expect(pending).toMatchObject({ startFrame: 480, frames: 220 });
    const [next] = p.push(micSignal(512, 24000)) as CaptureAudioEvent[];
    expect(next).toMatchObject({ startFrame: 700, frames: 480 });
  });

  it('validates options with clear typed errors', () => {
    expect(() => new CapturePipeline({ inputRate: 12345 })).toThrow(OptionsError);
    expect(() => new CapturePipeline({ inputRate: 48000, chunkMs: 5 })).toThrow(/chunkMs must be a number from 10 to 1000/);
    expect(() => new CapturePipeline({ inputRate: 48000, silenceGating: true })).toThrow(/silenceGating needs a VAD/);
  });
});

/** A VAD that hears speech exactly in [startFrame, stopFrame) and reports it at once. */
class ScriptedVad implements CaptureVad {
  readonly prefixPaddingMs = 100;
  speaking = false;
  private frames = 0;
  constructor(
    readonly sampleRate: number,
    private readonly spans: Array<[number, number]>,
  ) {}
  processInto(samples: Float32Array, types: Uint8Array, times: Float64Array, _d?: Uint8Array, start = 0, end = samples.length): number {
    let events = 0;
    for (let i = start; i < end; i++, this.frames++) {
      for (const [a, b] of this.spans) {
        if (this.frames === a) {
          this.speaking = true;
          types[events] = 0;
          times[events++] = (a * 1000) / this.sampleRate;
        }
        if (this.frames === b) {
          this.speaking = false;
          types[events] = 1;
          times[events++] = (b * 1000) / this.sampleRate;
        }
      }
    }
    return events;
  }
  reset(): void {
    this.frames = 0;
    this.speaking = false;
  }
}

describe('CapturePipeline silence gating', () => {
  it('sends speech chunks plus the prefix padding before each start, and counts the rest as silence', () => {
    // 24 kHz, 40 ms chunks (960 frames); speech in [10000, 20000) and [40000, 41000); padding 100 ms
    const vad = new ScriptedVad(24000, [
      [10000, 20000],
      [40000, 41000],
    ]);
    const p = new CapturePipeline({ inputRate: 24000, vad, silenceGating: true });
    const mic = micSignal(60000, 24000);
    const events = run(p, mic, chunking(mic.length, 9));
    expect(events.filter((e) => e.type !== 'audio')).toEqual([
      { type: 'speech_start', timeMs: 10000 / 24 },
      { type: 'speech_stop', timeMs: 20000 / 24 },
      { type: 'speech_start', timeMs: 40000 / 24 },
      { type: 'speech_stop', timeMs: 41000 / 24 },
    ]);
    // chunks sent: those reaching into [start - 2400, stop], by whole chunks
    const sent = audio(events).map((e) => e.startFrame / 960);
    const expectedChunks: number[] = [];
    for (const [a, b] of [
      [10000, 20000],
      [40000, 41000],
    ] as const) {
      for (let k = Math.floor((a - 2400) / 960); k <= Math.floor(b / 960); k++) expectedChunks.push(k);
    }
    expect(sent).toEqual(expectedChunks);
    // the chunks sent carry exactly their part of the signal
    const all = Buffer.from(referencePcm16(mic).buffer);
    for (const e of audio(events)) {
      expect(Buffer.from(e.base64, 'base64').equals(all.subarray(e.startFrame * 2, (e.startFrame + e.frames) * 2))).toBe(true);
    }
    const sentFrames = audio(events).reduce((n, e) => n + e.frames, 0);
    expect(p.stats.sentFrames).toBe(sentFrames);
    expect(p.stats.silenceFrames).toBe(60000 - sentFrames);
  });
});
