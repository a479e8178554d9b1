// Loads the kernels: the wasm bytes are embedded (module.generated.ts), compiled once per global
// scope (cached on globalThis under a key that carries the module hash, so several copies of the
// library in one scope share it) and instantiated synchronously on first use. Engines that limit
// synchronous compilation on the main thread (older Chromium: 4 KB) need `await ready()` once first.
// An AudioWorklet receives the compiled module through processorOptions: `setKernelModule(module)`.
// The instance's memory and the copies in and out of it: ./heap.ts.
import { WASM_BASE64, WASM_SHA256 } from './module.generated.js';
import { WasmLoadError } from '../errors.js';
import { Heap, type KernelExports } from './heap.js';

export { Heap, type KernelArray, type KernelExports, type WindowKernel } from './heap.js';

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

/** The kernel instance's memory, for servers that watch it: see `kernelMemory()`. */
export interface KernelMemory {
  /** Size of the wasm memory, bytes (it grows when needed and never shrinks). */
  memoryBytes: number;
  /** Blocks allocated and not yet freed (kernel objects, and the module-level windows and tables), and their bytes. */
  liveBlocks: number;
  liveBytes: number;
  /** Blocks released by the garbage-collection backstop because their object was dropped without `free()`. */
  reclaimedBlocks: number;
}

/**
 * The kernel memory of this copy of the library (one instance per global scope: the page, each
 * worker, each AudioWorklet scope). `liveBytes` that keep growing over calls mean objects are not
 * freed. Allocates the returned object.
 */
export function kernelMemory(): KernelMemory {
  const shared = kernels();
  return {
    memoryBytes: shared.exports.memory.buffer.byteLength,
    liveBlocks: shared.liveBlocks,
    liveBytes: shared.liveBytes,
    reclaimedBlocks: shared.reclaimedBlocks,
  };
}

/** IO windows a module keeps in the shared instance: `bytes` long, at `ptr` once allocated (0 before). */
export interface ModuleWindows {
  ptr: number;
  readonly bytes: number;
}

/**
 * The shared kernel instance, with `windows` allocated in it on the first call (module-level IO
 * windows live as long as the scope). Its views may be stale: copy with write/read/through, or refresh() first.
 */
export function kernelWindows(windows: ModuleWindows): Heap {
  const shared = kernels();
  if (windows.ptr === 0) windows.ptr = shared.alloc(windows.bytes);
  return shared;
}

export { WASM_SHA256 };
