// BlockResampler, the one resampling stage of the pipelines: its output for any chunking of the
// input (1-sample and 128-frame pieces, PCM16 or float) equals one Resampler run over the whole
// stream plus its flush (the Resampler is checked against sox in test/quality); PCM16 goes in as
// x / 32768 (Node's Buffer reads the samples); the prefilter sees fixed blocks; `processPending`
// and `end` account for every frame.
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { BlockResampler, type BlockPrefilter } from '../../src/pipeline/block-resampler.js';
import { OptionsError } from '../../src/errors.js';
import { micSignal } from '../helpers/transport-client.js';
import { randomChunking } from '../helpers/random.js';

/** A stage whose output is gathered into one array (each output checked to fit its buffer). */
function collecting(options: { inputRate: number; outputRate: number; blockFrames: number; prefilter?: BlockPrefilter }) {
  const out: number[] = [];
  const stage = new BlockResampler(options);
  const take = (frames: number) => {
    expect(frames).toBe(stage.outputFrames);
    expect(frames).toBeLessThanOrEqual(stage.output.length);
    for (let i = 0; i < frames; i++) out.push(stage.output[i]!);
  };
  const push = (samples: Float32Array | Int16Array) => {
    for (let at = 0; at < samples.length; ) {
      const next = samples instanceof Float32Array ? stage.pushFloat(samples, at) : stage.pushPcm16(samples, at);
      expect(next).toBeGreaterThan(at); // always progresses
      at = next;
      take(stage.outputFrames);
    }
  };
  return { stage, out, push, processPending: () => take(stage.processPending()), end: () => take(stage.end()) };
}

function oneRun(inputRate: number, outputRate: number, input: Float32Array): number[] {
  const r = new Resampler({ inputRate, outputRate });
  const out = [...r.process(input), ...r.flush()];
  r.free();
  return out;
}

describe('BlockResampler', () => {
  for (const [inputRate, outputRate] of [
    [48000, 24000],
    [44100, 24000],
    [24000, 48000],
    [8000, 24000],
    [24000, 24000],
  ] as const) {
    it(`gives one Resampler run's output for any chunking (${inputRate} -> ${outputRate} Hz)`, () => {
      const input = micSignal(Math.round(inputRate * 0.3), inputRate);
      const expected = oneRun(inputRate, outputRate, input);
      for (const sizes of [[input.length], randomChunking(input.length, 1, 7), randomChunking(input.length, 2, 900), new Array(100).fill(1)]) {
        const { push, end, out } = collecting({ inputRate, outputRate, blockFrames: 128 });
        let at = 0;
        for (const n of sizes) {
          push(input.subarray(at, at + n));
          at += n;
        }
        push(input.subarray(at));
        end();
        expect(out).toEqual(expected);
      }
    });
  }

  it('takes PCM16 as x / 32768, exactly as the float path', () => {
    const pcm = new Int16Array(5000);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(32767 * Math.sin(i / 3)) - (i % 2);
    pcm[0] = -32768;
    const bytes = Buffer.from(pcm.buffer);
    const asFloat = Float32Array.from({ length: pcm.length }, (_, i) => bytes.readInt16LE(2 * i) / 32768);
    const expected = oneRun(24000, 44100, asFloat);
    const { push, end, out } = collecting({ inputRate: 24000, outputRate: 44100, blockFrames: 240 });
    let at = 0;
    for (const n of randomChunking(pcm.length, 3, 400)) {
      push(pcm.subarray(at, at + n));
      at += n;
    }
    end();
    expect(out).toEqual(expected);
  });

  it('runs the prefilter on fixed blocks (only the last one shorter) and resamples what it returns', () => {
    const sizes: number[] = [];
    const half: BlockPrefilter = {
      processInto(input, output) {
        sizes.push(input.length);
        for (let i = 0; i < input.length; i++) output[i] = input[i]! / 2;
        return input.length;
      },
    };
    const input = micSignal(1000, 48000);
    const { stage, push, end, out } = collecting({ inputRate: 48000, outputRate: 24000, blockFrames: 128, prefilter: half });
    for (const n of randomChunking(input.length, 4, 300)) push(input.subarray(0, n)); // pieces of the same signal
    const pushed = sizes.length * 128 + stage.pendingFrames;
    end();
    expect(sizes.slice(0, -1).every((n) => n === 128)).toBe(true);
    expect(sizes.at(-1)).toBe(pushed % 128 === 0 ? 128 : pushed % 128);
    const plain = collecting({ inputRate: 48000, outputRate: 24000, blockFrames: 128 });
    for (const n of randomChunking(input.length, 4, 300)) plain.push(input.subarray(0, n));
    plain.end();
    const unfiltered = plain.out;
    expect(out).toEqual(unfiltered.map((v) => v / 2)); // linear filter, halved input: halved output, exactly (powers of two)
  });

  it('counts the frames waiting for a block; processPending runs them, reset drops them', () => {
    const { stage, push, processPending, end, out } = collecting({ inputRate: 24000, outputRate: 24000, blockFrames: 128 });
    push(new Float32Array(300).fill(0.25));
    expect(stage.pendingFrames).toBe(44);
    expect(out.length).toBe(256);
    processPending();
    expect(stage.pendingFrames).toBe(0);
    expect(out.length).toBe(300);
    push(new Float32Array(50).fill(0.5));
    stage.reset();
    end();
    expect(out.length).toBe(300); // the 50 dropped frames never came out
    expect(out.every((v) => v === 0.25)).toBe(true);
  });

  it('makes the latency and block size known, and rejects a rate the Resampler does not take', () => {
    const { stage } = collecting({ inputRate: 48000, outputRate: 24000, blockFrames: 128 });
    expect(stage.blockFrames).toBe(128);
    expect(stage.latencyMs).toBe(new Resampler({ inputRate: 48000, outputRate: 24000 }).latencyMs);
    stage.free();
    stage.free(); // idempotent
    expect(() => collecting({ inputRate: 12345, outputRate: 24000, blockFrames: 128 })).toThrow(OptionsError);
  });
});
