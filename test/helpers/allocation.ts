// How many bytes of V8 heap a piece of code allocates, for the allocation-free checks.

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Bytes V8 allocated while `run` ran: the smallest of five measurements, since the JIT allocates
 * now and then (code, feedback) while a per-call allocation shows in every one. Until the
 * optimizing compiler, which works on a background thread, has installed its code, unoptimized
 * code boxes the fractional numbers it computes (what the audio path must not compute per quantum:
 * PlaybackPipeline.read's played-frames conversion did, 16 bytes a quantum, until alloc-trace); on
 * a loaded machine that thread can lag, so after a measurement that allocated the main thread
 * sleeps before the next, twice as long each time (100, 200, 400, 800 ms: 1.5 s at most). The run
 * count stays five, so a per-call allocation still shows in every one. A negative delta means a GC
 * ran in between, and that measurement is discarded. What `run` calls is measured too: keep sample
 * loops out of a test's per-quantum closure (worklet-processors.test.ts, `echoQuantum`: such a
 * closure, back in unoptimized code, entered its loop's on-stack-replacement code every call, 48
 * bytes each, for thousands of calls, sleeps or not).
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
