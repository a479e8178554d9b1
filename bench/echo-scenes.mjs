// The echo lab's figures for the EchoCanceller on the scenes whose names match a regexp (the lab's
// 16 kHz grid, its 24 and 48 kHz groups, the outside rooms; the lab's shifted scenes as
// `<name> +13` etc.), for iterating on a change without the whole lab: one line per scene (single
// talk dB, leaks %, double talk %, openings ms, utterances never delivered, convergence ms, cold
// start %), saved as JSON with ECHO_SCENES_OUT=file, and compared scene by scene with an earlier
// save with ECHO_SCENES_BASE=file (only the lines that moved, with the earlier figures beside).
// ECHO_SCENES_24K=1 adds the outside rooms at 24 kHz (not in the lab's tests but the hall's).
// Quality only (no timing).
//
//   npm run build && ECHO_SCENES='kiosk.* 6dB' node bench/echo-scenes.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-scenes-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-cancellers'], tmp);
const only = new RegExp(process.env.ECHO_SCENES ?? ' 6dB');
const SHIFTS = [13, 31, 64];
const isShifted = (/** @type {string} */ name) => / (16|24)k (call 120ms|cold-start 60ms) 6dB$/.test(name);

/** @param {any} f */
function line(f) {
  const s = f.singleTalk;
  const d = f.doubleTalk;
  const c = f.coldStart;
  return [
    s.frames >= 50 ? `${s.reductionDb.toFixed(1)} dB ${(100 * s.leakShare).toFixed(1)}%` : '-',
    d.frames >= 20 ? `dt ${(100 * d.cleanShare).toFixed(1)}%` : 'dt -',
    `open ${d.openingsMs.join('/')} (${d.openingMedianMs})`,
    d.neverPassed ? `never ${d.neverPassed}` : '',
    `conv ${f.convergence.coldStartMs ?? 'never'}${f.convergence.pathChanged ? `/${f.convergence.pathChangeMs ?? 'never'}` : ''}`,
    c ? `cold ${(100 * c.share).toFixed(1)}%` : '',
    lab.issue13Failures(f).length ? 'FAIL' : 'ok',
  ]
    .filter(Boolean)
    .join(' | ');
}

/** @type {Record<string, string>} */
const base = process.env.ECHO_SCENES_BASE ? JSON.parse(readFileSync(process.env.ECHO_SCENES_BASE, 'utf8')) : {};
/** @type {Record<string, string>} */
const saved = {};
let met = 0;
let total = 0;
try {
  const groups = [...lab.echoGrid('test', 16000), lab.sessionRateGroup(24000), lab.deviceRateGroup(48000), lab.outsideGroup(16000)];
  if (process.env.ECHO_SCENES_24K === '1') groups.push(lab.outsideGroup(24000));
  for (const params of groups.flatMap((/** @type {any} */ g) => g.scenes)) {
    const name = lab.sceneName(params);
    const shifted = isShifted(name) ? SHIFTS.filter((n) => only.test(`${name} +${n}`)) : [];
    if (!only.test(name) && shifted.length === 0) continue;
    const scene = lab.buildScene(params);
    const runs = only.test(name) ? [lab.evaluate(lab.echoCanceller, scene)] : [];
    for (const n of shifted) runs.push(lab.evaluateShifted(lab.echoCanceller, scene, n));
    for (const f of runs) {
      const text = line(f);
      saved[f.scene] = text;
      total++;
      if (lab.issue13Failures(f).length === 0) met++;
      if (process.env.ECHO_SCENES_BASE === undefined) console.log(`${f.scene}: ${text}`);
      else if (base[f.scene] !== text) console.log(`${f.scene}: ${text}\n${' '.repeat(f.scene.length)}  was ${base[f.scene] ?? '-'}`);
    }
  }
  console.log(`${met} of ${total} meet every bound`);
  if (process.env.ECHO_SCENES_OUT) writeFileSync(process.env.ECHO_SCENES_OUT, JSON.stringify(saved, null, 1));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
