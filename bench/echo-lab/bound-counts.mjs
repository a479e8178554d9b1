// (aec-bt16) Two runs of `node bench/echo-lab.mjs scenes <one build>` (their printed lines, e.g. the four
// Bluetooth groups at --shifts 0,31,97) compared over every scene-shift: the scene-shifts meeting every
// issue-13 bound, the fails per bound, dirty double-talk frames, utterances never delivered, single talk
// under 30 dB, leak shares summed, 20 dB within 1 s; the scene-shifts WON and LOST, the bound cells lost
// and won, the worst and median single talk per room and rate, and the lines 3 dB or more apart. For
// judging a change over block alignments (aec-bt9) instead of one line. Reads text only (no build).
//   node bench/echo-lab/bound-counts.mjs base.log new.log [--list 12]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { list: { type: 'string', default: '12' } } });
if (positionals.length !== 2) {
  console.error('usage: node bench/echo-lab/bound-counts.mjs base.log new.log [--list N]');
  process.exit(2);
}

/** @typedef {{ st: number, leaks: number, dirty: number, never: number, convMs: number, fails: Set<string> }} Line */

/** The scene lines of one run, by scene name (with its shift). @param {string} file @returns {Map<string, Line>} */
function load(file) {
  /** @type {Map<string, Line>} */
  const lines = new Map();
  const re =
    /^(?:\[\d\] )?(.*?)(?: LOST| WON)?: ST ([-\d.]+) dB.*?leaks ([\d.]+)%.*?DT [\d.]+% \((\d+)\/\d+ dirty\).*?med \S+(?: never (\d+))? \| conv (\S+) ms/;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const m = re.exec(text);
    if (!m) continue;
    const fails = new Set(
      text.includes('FAILS')
        ? text
            .split('FAILS')[1]
            .split(';')
            .map((f) =>
              f
                .trim()
                .replace(/[ 0-9.]+(dB|ms|%).*$/, '')
                .split(/ [<>]| never/)[0]
                .trim(),
            )
        : [],
    );
    lines.set(m[1], { st: Number(m[2]), leaks: Number(m[3]), dirty: Number(m[4]), never: Number(m[5] ?? 0), convMs: Number(m[6]), fails });
  }
  return lines;
}

const [a, b] = positionals.map(load);
const keys = [...a.keys()].filter((k) => b.has(k));
const get = (/** @type {Map<string, Line>} */ run, /** @type {string} */ k) => /** @type {Line} */ (run.get(k));
const sum = (/** @type {Map<string, Line>} */ run, /** @type {(l: Line) => number} */ f) => keys.reduce((s, k) => s + f(get(run, k)), 0);
console.log(`${keys.length} scene-shifts in both`);
for (const [name, run] of /** @type {[string, Map<string, Line>][]} */ ([
  ['base', a],
  ['new', b],
])) {
  /** @type {Record<string, number>} */
  const per = {};
  for (const k of keys) for (const f of get(run, k).fails) per[f] = (per[f] ?? 0) + 1;
  console.log(
    `${name}: every bound ${sum(run, (l) => (l.fails.size ? 0 : 1))}; fails ${JSON.stringify(per)}; dirty double-talk frames ${sum(run, (l) => l.dirty)}; never delivered ${sum(run, (l) => l.never)}; single talk < 30 dB ${sum(run, (l) => (l.st < 30 ? 1 : 0))}; leak shares summed ${sum(run, (l) => l.leaks).toFixed(1)}%; 20 dB within 1 s ${sum(run, (l) => (Number.isFinite(l.convMs) && l.convMs <= 1000 ? 1 : 0))}`,
  );
}
const won = keys.filter((k) => get(a, k).fails.size && !get(b, k).fails.size);
const lost = keys.filter((k) => !get(a, k).fails.size && get(b, k).fails.size);
console.log(`WON ${won.length}${won.map((k) => `\n  ${k}`).join('')}`);
console.log(`LOST ${lost.length}${lost.map((k) => `\n  ${k}: ${[...get(b, k).fails].join(', ')}; ${get(a, k).st} -> ${get(b, k).st} dB`).join('')}`);
/** @type {Record<string, number>} */
const cellsLost = {};
/** @type {Record<string, number>} */
const cellsWon = {};
for (const k of keys) {
  for (const f of get(b, k).fails) if (!get(a, k).fails.has(f)) cellsLost[f] = (cellsLost[f] ?? 0) + 1;
  for (const f of get(a, k).fails) if (!get(b, k).fails.has(f)) cellsWon[f] = (cellsWon[f] ?? 0) + 1;
}
console.log(`bound cells lost ${JSON.stringify(cellsLost)}, won ${JSON.stringify(cellsWon)}`);
/** @type {Map<string, [number[], number[]]>} */
const rooms = new Map();
for (const k of keys) {
  const room = k.split(' ').slice(0, 2).join(' ');
  const r = rooms.get(room) ?? [[], []];
  r[0].push(get(a, k).st);
  r[1].push(get(b, k).st);
  rooms.set(room, r);
}
const median = (/** @type {number[]} */ x) => {
  const s = [...x].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [room, [x, y]] of [...rooms].sort()) {
  console.log(
    `${room}: single talk worst ${Math.min(...x).toFixed(1)} -> ${Math.min(...y).toFixed(1)} dB, median ${median(x).toFixed(1)} -> ${median(y).toFixed(1)}`,
  );
}
const moved = keys.map((k) => ({ k, d: get(b, k).st - get(a, k).st })).sort((p, q) => p.d - q.d);
const n = Number(o.list);
console.log(`single talk down 3 dB or more: ${moved.filter((m) => m.d <= -3).length}, up 3 dB or more: ${moved.filter((m) => m.d >= 3).length}`);
for (const m of [...moved.slice(0, n).filter((x) => x.d <= -3), ...moved.slice(-n).filter((x) => x.d >= 3)]) {
  console.log(`  ${m.d >= 0 ? '+' : ''}${m.d.toFixed(1)} ${m.k}: ${get(a, m.k).st} -> ${get(b, m.k).st} dB`);
}
