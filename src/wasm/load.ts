// Loads the kernels: the wasm bytes are embedded (module.generated.ts), compiled once per global
// scope (cached on globalThis under a key that carries the module hash, so several copies of the
// library in one scope share it) and instantiated synchronously on first use. Engines that limit
// synchronous compilation on the main thread (older Chromium: 4 KB) need `await ready()` once first.
// An AudioWorklet receives the compiled module through processorOptions: `setKernelModule(module)`.
import { WASM_BASE64, WASM_SHA256 } from './module.generated.js';
import { WasmLoadError } from '../errors.js';

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

/** Views on the wasm memory, rebuilt only when `memory.buffer` changes (after a construction grew it). */
export class Heap {
  u8!: Uint8Array;
  i16!: Int16Array;
  f32!: Float32Array;
  private buffer: ArrayBuffer | undefined;
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
    }
    return this;
  }
  /** Allocates a 16-byte aligned zeroed block (construction time only). Throws when memory is exhausted. */
  alloc(bytes: number): number {
    const ptr = this.exports.alloc(bytes);
    if (ptr === 0) throw new WasmLoadError(`could not allocate ${bytes} bytes of wasm memory`);
    this.refresh();
    return ptr;
  }
}

const MODULE_KEY = Symbol.for(`realtime-pcm.wasm.module.${WASM_SHA256}`);
type ScopeCache = { [MODULE_KEY]?: WebAssembly.Module };
let heap: Heap | undefined;

/** The embedded wasm bytes (decoded with plain JS: worklet scopes have no atob). Allocates. */
export function wasmBytes(): Uint8Array {
  const text = WASM_BASE64;
  const out = new Uint8Array((text.length >> 2) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) break;
    const v = c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 43 ? 62 : 63;
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

function imports(): WebAssembly.Imports {
  return {
    env: {
      abort(): never {
        throw new WasmLoadError('wasm memory exhausted (allocation failed inside a kernel)');
      },
    },
  };
}

function instantiate(module: WebAssembly.Module): Heap {
  const instance = new WebAssembly.Instance(module, imports());
  return new Heap(instance.exports as unknown as KernelExports);
}

/** The compiled kernel module of this global scope, compiling it synchronously if needed. */
export function kernelModule(): WebAssembly.Module {
  const scope = globalThis as unknown as ScopeCache;
  let module = scope[MODULE_KEY];
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(wasmBytes() as BufferSource);
    } catch (error) {
      throw new WasmLoadError(
        `could not compile the realtime-pcm kernels synchronously (${String(error)}); ` +
          'on a browser main thread call `await ready()` once before using them',
      );
    }
    scope[MODULE_KEY] = module;
  }
  return module;
}

/** Compiles the kernels asynchronously (needed once on a browser main thread); resolves when usable. */
export async function ready(): Promise<void> {
  if (heap !== undefined) return;
  const scope = globalThis as unknown as ScopeCache;
  if (scope[MODULE_KEY] === undefined) {
    scope[MODULE_KEY] = await WebAssembly.compile(wasmBytes() as BufferSource);
  }
  kernels();
}

/** Uses an already compiled module (an AudioWorklet gets one through processorOptions). */
export function setKernelModule(module: WebAssembly.Module): void {
  const scope = globalThis as unknown as ScopeCache;
  if (scope[MODULE_KEY] === undefined) scope[MODULE_KEY] = module;
}

/** The shared kernel instance of this copy of the library; created synchronously on first use. */
export function kernels(): Heap {
  if (heap === undefined) heap = instantiate(kernelModule());
  return heap;
}

/** A new, separate instance (own memory), e.g. for a worker or to isolate a stream. */
export function newKernelInstance(): Heap {
  return instantiate(kernelModule());
}

export { WASM_SHA256 };
