// The kernels' wasm memory as JavaScript sees it: typed views (rebuilt only when memory.buffer
// changes, i.e. after a construction grew it), allocation at construction time, and the one way
// to move samples between JavaScript typed arrays and a kernel's windows in that memory: `write`,
// `read` and `through`.
//
// Copies take the fastest path that allocates nothing on real-time blocks (in V8 an element loop
// costs ~1.5 ns a sample, a native TypedArray.set ~0.1; bench/compare-builds.mjs):
// - in (write): a whole array by native `set`; part of an array by an element loop or, for parts
//   of PART_VIEW_MIN_ELEMENTS or more (far above a real-time block: 10 ms at 192 kHz is 1920),
//   by `set` from a temporary view (one small object per such part);
// - out (read): by an element loop below NATIVE_MIN_ELEMENTS, else by `set` from a view of kernel
//   memory cached by (element type, pointer, length): equal blocks reuse it; a new length makes
//   one view, and the last VIEW_CACHE_SIZE are kept.
import { RealtimePcmError, WasmLoadError } from '../errors.js';

/** The wasm module's exports: its memory, allocator and kernel entry points (pointers and lengths). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  release(ptr: number): void;
  pcm16_from_f32(inPtr: number, outPtr: number, samples: number): void;
  pcm16_to_f32(inPtr: number, outPtr: number, samples: number): void;
  b64_encode(inPtr: number, bytes: number, outPtr: number): number;
  b64_decode(inPtr: number, chars: number, outPtr: number, final: number): number;
  [name: string]: unknown;
}

/** Arrays that move in and out of kernel memory; each is copied as its own element type. */
export type KernelArray = Float32Array | Float64Array | Int16Array | Uint8Array;

/** A sample-for-sample kernel on one window: reads `samples` values at `inPtr`, writes as many at `outPtr`. */
export type WindowKernel = (inPtr: number, outPtr: number, samples: number) => unknown;

/** Copies below this many elements go by an element loop. */
const NATIVE_MIN_ELEMENTS = 64;
/** Parts of a caller's array at least this long go in through a temporary view. */
const PART_VIEW_MIN_ELEMENTS = 4096;
/** Views of kernel memory kept for `read`. */
const VIEW_CACHE_SIZE = 16;

