// (cold23) One lab scene through a hooked build, a line every N 10 ms blocks around the `emerged` rule of
// assembly/aec-change.ts detectPathChange: the delay estimator's peak coherence and lag, the filter's best ERLE
// (dB), the talk flag, the mic over its noise floor (dB), the counters (field 7), path changes, and the block's
// true echo / user / output (dB); a `*` where a path change was taken in the block.
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/coherence-trace.mjs quiet 'kiosk 16k cold-start 400ms 6dB$' 0 0 6 [every]
import { loadLab, pad, selectScenes } from './common.mjs';
import { importHooked } from './hooked-build.mjs';

const [group, name, shiftArg, fromArg, toArg, everyArg] = process.argv.slice(2);
const lab = await loadLab();
const lib = await importHooked();
const first = selectScenes(lab, { only: new RegExp(name), groups: [group], shifts: [Number(shiftArg)] }).next().value;
if (!first) throw new Error(`no scene matches ${name}`);
const shift = Number(shiftArg);
const { scene } = first;
const rate = scene.sampleRate;
const block = rate / 100;
const mic = pad(scene.mic, shift);
const ref = pad(scene.reference, shift);
const aec = new lib.EchoCanceller({ sampleRate: rate });
const { k } = aec;
const s = aec.state;
const blockMs = (1000 * aec.blockSamples) / rate;
const out = new Float32Array(block);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
const every = Number(everyArg ?? 5);
console.log(lab.sceneName(first.params), `+${shift}`);
let pcBefore = 0;
for (let b = 0; (b + 1) * block <= mic.length; b++) {
  aec.pushReference(ref.subarray(b * block, (b + 1) * block));
  aec.processInto(mic.subarray(b * block, (b + 1) * block), out);
  const t = (b * block - shift) / rate;
  const pc = aec.pathChanges;
  const changed = pc !== pcBefore;
  pcBefore = pc;
  if (t < Number(fromArg) || t >= Number(toArg) || (b % every !== 0 && !changed)) continue;
  let e = 0;
  let u = 0;
  let o = 0;
  for (let i = 0; i < block; i++) {
    const j = b * block - shift + i;
    e += (scene.echo[j] ?? 0) ** 2;
    u += (scene.near[j] ?? 0) ** 2;
    o += out[i] ** 2;
  }
  console.log(
    `${t.toFixed(2)}${changed ? '*' : ' '} coh ${k.aec_delay_peak(s).toFixed(2)} lag ${(k.aec_delay_peak_lag(s) * blockMs).toFixed(0).padStart(3)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)} pc ${pc} best ${db(k.aec_state_field(s, 9))} T${k.aec_talking(s)} mic/floor ${db(k.aec_state_field(s, 13) / k.aec_state_field(s, 15))} cnt ${k.aec_state_field(s, 7)} est/mic ${db(k.aec_state_field(s, 18) / (k.aec_state_field(s, 13) + 1e-30))} err/mic ${db(k.aec_state_field(s, 14) / (k.aec_state_field(s, 13) + 1e-30))} | echo ${db(e / block)} user ${db(u / block)} out ${db(o / block)}`,
  );
}
aec.free();
