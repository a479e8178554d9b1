// (onset19) One lab scene through a hooked build, a line every N 10 ms blocks: the delay estimate's peak and
// onset and the decision's candidate (ms, updates), the filter's offset (ms) and moves, path changes, the
// foreground's sustained heard ERLE (dB), the double-talk flag, and the block's true echo / user / output (dB).
// To see where a later move of the filter was made or declined (./aec-block place).
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/place-trace.mjs changes 'kiosk 16k call 120ms 12dB change@3s shift 40ms$' 31 2.5 5 [every]
import { dbText as db, traceCall } from './common.mjs';

const { aec, k, s, blockMs, blocks, step, levels, from, to, every } = await traceCall(process.argv.slice(2));
for (let b = 0; b < blocks; b++) {
  const t = step(b);
  if (t < from || t >= to || b % every !== 0) continue;
  const cand = k.aec_delay_debug ? ` cand ${k.aec_delay_debug(s, 0, 0)}x${k.aec_delay_debug(s, 1, 0)} rearm ${k.aec_delay_debug(s, 2, 0)}` : '';
  console.log(
    `${t.toFixed(2)} peak ${(k.aec_delay_peak_lag(s) * blockMs).toFixed(0).padStart(3)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)}${cand} off ${(k.aec_filter_offset(s) * blockMs).toFixed(0).padStart(3)} mv ${k.aec_filter_moves(s)} pc ${aec.pathChanges} heard ${k.aec_state_field(s, 1).toFixed(1).padStart(5)} best ${db(k.aec_best_erle(s))} T${k.aec_talking(s)} | ${levels(b)}`,
  );
}
aec.free();
