// (aec-change11) Where a scene's dirty double-talk frames go, from saved `node bench/echo-lab.mjs trace` outputs
// (their frame lines: user, out - user, the user's loss, the echo passed, the rest | linear - user | echo, dB):
// per file, the dirty frames before and after a time, how many the linear stage's output alone would make dirty
// too (its error within 10 dB of the user), and how many are the user taken by the gain (its loss within 10 dB of
// the user and over the echo passed) or echo passed. Reads text only (no build).
//   node bench/echo-lab/dirty-split.mjs [--after 11.7] trace1.txt trace2.txt ...
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o, positionals: files } = parseArgs({ allowPositionals: true, options: { after: { type: 'string', default: '11.7' } } });
const after = Number(o.after);
const sum = { dirty: 0, before: 0, after: 0, linear: 0, taken: 0, passed: 0 };
for (const file of files) {
  const c = { dirty: 0, before: 0, after: 0, linear: 0, taken: 0, passed: 0 };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!/ dirty$/.test(line)) continue;
    const [t, user, , loss, echo, , linear] = line
      .trim()
      .split(/[\s|]+/)
      .map(Number);
    c.dirty++;
    if (t < after) c.before++;
    else c.after++;
    if (linear > user - 10) c.linear++;
    if (loss > user - 10 && loss >= echo) c.taken++;
    else c.passed++;
  }
  for (const k of /** @type {(keyof typeof c)[]} */ (Object.keys(c))) sum[k] += c[k];
  console.log(
    `${file}: dirty ${c.dirty} (before ${after} s ${c.before}, after ${c.after}); linear stage dirty too ${c.linear}; the user taken ${c.taken}, echo passed ${c.passed}`,
  );
}
console.log(
  `all: dirty ${sum.dirty} (before ${sum.before}, after ${sum.after}); linear stage dirty too ${sum.linear}; the user taken ${sum.taken}, echo passed ${sum.passed}`,
);
