// The skew follower's per-interval trace (assembly/bench-hooks.ts trace_skew: 16 floats per 0.5 s
// interval), printed a line each, for bench/echo-skew-probe.mjs and bench/echo-skew-trace.mjs.

/**
 * @param {Float32Array} f the trace (aec_ktrace_count() x 16 floats) @param {number} blockSeconds the canceller's block in seconds
 */
export function printSkewTrace(f, blockSeconds) {
  console.log('t s   snap peak coh  | delay: moved line ppm +- err (s) | filter: moved line ppm +- err (s) | skew flags bestHeard played');
  for (let i = 0; i < f.length; i += 16) {
    const v = (/** @type {number} */ j, /** @type {number} */ d = 1) => (Number.isFinite(f[i + j]) ? f[i + j].toFixed(d) : '-');
    console.log(
      `${((f[i] + 1) * blockSeconds).toFixed(2)} ${v(1, 0)} ${v(2, 0)} ${v(3, 2)} | ${v(4, 2)} ${v(5)} +- ${v(6)} (${v(7)}) | ${v(8, 2)} ${v(9)} +- ${v(10)} (${v(11)}) | ${v(12)} ${v(13, 0)} ${v(14)} ${v(15, 2)}`,
    );
  }
}
