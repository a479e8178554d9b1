// (far25) One lab scene through a hooked build, a line every N 10 ms blocks around the delay estimator's watch past
// its search (assembly/aec-delay.ts watchBeyond, dl_beyond's widening): the peak within the search (coherence, lag
// ms), the mature far peak past it (coherence, lag ms) and the best far lag of any age, their ages (updates), the
// run of updates it stood out in (beyondUpdates), the searched lags, the onset and the filter's offset (ms), and the
// block's true echo / user / output (dB); a `W` where the search widened in the block. (far27) Also the walk back from
// the peak within the search (`walk`, ms) and decide's candidate onset with its count (`cand`).
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/far-trace.mjs quiet 'desk 16k cold-start 320ms 6dB$' 0 0 4 [every]
import { traceCall } from './common.mjs';

const { aec, k, s, blockMs, blocks, step, levels, from, to, every } = await traceCall(process.argv.slice(2));
const lags = k.aec_delay_lags(s);
console.log(`lags ${lags} block ${blockMs.toFixed(2)} ms`);
let searchBefore = k.aec_delay_search_lags(s);
for (let b = 0; b < blocks; b++) {
  const t = step(b);
  const search = k.aec_delay_search_lags(s);
  const widened = search !== searchBefore;
  searchBefore = search;
  if (t < from || t >= to || (b % every !== 0 && !widened)) continue;
  const prof = new Float32Array(k.memory.buffer, k.aec_delay_profile(s), lags);
  let anyFar = 0;
  let anyLag = -1;
  for (let l = search; l < lags; l++)
    if (prof[l] > anyFar) {
      anyFar = prof[l];
      anyLag = l;
    }
  const farLag = k.aec_delay_far_lag(s);
  // (far27) the walk back from the peak within the search (as farWalkBack / replaceYoung: while the profile holds 0.35 of it)
  const peakLag = k.aec_delay_peak_lag(s);
  let walk = peakLag;
  while (walk > 0 && prof[walk - 1] >= 0.35 * prof[peakLag]) walk--;
  const ms = (/** @type {number} */ l) => (l < 0 ? '  -' : (l * blockMs).toFixed(0).padStart(3));
  console.log(
    `${t.toFixed(2)}${widened ? 'W' : ' '} near ${k.aec_delay_peak(s).toFixed(3)}@${ms(k.aec_delay_peak_lag(s))} far ${k.aec_delay_far_peak(s).toFixed(3)}@${ms(farLag)} any ${anyFar.toFixed(3)}@${ms(anyLag)} age ${anyLag >= 0 ? k.aec_delay_debug(s, 3, anyLag) : -1} run ${String(k.aec_delay_beyond_updates(s)).padStart(2)} re ${k.aec_delay_debug(s, 2, 0)} search ${ms(search)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)} off ${ms(k.aec_filter_offset(s))} T${k.aec_talking(s)} walk ${ms(walk)} cand ${ms(k.aec_delay_debug(s, 0, 0))}x${k.aec_delay_debug(s, 1, 0)} | ${levels(b)}`,
  );
}
aec.free();
