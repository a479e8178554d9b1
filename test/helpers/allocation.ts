// How many bytes of V8 heap a piece of code allocates, for the allocation-free checks.

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Bytes V8 allocated while `run` ran: the smallest of five measurements, since the JIT allocates
 * now and then (code, feedback) while a per-call allocation shows in every one. Until the
 * optimizing compiler, which works on a background thread, has installed its code, unoptimized
 * code boxes the fractional numbers it computes (16 bytes a quantum in the playback path); on a
 * loaded machine that thread can lag, so after a measurement that allocated the main thread
 * sleeps before the next, twice as long each time (100, 200, 400, 800 ms: 1.5 s at most; 100 ms
 * each was once too short at load 10, a paused capture reading 12016 bytes in all five and 256 on
 * the rerun). The run count stays five, so a per-call allocation still shows in every one. A
 * negative delta means a GC ran in between, and that measurement is discarded.
 */
export function allocatedBytes(run: () => void): number {
  let least = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0 && least >= 64) Atomics.wait(pause, 0, 0, 100 * 2 ** (attempt - 1));
    const before = process.memoryUsage().heapUsed;
    run();
    const delta = process.memoryUsage().heapUsed - before;
    if (delta >= 0) least = Math.min(least, delta);
  }
  return least;
}
