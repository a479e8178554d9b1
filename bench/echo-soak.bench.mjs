// One echo canceller for hours (issue 13): test/helpers/echo-soak.ts's long run (calls, pauses of
// minutes, path changes, faults, drift with playout resyncs) through one EchoCanceller, timed per
// segment: the speed per hour of audio must stay flat (no denormal slowdown, nothing growing), and
// the figures per call window as in the first minutes. Prints the call windows and a line per hour.
//
//   npm run build && node bench/echo-soak.bench.mjs
//   ECHO_SOAK_HOURS=1 (default), ECHO_SOAK_DRIFT_PPM=100 (default), ECHO_SOAK_RATE=16000, ECHO_SOAK_VERBOSE=1 (every segment)
//
// Writes bench/results/echo-soak.json at the end, and every window as it comes, one JSON line each, to
// bench/results/echo-soak.windows.tmp (ECHO_SOAK_STREAM=<file> elsewhere): a run stopped early keeps its
// windows, and a week's run can be read without its whole JSON (~0.8 kB a window, ~2,300 windows a day).
// Each call window's alignment to the user is judged, never thrown on (test/helpers/echo-soak-run.ts,
// judgeAlignment): windows 'unverified' or 'misaligned' are printed as they come and listed at the end.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const HOURS = Number(process.env.ECHO_SOAK_HOURS ?? 1);
const DRIFT = Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100);
const RATE = Number(process.env.ECHO_SOAK_RATE ?? 16000);
const VERBOSE = process.env.ECHO_SOAK_VERBOSE === '1';
const STREAM = process.env.ECHO_SOAK_STREAM ?? join(ROOT, 'bench/results/echo-soak.windows.tmp');
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-soak-'));
/**
 * @typedef {typeof import('../test/helpers/echo-soak.js') & typeof import('../test/helpers/echo-soak-run.js')} Lab
 * @typedef {import('../test/helpers/echo-soak-run.js').SoakWindow} SoakWindow
 * @typedef {SoakWindow & { figures: NonNullable<SoakWindow['figures']>, alignment: NonNullable<SoakWindow['alignment']> }} CallWindow a call window (figures and alignment set)
 */

