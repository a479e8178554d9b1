// (onset19) One lab scene through a hooked build, a line every N 10 ms blocks: the delay estimate's peak and
// onset and the decision's candidate (ms, updates), the filter's offset (ms) and moves, path changes, the
// foreground's sustained heard ERLE (dB), the double-talk flag, and the block's true echo / user / output (dB).
// To see where a later move of the filter was made or declined (./aec-block place).
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/place-trace.mjs changes 'kiosk 16k call 120ms 12dB change@3s shift 40ms$' 31 2.5 5 [every]
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
for (let b = 0; (b + 1) * block <= mic.length; b++) {
  aec.pushReference(ref.subarray(b * block, (b + 1) * block));
  aec.processInto(mic.subarray(b * block, (b + 1) * block), out);
  const t = (b * block - shift) / rate;
  if (t < Number(fromArg) || t >= Number(toArg) || b % every !== 0) continue;
  let e = 0;
  let u = 0;
  let o = 0;
  for (let i = 0; i < block; i++) {
    const j = b * block - shift + i;
    e += (scene.echo[j] ?? 0) ** 2;
    u += (scene.near[j] ?? 0) ** 2;
    o += out[i] ** 2;
  }
  const cand = k.aec_delay_debug ? ` cand ${k.aec_delay_debug(s, 0, 0)}x${k.aec_delay_debug(s, 1, 0)} rearm ${k.aec_delay_debug(s, 2, 0)}` : '';
  console.log(
    `${t.toFixed(2)} peak ${(k.aec_delay_peak_lag(s) * blockMs).toFixed(0).padStart(3)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)}${cand} off ${(k.aec_filter_offset(s) * blockMs).toFixed(0).padStart(3)} mv ${k.aec_filter_moves(s)} pc ${aec.pathChanges} heard ${k.aec_state_field(s, 1).toFixed(1).padStart(5)} best ${db(k.aec_best_erle(s))} T${k.aec_talking(s)} | echo ${db(e / block)} user ${db(u / block)} out ${db(o / block)}`,
  );
}
aec.free();
