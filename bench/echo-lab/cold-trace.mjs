// (cold27) One lab scene through a hooked build, a line every N 10 ms blocks before and around the first onset: the
// smoothed mic (sdd), the foreground's and the background's errors (sff, sbb) and the difference of their estimates
// (sdiff) over the mic (dB), the flags word (alivePending), the talk flag, the suppressor's presence hang, forgot/warm,
// the delay's peak and onset, and the block's true echo / user / output (dB); `R` where the background reset
// (sbb fell back to sff), `*` where a path change was taken.
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/cold-trace.mjs quiet24 'kiosk 24k cold-start 320ms 30dB$' 0 0.6 3 [every]
import { dbText as db, traceCall } from './common.mjs';

const { aec, k, s, blocks, step, levels, from, to, every } = await traceCall(process.argv.slice(2));
let pcBefore = 0;
let sbbBefore = 0;
for (let b = 0; b < blocks; b++) {
  const t = step(b);
  const pc = aec.pathChanges;
  const changed = pc !== pcBefore;
  pcBefore = pc;
  const sdd = k.aec_state_field(s, 13);
  const sff = k.aec_state_field(s, 14);
  const sbb = k.aec_state_field(s, 97);
  const reset = sbbBefore > 0 && sbb === sff && sbbBefore > 2 * sff;
  sbbBefore = sbb;
  if (t < from || t >= to || (b % every !== 0 && !changed && !reset)) continue;
  /** @param {number} x */
  const r = (x) => db(x / (sdd + 1e-30));
  console.log(
    `${t.toFixed(3)}${changed ? '*' : ' '}${reset ? 'R' : ' '} ff/dd ${r(sff)} bb/dd ${r(sbb)} diff/dd ${r(k.aec_state_field(s, 98))} ap ${k.aec_state_field(s, 99)} T${k.aec_talking(s)} hang ${k.aec_state_field(s, 55)} fw ${k.aec_state_field(s, 57)} coh ${k.aec_delay_peak(s).toFixed(2)} onset ${(aec.delayMs ?? -1).toFixed(0)} | ${levels(b)}`,
  );
}
aec.free();
