// PCM16 conversion: the wasm SIMD kernel (data already in wasm memory, and through the public API
// with its copies) against plain JS (the exact convention, and the common unclamped-rounding snippet).
import { floatToPcm16, pcm16ToFloat, kernels } from 'realtime-pcm/kernels';
import { runSuite } from './lib.mjs';

/** @type {Array<[string, number]>} */
const sizes = [
  ['20 ms (960 B)', 480],
  ['4 KiB', 2048],
  ['4096 samples', 4096],
  ['1 MiB', 524288],
];
const heap = kernels();
/** @type {import('./lib.mjs').BenchCase[]} */
const cases = [];
for (const [label, samples] of sizes) {
  const input = new Float32Array(samples).map((_, i) => Math.sin(i * 0.01) * 1.1);
  const ints = floatToPcm16(input);
  const outI16 = new Int16Array(samples);
  const outF32 = new Float32Array(samples);
  const fPtr = heap.alloc(samples * 4);
  const iPtr = heap.alloc(samples * 2);
  heap.refresh().f32.set(input, fPtr >> 2);
  const bytes = samples * 2;
  const seconds = samples / 24000;
  const common = { bytes, seconds };
  cases.push(
    { group: `f32->i16 ${label}`, impl: 'wasm kernel (in wasm memory)', fn: () => heap.exports.pcm16_from_f32(fPtr, iPtr, samples), ...common },
    { group: `f32->i16 ${label}`, impl: 'floatToPcm16 (with copies)', fn: () => floatToPcm16(input, outI16), ...common },
    {
      group: `f32->i16 ${label}`,
      impl: 'plain JS, exact convention',
      fn: () => {
        for (let i = 0; i < samples; i++) {
          const v = input[i] * 32768;
          const r = v < 0 ? -Math.floor(0.5 - v) : Math.floor(v + 0.5);
          outI16[i] = r > 32767 ? 32767 : r < -32768 ? -32768 : r || 0;
        }
      },
      ...common,
    },
    {
      group: `f32->i16 ${label}`,
      impl: 'plain JS, common snippet (clamp, *0x7fff, truncate)',
      baseline: true,
      fn: () => {
        for (let i = 0; i < samples; i++) {
          const s = Math.max(-1, Math.min(1, input[i]));
          outI16[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
        }
      },
      ...common,
    },
    { group: `i16->f32 ${label}`, impl: 'wasm kernel (in wasm memory)', fn: () => heap.exports.pcm16_to_f32(iPtr, fPtr, samples), ...common },
    { group: `i16->f32 ${label}`, impl: 'pcm16ToFloat (with copies)', fn: () => pcm16ToFloat(ints, outF32), ...common },
    {
      group: `i16->f32 ${label}`,
      impl: 'plain JS (/ 32768)',
      baseline: true,
      fn: () => {
        for (let i = 0; i < samples; i++) outF32[i] = ints[i] / 32768;
      },
      ...common,
    },
  );
}
await runSuite('pcm16', cases);
