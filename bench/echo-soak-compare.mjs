// Two soak streams (bench/echo-soak.bench.mjs's ECHO_SOAK_STREAM, one JSON line per window) window by
// window: the call windows whose single talk moved by over 1 dB, leaks by over 0.1 point or double talk by
// over 1 point, and how many moved (aec-change11-18: a rule's soak beside main's). Reads text only.
//   node bench/echo-soak-compare.mjs A.jsonl B.jsonl
import { readFileSync } from 'node:fs';

/** @param {string} file @returns {any[]} */
const calls = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((w) => w.kind === 'call');
const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) throw new Error('usage: node bench/echo-soak-compare.mjs A.jsonl B.jsonl');
const a = calls(fileA);
const byStart = new Map(calls(fileB).map((w) => [w.startS, w]));
const pct = (/** @type {number} */ x) => `${(100 * (x ?? 0)).toFixed(1)}%`;
let moved = 0;
let both = 0;
for (const w of a) {
  const v = byStart.get(w.startS);
  if (!v) continue;
  both++;
  const st = Math.abs((w.singleTalkDb ?? 0) - (v.singleTalkDb ?? 0)) > 1;
  const lk = Math.abs((w.leakShare ?? 0) - (v.leakShare ?? 0)) > 0.001;
  const dt = Math.abs((w.doubleTalkClean ?? 0) - (v.doubleTalkClean ?? 0)) > 0.01;
  if (!st && !lk && !dt) continue;
  moved++;
  console.log(
    `${w.startS} s ${w.room}${w.pathChange ? ` (${w.pathChange})` : ''}: single talk ${w.singleTalkDb?.toFixed(1)} -> ${v.singleTalkDb?.toFixed(1)} dB, leaks ${pct(w.leakShare)} -> ${pct(v.leakShare)}, double talk ${pct(w.doubleTalkClean)} -> ${pct(v.doubleTalkClean)}, path changes ${w.pathChanges} -> ${v.pathChanges}`,
  );
}
console.log(`${both} call windows in both, ${moved} moved (single talk over 1 dB, leaks over 0.1 point, double talk over 1 point)`);
