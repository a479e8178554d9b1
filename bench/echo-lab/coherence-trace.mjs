// (cold23) One lab scene through a hooked build, a line every N 10 ms blocks around the `emerged` rule of
// assembly/aec-change.ts detectPathChange: the delay estimator's peak coherence and lag, the filter's best ERLE
// (dB), the talk flag, the mic over its noise floor (dB), the counters (field 7), path changes, and the block's
// true echo / user / output (dB); a `*` where a path change was taken in the block.
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/coherence-trace.mjs quiet 'kiosk 16k cold-start 400ms 6dB$' 0 0 6 [every]
import { dbText as db, traceCall } from './common.mjs';

const { aec, k, s, blockMs, blocks, step, levels, from, to, every } = await traceCall(process.argv.slice(2));
let pcBefore = 0;
for (let b = 0; b < blocks; b++) {
  const t = step(b);
  const pc = aec.pathChanges;
  const changed = pc !== pcBefore;
  pcBefore = pc;
  if (t < from || t >= to || (b % every !== 0 && !changed)) continue;
  console.log(
    `${t.toFixed(2)}${changed ? '*' : ' '} coh ${k.aec_delay_peak(s).toFixed(2)} lag ${(k.aec_delay_peak_lag(s) * blockMs).toFixed(0).padStart(3)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)} pc ${pc} best ${db(k.aec_state_field(s, 9))} T${k.aec_talking(s)} mic/floor ${db(k.aec_state_field(s, 13) / k.aec_state_field(s, 15))} cnt ${k.aec_state_field(s, 7)} est/mic ${db(k.aec_state_field(s, 18) / (k.aec_state_field(s, 13) + 1e-30))} err/mic ${db(k.aec_state_field(s, 14) / (k.aec_state_field(s, 13) + 1e-30))} | ${levels(b)}`,
  );
}
aec.free();
