// Heap (src/wasm/heap.ts): the one way samples move between JavaScript arrays and kernel windows.
// Copies of every element type at any start and count, with canaries around what is written;
// `through` over any length and window against plain-JS references; a typed error for arrays
// that are not typed arrays; and no allocation per call, for the helper and for every wrapper
// built on it (128-sample blocks, the render quantum).
import { describe, expect, it } from 'vitest';
import { kernels, type KernelArray } from '../../src/wasm/load.js';
import { EchoGate, EnergyVad, RealtimePcmError, floatToPcm16, pcm16ToFloat } from '../../src/index.js';
import { decodeMuLaw, encodeMuLaw } from '../../src/kernels/index.js';
import { allocatedBytes } from '../helpers/allocation.js';
import { rng } from '../helpers/random.js';

type ArrayClass = { new (length: number): KernelArray; readonly BYTES_PER_ELEMENT: number; readonly name: string };
const TYPES: ArrayClass[] = [Float32Array, Int16Array, Uint8Array, Float64Array];
const CANARY = 77; // fits every element type exactly

/** Values of the given type from a seed, none equal to the canary. */
function values(Type: ArrayClass, length: number, seed: number): KernelArray {
  const next = rng(seed);
  const out = new Type(length);
  for (let i = 0; i < length; i++)
    out[i] = Type === Uint8Array ? 100 + ((next() * 150) | 0) : Type === Int16Array ? 1000 + ((next() * 30000) | 0) : 2 * next() - 1;
  return out;
}

