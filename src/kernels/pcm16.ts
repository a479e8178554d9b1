// PCM16 <-> float32, in wasm SIMD (assembly/pcm16.ts). Input goes through fixed windows in wasm
// memory (16,384 samples, Heap.through), so any length works, nothing in wasm grows, and with a
// given output nothing allocates.
import { kernelWindows } from '../wasm/load.js';
import { checkOutputLength } from '../errors.js';

const WINDOW_SAMPLES = 16384;
const windows = { ptr: 0, bytes: WINDOW_SAMPLES * 6 }; // the float32 window, then the int16 window
const PCM_OFFSET = WINDOW_SAMPLES * 4;

/**
 * Float32 [-1, 1) to PCM16: x * 32768, round half away from zero, clamp to [-32768, 32767],
 * NaN to 0 (WebRTC's FloatToS16 convention). Writes `input.length` samples into `output` (allocated
 * when not given; allocation-free otherwise) and returns it.
 */
export function floatToPcm16(input: Float32Array, output?: Int16Array): Int16Array {
  const out = output ?? new Int16Array(input.length);
  checkOutputLength(out, input.length, 'floatToPcm16');
  const heap = kernelWindows(windows);
  heap.through(heap.exports.pcm16_from_f32, WINDOW_SAMPLES, input, windows.ptr, out, windows.ptr + PCM_OFFSET);
  return out;
}

/** PCM16 to float32: x / 32768 (exact). Writes into `output` (allocated when not given; allocation-free otherwise) and returns it. */
export function pcm16ToFloat(input: Int16Array, output?: Float32Array): Float32Array {
  const out = output ?? new Float32Array(input.length);
  checkOutputLength(out, input.length, 'pcm16ToFloat');
  const heap = kernelWindows(windows);
  heap.through(heap.exports.pcm16_to_f32, WINDOW_SAMPLES, input, windows.ptr + PCM_OFFSET, out, windows.ptr);
  return out;
}
