// The long soak's figures from its stream of windows (bench/echo-soak.bench.mjs writes one JSON line per
// window as it goes, to bench/results/echo-soak.windows.tmp or ECHO_SOAK_STREAM): usable while the run
// goes on or after it stopped. Per day: call windows, under 25 dB, over 1% leaks, under 90% of double
// talk, the median and the worst; per hour: speed (x realtime of the canceller's process() calls) and
// path changes; the alignment verdicts, with every unverified or misaligned window listed.
//
//   node bench/echo-soak-summary.mjs [stream file]     (--hours: every hour's line)
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? new URL('results/echo-soak.windows.tmp', import.meta.url).pathname;
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const { params } = JSON.parse(lines[0] ?? '{}');
/** @type {any[]} */
const windows = lines.slice(1).map((l) => JSON.parse(l));
const fmt = (/** @type {number | null | undefined} */ x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const last = windows.at(-1);
console.log(
  `${file}: ${JSON.stringify(params)}; ${windows.length} windows to ${last ? fmt((last.startS + last.seconds) / 3600, 2) : 0} h, ${(lines.join('\n').length / 1024).toFixed(0)} kB`,
);
const calls = windows.filter((w) => w.singleTalkDb !== null);
for (let day = 0; day * 86400 < (last?.startS ?? 0) + 1; day++) {
  const ws = calls.filter((w) => Math.floor(w.startS / 86400) === day);
  const st = ws.map((w) => w.singleTalkDb).sort((p, q) => p - q);
  const worst = ws.reduce((m, w) => (!m || w.singleTalkDb < m.singleTalkDb ? w : m), null);
  const hours = ws.length ? (Math.min((day + 1) * 86400, last.startS + last.seconds) - day * 86400) / 3600 : 0;
  console.log(
    `day ${day + 1} (${fmt(hours)} h): ${ws.length} call windows, under 25 dB ${st.filter((x) => x < 25).length}, over 1% leaks ${ws.filter((w) => w.leakShare > 0.01).length}, under 90% double talk ${ws.filter((w) => w.doubleTalkClean < 0.9).length}, median ${fmt(st[st.length >> 1])} dB, worst ${worst ? `${fmt(worst.singleTalkDb)} dB (${worst.room} ${worst.recovering ? 'after a fault or change ' : ''}at ${worst.startS} s, ${fmt(100 * worst.leakShare)}% leaks)` : '-'}`,
  );
}
/** @type {{ audio: number, process: number, changes: number }[]} */
const perHour = [];
for (const w of windows) {
  const h = Math.floor(w.startS / 3600);
  perHour[h] ??= { audio: 0, process: 0, changes: 0 };
  perHour[h].audio += w.seconds;
  perHour[h].process += w.processSeconds;
  perHour[h].changes += w.pathChanges;
}
const whole = perHour.slice(0, -1); // the last hour may be partial
if (whole.length) {
  const speed = whole.map((h) => h.audio / h.process).sort((p, q) => p - q);
  const changes = whole.map((h) => h.changes).sort((p, q) => p - q);
  console.log(
    `per whole hour (${whole.length}): speed ${fmt(speed[0], 0)}-${fmt(speed.at(-1), 0)}x realtime (median ${fmt(speed[speed.length >> 1], 0)}), path changes ${changes[0]}-${changes.at(-1)} (median ${changes[changes.length >> 1]}, ${changes.reduce((s, c) => s + c, 0)} in all)`,
  );
  if (args.includes('--hours'))
    whole.forEach((h, i) => {
      console.log(`hour ${i}: ${fmt(h.audio / h.process, 0)}x, ${h.changes} path changes`);
    });
}
/** @type {Record<string, number>} */
const verdicts = {};
for (const w of calls) if (w.alignment) verdicts[w.alignment.verdict] = (verdicts[w.alignment.verdict] ?? 0) + 1;
console.log(`alignment per call window: ${JSON.stringify(verdicts)}`);
for (const w of calls.filter((w) => w.alignment && (w.alignment.verdict === 'unverified' || w.alignment.verdict === 'misaligned'))) {
  const a = w.alignment;
  console.log(
    `  ${a.verdict} ${w.room} at ${w.startS} s: lag ${a.lag} (${fmt(a.correlation, 2)}), lag 0 ${fmt(a.correlationAtZero, 2)}, ${a.nearOnlyFrames} near-only frames; ${fmt(w.singleTalkDb)} dB, ${fmt(100 * w.doubleTalkClean)}% double talk`,
  );
  if (a.userFrames)
    console.log(
      `    over every frame the user speaks in: ${a.userFrames.frames} frames, lag ${a.userFrames.lag} (${fmt(a.userFrames.correlation, 2)}), lag 0 ${fmt(a.userFrames.correlationAtZero, 2)}`,
    );
  for (const u of a.utterances ?? [])
    console.log(
      `    utterance at ${fmt(u.startS)} s: ${u.nearOnlyFrames} near-only frames, lag ${u.lag} (${fmt(u.correlation, 2)}), lag 0 ${fmt(u.correlationAtZero, 2)}`,
    );
}
const unjudged = calls.filter((w) => w.alignment?.verdict === 'unjudged');
if (unjudged.length)
  console.log(
    `  unjudged (under 10 near-only frames): ${unjudged.length}, near-only frames ${unjudged.map((w) => w.alignment.nearOnlyFrames).reduce((m, x) => Math.max(m, x), 0)} at most`,
  );