function copyElements(to: KernelArray, toIndex: number, from: KernelArray, fromIndex: number, count: number): void {
  for (let i = 0; i < count; i++) to[toIndex + i] = from[fromIndex + i]!;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === null ? 'null' : typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

/** Views on the wasm memory and copies through it. Byte offsets (`ptr`) are multiples of the element size. */
export class Heap {
  u8!: Uint8Array;
  i16!: Int16Array;
  f32!: Float32Array;
  f64!: Float64Array;
  private buffer: ArrayBuffer | undefined;
  /** Views of kernel memory for `read`, and their keys: byte offset, length, element size. */
  private readonly views: KernelArray[] = [];
  // A plain array of small integers (Smis): a Float64Array's elements are boxed as heap numbers
  // when read by code V8 has not optimised yet, 48 bytes a lookup while TurboFan is busy.
  private readonly viewKeys: number[] = new Array<number>(VIEW_CACHE_SIZE * 3).fill(-1);
  private nextView = 0;
  private lastView = 0;
  /** Blocks allocated and not yet released: byte offset -> bytes. */
  private readonly blocks = new Map<number, number>();
  private blockBytes = 0;
  /** Blocks released by the garbage-collection backstop (their owner was dropped without free()). */
  reclaimedBlocks = 0;
  constructor(readonly exports: KernelExports) {
    this.refresh();
  }

  /** Call before touching the views after anything that may have allocated. Allocation-free when unchanged. */
  refresh(): this {
    const buffer = this.exports.memory.buffer as ArrayBuffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.i16 = new Int16Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
      this.views.length = 0; // views on the old buffer
      this.nextView = 0;
      this.lastView = 0;
    }
    return this;
  }

  /** Allocates a 16-byte aligned zeroed block (construction time only). Throws when memory is exhausted. */
  alloc(bytes: number): number {
    const ptr = this.exports.alloc(bytes);
    if (ptr === 0) throw new WasmLoadError(`could not allocate ${bytes} bytes of wasm memory`);
    this.blocks.set(ptr, bytes);
    this.blockBytes += bytes;
    this.refresh();
    return ptr;
  }

  /** Returns a block from `alloc` to the allocator (it reuses the space); unknown or released pointers are ignored. */
  release(ptr: number): void {
    const bytes = this.blocks.get(ptr);
    if (bytes === undefined) return;
    this.blocks.delete(ptr);
    this.blockBytes -= bytes;
    this.exports.release(ptr);
  }

  /** Blocks allocated and not released, and their bytes (requested sizes, without the allocator's overhead). */
  get liveBlocks(): number {
    return this.blocks.size;
  }
  get liveBytes(): number {
    return this.blockBytes;
  }

  /**
   * The view of kernel memory with `array`'s element type (Float32Array: `f32`, Int16Array: `i16`,
   * Uint8Array: `u8`, Float64Array: `f64`). Throws `invalid_array` for anything but a typed array.
   */
  viewFor(array: KernelArray): KernelArray {
    return this.refresh().viewOf(array);
  }

  /** Copies `source[start, start + count)` to byte offset `ptr` of kernel memory (see the opening comment for the cost). */
  write(ptr: number, source: KernelArray, start = 0, count = source.length - start): void {
    this.refresh().copyIn(ptr, source, start, count);
  }

  /** Copies `count` values at byte offset `ptr` of kernel memory into `target` from index `at` (see the opening comment for the cost). */
  read(ptr: number, target: KernelArray, at = 0, count = target.length - at): void {
    this.refresh().copyOut(ptr, target, at, count);
  }

  /**
   * Runs a sample-for-sample `kernel` over all of `input`, `windowSamples` at a time: each piece is
   * written at `inPtr`, the kernel called as kernel(inPtr, outPtr, n), and its n values read from
   * `outPtr` into `output` at the piece's index (`output` may be `input`). Without `output` the
   * kernel only consumes. Any length works; no allocation on real-time blocks (see the opening comment).
   * `samples` limits the run to the first `samples` values of `input` (default: all).
   */
  through(kernel: WindowKernel, windowSamples: number, input: KernelArray, inPtr: number, output?: KernelArray, outPtr = inPtr, samples = input.length): void {
    this.refresh();
    for (let done = 0; done < samples; done += windowSamples) {
      const n = Math.min(windowSamples, samples - done);
      this.copyIn(inPtr, input, done, n);
      kernel(inPtr, outPtr, n);
      if (output !== undefined) this.copyOut(outPtr, output, done, n);
    }
  }

  private viewOf(array: KernelArray): KernelArray {
    const size = (array as { BYTES_PER_ELEMENT?: unknown } | null)?.BYTES_PER_ELEMENT;
    if (size === 4) return this.f32;
    if (size === 2) return this.i16;
    if (size === 1) return this.u8;
    if (size === 8) return this.f64;
    throw new RealtimePcmError('invalid_array', `expected a Float32Array, Int16Array, Uint8Array or Float64Array, got ${describe(array)}`);
  }

  private copyIn(ptr: number, source: KernelArray, start: number, count: number): void {
    const view = this.viewOf(source);
    const base = ptr / source.BYTES_PER_ELEMENT;
    if (start === 0 && count === source.length) view.set(source, base);
    else if (count < PART_VIEW_MIN_ELEMENTS) copyElements(view, base, source, start, count);
    else view.set(source.subarray(start, start + count), base);
  }

  private copyOut(ptr: number, target: KernelArray, at: number, count: number): void {
    const view = this.viewOf(target);
    if (count < NATIVE_MIN_ELEMENTS) copyElements(target, at, view, ptr / target.BYTES_PER_ELEMENT, count);
    else target.set(this.cachedView(view, ptr, count), at);
  }

  /** A view of `count` elements of `view`'s type at byte offset `ptr`, reused until the memory grows. */
  private cachedView(view: KernelArray, ptr: number, count: number): KernelArray {
    const keys = this.viewKeys;
    const size = view.BYTES_PER_ELEMENT;
    const cached = this.views.length;
    for (let k = 0, i = this.lastView; k < cached; k++, i = i + 1 === cached ? 0 : i + 1) {
      if (keys[3 * i] === ptr && keys[3 * i + 1] === count && keys[3 * i + 2] === size) {
        this.lastView = i;
        return this.views[i]!;
      }
    }
    const i = this.nextView;
    const base = ptr / size;
    const made = view.subarray(base, base + count);
    this.views[i] = made;
    keys[3 * i] = ptr;
    keys[3 * i + 1] = count;
    keys[3 * i + 2] = size;
    this.lastView = i;
    this.nextView = (i + 1) % VIEW_CACHE_SIZE;
    return made;
  }
}
