// PCM16 <-> float32, in wasm SIMD (assembly/pcm16.ts). Input is copied through a fixed window in
// wasm memory (16,384 samples), so any length works and nothing in wasm grows.
import { kernels, type Heap } from '../wasm/load.js';
import { checkOutputLength } from '../errors.js';

const WINDOW_SAMPLES = 16384;
let window: { heap: Heap; floatPtr: number; pcmPtr: number } | undefined;

function io() {
  if (window === undefined) {
    const heap = kernels();
    const floatPtr = heap.alloc(WINDOW_SAMPLES * 4);
    const pcmPtr = heap.alloc(WINDOW_SAMPLES * 2);
    window = { heap, floatPtr, pcmPtr };
  }
  window.heap.refresh();
  return window;
}

/**
 * Float32 [-1, 1) to PCM16: x * 32768, round half away from zero, clamp to [-32768, 32767],
 * NaN to 0 (WebRTC's FloatToS16 convention). Writes `input.length` samples into `output` (allocated
 * when not given) and returns it.
 */
export function floatToPcm16(input: Float32Array, output?: Int16Array): Int16Array {
  const samples = input.length;
  const out = output ?? new Int16Array(samples);
  checkOutputLength(out, samples, 'floatToPcm16');
  const { heap, floatPtr, pcmPtr } = io();
  const fBase = floatPtr >> 2;
  const iBase = pcmPtr >> 1;
  for (let done = 0; done < samples; done += WINDOW_SAMPLES) {
    const n = Math.min(WINDOW_SAMPLES, samples - done);
    heap.f32.set(n === samples ? input : input.subarray(done, done + n), fBase);
    heap.exports.pcm16_from_f32(floatPtr, pcmPtr, n);
    out.set(heap.i16.subarray(iBase, iBase + n), done);
  }
  return out;
}

/** PCM16 to float32: x / 32768 (exact). Writes into `output` (allocated when not given) and returns it. */
export function pcm16ToFloat(input: Int16Array, output?: Float32Array): Float32Array {
  const samples = input.length;
  const out = output ?? new Float32Array(samples);
  checkOutputLength(out, samples, 'pcm16ToFloat');
  const { heap, floatPtr, pcmPtr } = io();
  const fBase = floatPtr >> 2;
  const iBase = pcmPtr >> 1;
  for (let done = 0; done < samples; done += WINDOW_SAMPLES) {
    const n = Math.min(WINDOW_SAMPLES, samples - done);
    heap.i16.set(n === samples ? input : input.subarray(done, done + n), iBase);
    heap.exports.pcm16_to_f32(pcmPtr, floatPtr, n);
    out.set(heap.f32.subarray(fBase, fBase + n), done);
  }
  return out;
}
