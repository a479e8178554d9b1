// How many bytes of V8 heap a piece of code allocates, for the allocation-free checks.

/**
 * Bytes V8 allocated while `run` ran: the smallest of five measurements, since the JIT allocates
 * now and then (code, feedback) while a per-call allocation shows in every one. A negative
 * delta means a GC ran in between, and that measurement is discarded.
 */
export function allocatedBytes(run: () => void): number {
  let least = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = process.memoryUsage().heapUsed;
    run();
    const delta = process.memoryUsage().heapUsed - before;
    if (delta >= 0) least = Math.min(least, delta);
  }
  return least;
}