try {
  /** @type {Lab} */
  const lab = await importLabHelpers(['echo-soak', 'echo-soak-run'], tmp);
  const params = { sampleRate: RATE, driftPpm: DRIFT, seconds: HOURS * 3600, rooms: lab.SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 };
  /** @type {{ audioSeconds: number, processSeconds: number, pathChanges: number }[]} */
  const hours = [];
  /** @param {number | null | undefined} x @param {number} [d] */
  const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  console.log(`soak: ${HOURS} h at ${RATE} Hz, drift ${DRIFT} ppm, rooms ${lab.SOAK_ROOMS.join(' ')}`);
  console.log(
    '| start s | room | kind | change | single talk dB (ceiling) | leaks | double talk | delay true / est ms | skew ppm | changes | ERLE | x realtime |',
  );
  const wall = performance.now();
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(STREAM, `${JSON.stringify({ params })}\n`);
  /** @param {SoakWindow} w */
  const flat = ({ figures, ...w }) => ({
    ...w,
    singleTalkDb: figures?.singleTalk.reductionDb ?? null,
    leakShare: figures?.singleTalk.leakShare ?? null,
    doubleTalkClean: figures?.doubleTalk.cleanShare ?? null,
  });
  /** @type {CallWindow[]} */
  const flagged = [];
  const run = lab.runSoak(params, (/** @type {SoakWindow} */ w) => {
    appendFileSync(STREAM, `${JSON.stringify(flat(w))}\n`);
    const a = w.alignment;
    if (a && (a.verdict === 'unverified' || a.verdict === 'misaligned')) {
      flagged.push(/** @type {CallWindow} */ (w));
      console.log(
        `ALIGNMENT ${a.verdict.toUpperCase()} ${w.room} call at ${w.startS} s: best lag ${a.lag} (${a.correlation.toFixed(2)}), lag 0 ${a.correlationAtZero.toFixed(2)}, ${a.nearOnlyFrames} near-only frames; per utterance ${(a.utterances ?? []).map((u) => `${u.startS.toFixed(1)} s: ${u.lag} (${u.correlation.toFixed(2)}, 0: ${u.correlationAtZero.toFixed(2)}, ${u.nearOnlyFrames} fr)`).join('; ')}; over the user's frames ${a.userFrames ? `${a.userFrames.lag} (${a.userFrames.correlation.toFixed(2)}, 0: ${a.userFrames.correlationAtZero.toFixed(2)}, ${a.userFrames.frames} fr)` : '-'}`,
      );
    }
    const h = Math.floor(w.startS / 3600);
    hours[h] ??= { audioSeconds: 0, processSeconds: 0, pathChanges: 0 };
    hours[h].audioSeconds += w.seconds;
    hours[h].processSeconds += w.processSeconds;
    hours[h].pathChanges += w.pathChanges;
    if (VERBOSE || w.kind === 'call' || w.pathChanges > 0) {
      const f = w.figures;
      console.log(
        `| ${w.startS} | ${w.room} | ${w.kind}${w.recovering ? ' (after)' : ''} | ${w.pathChange ?? ''} | ${f ? `${fmt(f.singleTalk.reductionDb)} (${fmt(f.singleTalk.ceilingDb)})` : '-'} | ${f ? fmt(100 * f.singleTalk.leakShare) : '-'} | ${f ? fmt(100 * f.doubleTalk.cleanShare) : '-'} | ${fmt(w.echoDelayMs, 0)} / ${fmt(w.delayMs, 0)} | ${fmt(w.skewPpm)} | ${w.pathChanges} | ${fmt(w.erleDb)} | ${fmt(w.seconds / w.processSeconds, 0)} |`,
      );
    }
  });
  const perHour = hours.map((h, i) => ({ hour: i, xRealtime: h.audioSeconds / h.processSeconds, pathChanges: h.pathChanges, audioSeconds: h.audioSeconds }));
  for (const h of perHour)
    console.log(`hour ${h.hour}: ${h.xRealtime.toFixed(0)}x realtime over ${h.audioSeconds.toFixed(0)} s, ${h.pathChanges} path changes`);
  // per day: the call windows under 25 dB, over 1% leaks, under 90% of double talk, the median and the worst
  const calls = /** @type {CallWindow[]} */ (run.windows.filter((/** @type {SoakWindow} */ w) => w.figures));
  for (let day = 0; day * 86400 < HOURS * 3600; day++) {
    const ws = calls.filter((/** @type {CallWindow} */ w) => Math.floor(w.startS / 86400) === day);
    const st = ws.map((/** @type {CallWindow} */ w) => w.figures.singleTalk.reductionDb).sort((/** @type {number} */ p, /** @type {number} */ q) => p - q);
    const worst = ws.reduce(
      (/** @type {CallWindow | null} */ m, /** @type {CallWindow} */ w) => (!m || w.figures.singleTalk.reductionDb < m.figures.singleTalk.reductionDb ? w : m),
      null,
    );
    console.log(
      `day ${day + 1}: ${ws.length} call windows, under 25 dB ${st.filter((x) => x < 25).length}, over 1% leaks ${ws.filter((/** @type {CallWindow} */ w) => w.figures.singleTalk.leakShare > 0.01).length}, under 90% double talk ${ws.filter((/** @type {CallWindow} */ w) => w.figures.doubleTalk.cleanShare < 0.9).length}, median ${fmt(st[st.length >> 1])} dB, worst ${worst ? `${fmt(worst.figures.singleTalk.reductionDb)} dB (${worst.room} at ${worst.startS} s, ${fmt(100 * worst.figures.singleTalk.leakShare)}% leaks)` : '-'}`,
    );
  }
  /** @type {Record<string, number>} */
  const verdicts = {};
  for (const w of calls) verdicts[w.alignment.verdict] = (verdicts[w.alignment.verdict] ?? 0) + 1;
  console.log(`alignment per call window: ${JSON.stringify(verdicts)}`);
  for (const w of flagged)
    console.log(
      `  ${w.alignment.verdict} ${w.room} at ${w.startS} s: lag ${w.alignment.lag} (${w.alignment.correlation.toFixed(2)}), lag 0 ${w.alignment.correlationAtZero.toFixed(2)}, ${w.alignment.nearOnlyFrames} near-only frames`,
    );
  console.log(`kernel memory: ${JSON.stringify(run.memory)}`);
  console.log(`wall ${((performance.now() - wall) / 1000).toFixed(0)} s (scene generation included)`);
  writeFileSync(
    join(ROOT, 'bench/results/echo-soak.json'),
    `${JSON.stringify({ params, perHour, memory: run.memory, alignment: verdicts, windows: run.windows.map(flat) }, null, 1)}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
