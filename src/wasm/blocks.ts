// The kernel memory one object owns: the blocks it allocated in the shared kernel instance at
// construction, returned by its `free()`. The kernel wrappers (Resampler, EnergyVad, EchoGate,
// EchoCanceller, and any new kernel) extend `KernelObject`:
//
//   super('EchoGate');                          // first in the constructor
//   this.allocate(heap, bytes);                 // construction time only; the first block is `state`
//   this.k.gate_process(this.live(), ...);      // live(): RealtimePcmError('freed') after free()
//
// and inherit `free()` (idempotent). Other owners keep a `KernelBlocks` themselves.
//
// Backstop: an object dropped without `free()` has its blocks released once the garbage collector
// has collected it (a FinalizationRegistry, where the engine has one). That happens some time
// after the object became unreachable and never inside a synchronous loop, so it bounds the leak
// of an app that forgets `free()` only when the app yields to the event loop between calls
// (measured in test/reliability/lifecycle.test.ts); `free()` returns the memory at once.
// Released blocks are reused by the allocator (TLSF); the wasm memory itself never shrinks.
import { RealtimePcmError } from '../errors.js';
import type { Heap } from './heap.js';

const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<KernelBlocks>((blocks) => blocks.reclaim()) : undefined;

/** The blocks of kernel memory one object owns (see the opening comment for the pattern). */
export class KernelBlocks {
  private readonly ptrs: number[] = [];
  private freed = false;

  /**
   * `owner` is the object the blocks belong to (watched for the backstop; not referenced from
   * here) and `name` its class, for the error a use after free raises.
   */
  constructor(
    private readonly heap: Heap,
    private readonly name: string,
    owner: object,
  ) {
    registry?.register(owner, this, this);
  }

  /** Allocates a zeroed, 16-byte aligned block owned by this object (construction time only). */
  alloc(bytes: number): number {
    const ptr = this.heap.alloc(bytes);
    this.ptrs.push(ptr);
    return ptr;
  }

  /** True until `free()`. */
  get live(): boolean {
    return !this.freed;
  }

  /** Throws RealtimePcmError('freed') after `free()`. */
  check(): void {
    if (this.freed) throw freedError(this.name);
  }

  /** Returns every block to the allocator. Idempotent. */
  free(): void {
    if (this.freed) return;
    registry?.unregister(this);
    this.release();
  }

  /** @internal The backstop: the owner was collected without free(). */
  reclaim(): void {
    if (this.freed) return;
    this.heap.reclaimedBlocks += this.ptrs.length;
    this.release();
  }

  private release(): void {
    this.freed = true;
    for (const ptr of this.ptrs) this.heap.release(ptr);
    this.ptrs.length = 0;
  }
}

/**
 * The base of the kernel wrappers: the blocks the object owns, its kernel state pointer (the first
 * block; 0 after `free()`), `free()` and the live check.
 */
export abstract class KernelObject {
  /** The kernel state: the first block allocated, 0 after `free()`. */
  protected state = 0;
  private blocks: KernelBlocks | undefined;

  /** `name`: the class, for the error a use after free raises. */
  protected constructor(private readonly kernelName: string) {}

  /** Allocates a zeroed, 16-byte aligned block owned by this object (construction time only). */
  protected allocate(heap: Heap, bytes: number): number {
    this.blocks ??= new KernelBlocks(heap, this.kernelName, this);
    const ptr = this.blocks.alloc(bytes);
    if (this.state === 0) this.state = ptr;
    return ptr;
  }

  /** Returns the wasm memory; afterwards every call throws RealtimePcmError('freed'). Idempotent. */
  free(): void {
    this.blocks?.free();
    this.state = 0;
  }

  /** The kernel state pointer; throws RealtimePcmError('freed') after `free()`. */
  protected live(): number {
    if (this.state === 0) this.blocks?.check();
    return this.state;
  }
}

/** The error every public class raises when used after `free()` (or `close()`). */
export function freedError(name: string): RealtimePcmError {
  return new RealtimePcmError('freed', `${name}: used after free()`);
}