describe('Heap', () => {
  const heap = kernels();

  it.each(TYPES.map((Type) => [Type.name, Type] as const))('write and read copy %s at any start and count, and nothing beyond', (_name, Type) => {
    const size = Type.BYTES_PER_ELEMENT;
    const ptr = heap.alloc(64 * size);
    const region = () => Array.from(heap.viewFor(new Type(0)).subarray(ptr / size, ptr / size + 64));
    heap.viewFor(new Type(0)).fill(CANARY, ptr / size, ptr / size + 64);
    const source = values(Type, 40, size);
    heap.write(ptr + 8 * size, source, 5, 20);
    const expected = new Array(64).fill(CANARY);
    for (let i = 0; i < 20; i++) expected[8 + i] = source[5 + i];
    expect(region()).toEqual(expected);

    const target = new Type(50).fill(CANARY);
    heap.read(ptr + 8 * size, target, 10, 20);
    const back = new Array(50).fill(CANARY);
    for (let i = 0; i < 20; i++) back[10 + i] = source[5 + i];
    expect(Array.from(target)).toEqual(back);

    heap.write(ptr, source); // the whole array (the native copy)
    for (let i = 0; i < 40; i++) expected[i] = source[i];
    expect(region()).toEqual(expected);
    heap.exports.release(ptr);
  });

  it('copies large parts natively with the same result, also after the memory grew', () => {
    const ptr = heap.alloc(6000 * 4);
    const source = values(Float32Array, 6000, 11) as Float32Array;
    heap.viewFor(source).fill(CANARY, ptr / 4, ptr / 4 + 6000);
    heap.write(ptr + 400, source, 500, 5000); // a part of 4096 or more: through a view
    const target = new Float32Array(6000).fill(CANARY);
    for (const count of [5000, 300, 5000]) {
      heap.read(ptr + 400, target, 100, count); // 64 or more: through a cached view of kernel memory
      expect(Array.from(target.subarray(100, 100 + count))).toEqual(Array.from(source.subarray(500, 500 + count)));
      expect(target[99]).toBe(CANARY);
      expect(target[5100]).toBe(CANARY);
    }
    const before = heap.f32.buffer;
    const big = heap.alloc(8 << 20); // grows the memory: cached views must not be reused
    expect(heap.f32.buffer).not.toBe(before);
    const next = values(Float32Array, 5000, 12) as Float32Array;
    heap.write(ptr + 400, next);
    heap.read(ptr + 400, target, 100, 5000);
    expect(Array.from(target.subarray(100, 5100))).toEqual(Array.from(next));
    heap.exports.release(big);
    heap.exports.release(ptr);
  });

  it('through runs a kernel window by window over any length, in place or into another type', () => {
    const window = 7;
    const ptr = heap.alloc(window * 6);
    const outPtr = ptr + window * 4;
    // Plain-JS kernels on the windows: f32 -> i16 (x * 1000, rounded), and negation in place.
    const scaled = (inPtr: number, o: number, n: number) => {
      for (let i = 0; i < n; i++) heap.i16[o / 2 + i] = Math.round(heap.f32[inPtr / 4 + i]! * 1000);
    };
    const negated = (inPtr: number, o: number, n: number) => {
      for (let i = 0; i < n; i++) heap.f32[o / 4 + i] = -heap.f32[inPtr / 4 + i]!;
    };
    for (const length of [0, 1, 6, 7, 8, 20, 33]) {
      const input = values(Float32Array, length, length) as Float32Array;
      const out = new Int16Array(length + 2).fill(CANARY);
      heap.through(scaled, window, input, ptr, out, outPtr);
      expect(Array.from(out)).toEqual([...Array.from(input, (x) => Math.round(Math.fround(x) * 1000)), CANARY, CANARY]);
      const copy = Float32Array.from(input);
      heap.through(negated, window, copy, ptr, copy);
      expect(Array.from(copy)).toEqual(Array.from(input, (x) => -x));
    }
    heap.exports.release(ptr);
  });

  it('through without an output only feeds the kernel: every sample once, in order, in windows', () => {
    const ptr = heap.alloc(16 * 4);
    const input = values(Float32Array, 37, 9) as Float32Array;
    const seen: number[] = [];
    const sizes: number[] = [];
    heap.through(
      (inPtr: number, _o: number, n: number) => {
        sizes.push(n);
        for (let i = 0; i < n; i++) seen.push(heap.f32[inPtr / 4 + i]!);
      },
      16,
      input,
      ptr,
    );
    expect(sizes).toEqual([16, 16, 5]);
    expect(seen).toEqual(Array.from(input));
    heap.exports.release(ptr);
  });

  it('rejects arrays that are not typed arrays with a typed error, before touching kernel memory', () => {
    const ptr = heap.alloc(16);
    const error = (() => {
      try {
        heap.write(ptr, [0.5, 0.25] as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RealtimePcmError);
    expect((error as RealtimePcmError).code).toBe('invalid_array');
    expect(() => floatToPcm16([0.5] as never)).toThrow(/Float32Array, Int16Array, Uint8Array or Float64Array, got Array/);
    heap.exports.release(ptr);
  });

  it('allocates nothing per call on 128-sample blocks, in every wrapper built on it', () => {
    const n = 128;
    const x = values(Float32Array, 4 * n, 3) as Float32Array;
    const block = x.subarray(0, n);
    const ints = new Int16Array(n);
    const floats = new Float32Array(n);
    const codes = new Uint8Array(n);
    const gate = new EchoGate({ sampleRate: 48000 });
    const vad = new EnergyVad({ sampleRate: 48000 });
    const types = new Uint8Array(8);
    const times = new Float64Array(8);
    const decisions = new Uint8Array(8);
    let at = 0;
    const cases: Record<string, () => void> = {
      floatToPcm16: () => floatToPcm16(block, ints),
      pcm16ToFloat: () => pcm16ToFloat(ints, floats),
      'encodeMuLaw + decodeMuLaw': () => decodeMuLaw(encodeMuLaw(ints, codes), ints),
      'EchoGate pushReference + processInto': () => {
        gate.pushReference(block);
        gate.processInto(block, floats);
      },
      'EnergyVad.processInto on part of a longer array': () => {
        vad.processInto(x, types, times, decisions, at, at + n);
        at = (at + n) % x.length;
      },
    };
    for (const [name, run] of Object.entries(cases)) {
      for (let i = 0; i < 3000; i++) run(); // warm up (JIT)
      const bytes = allocatedBytes(() => {
        for (let i = 0; i < 300; i++) run();
      });
      expect(bytes, name).toBeLessThan(1024); // one 16-byte object per call would be 4800
    }
    gate.free();
    vad.free();
  });
});
