// (cold24) The quality metric's own dirty double-talk frames (a `node bench/echo-lab.mjs scenes ... --dirty` log)
// sorted by cause from `node bench/echo-lab.mjs trace` outputs of the same scenes (their frame lines: user,
// out - user, the user's loss, the echo passed, the rest | linear - user | the true echo, dB; one trace file per
// scene, `--from 0 --to 15`): per scene and in all, before and after a time (`--early`, s), the frames where the
// linear stage's output stands more than 3 dB over the true echo (its estimate subtracted what was not echo:
// the user's words learned), else the user taken by the gain (its loss within 10 dB of the user and over the
// echo passed), else echo passed. Unlike dirty-split.mjs it counts only the frames the metric judged (the
// trace's own `dirty` marks every frame of the user's labels). Reads text only (no build).
//   node bench/echo-lab/dirty-class.mjs [--early 2] dirty.log trace1.txt trace2.txt ...
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { early: { type: 'string', default: '2' } } });
const early = Number(o.early);
const [dirtyLog, ...traces] = positionals;
if (!dirtyLog || traces.length === 0) throw new Error('usage: node bench/echo-lab/dirty-class.mjs [--early 2] dirty.log trace...');
const lines = readFileSync(dirtyLog, 'utf8').split('\n');
/** @type {Record<string, number[]>} */
const dirty = {};
for (let i = 0; i < lines.length; i++) {
  const m = /^(?:\[\d+\] )?(.*?)(?: WON| LOST)?: ST/.exec(lines[i] ?? '');
  const next = lines[i + 1] ?? '';
  if (m?.[1] && /dirty at/.test(next))
    dirty[m[1]] = next
      .replace(/.*dirty at/, '')
      .trim()
      .split(/\s+/)
      .map(Number);
}
/** @type {Record<string, number>} */
const total = {};
for (const file of traces) {
  const text = readFileSync(file, 'utf8').split('\n');
  const name = text.find((l) => / per block/.test(l))?.replace(/: per block.*/, '') ?? file;
  /** @type {Map<string, number[]>} */
  const frames = new Map();
  for (const l of text) {
    const m = /^\s*(\d+\.\d\d)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s*\|\s*(-?\d+)\s*\|\s*(-?\d+)/.exec(l);
    if (m) frames.set(Number(m[1]).toFixed(2), m.slice(2).map(Number));
  }
  /** @type {Record<string, number>} */
  const c = {};
  for (const t of dirty[name] ?? []) {
    const v = frames.get(t.toFixed(2));
    if (!v) continue;
    const [user = 0, , loss = 0, echo = 0, , linear = 0, trueEcho = 0] = v;
    const cause = linear > trueEcho + 3 ? 'linear' : loss > user - 10 && loss >= echo ? 'taken' : 'passed';
    const key = `${t < early ? 'early' : 'late'} ${cause}`;
    c[key] = (c[key] ?? 0) + 1;
    total[key] = (total[key] ?? 0) + 1;
  }
  console.log(`${name}: ${(dirty[name] ?? []).length} dirty ${JSON.stringify(c)}`);
}
console.log(`all: ${JSON.stringify(total)} (early: before ${early} s; linear: the linear stage's output > 3 dB over the true echo)`);
