// Memory for the kernels: a block allocator (AssemblyScript's TLSF, from `--runtime minimal`)
// used only at construction time. Each kernel instance owns one block for its state and its IO
// windows; nothing is allocated while audio is processed. No managed objects cross the boundary:
// JavaScript sees pointers and byte lengths.

/** Allocates `bytes` bytes aligned to 16, zero-filled; returns 0 if memory cannot grow. */
export function alloc(bytes: usize): usize {
  // TLSF blocks are 16-byte aligned; SIMD loads below rely on that only for speed, not correctness.
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Returns a block from `alloc` to the allocator. */
export function release(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
