// One echo canceller for hours (issue 13): test/helpers/echo-soak.ts's long run (calls, pauses of
// minutes, path changes, faults, drift with playout resyncs) through one EchoCanceller, timed per
// segment: the speed per hour of audio must stay flat (no denormal slowdown, nothing growing), and
// the figures per call window as in the first minutes. Prints the call windows and a line per hour.
//
//   npm run build && node bench/echo-soak.bench.mjs
//   ECHO_SOAK_HOURS=1 (default), ECHO_SOAK_DRIFT_PPM=100 (default), ECHO_SOAK_RATE=16000, ECHO_SOAK_VERBOSE=1 (every segment)
//
// Writes bench/results/echo-soak.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const HOURS = Number(process.env.ECHO_SOAK_HOURS ?? 1);
const DRIFT = Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100);
const RATE = Number(process.env.ECHO_SOAK_RATE ?? 16000);
const VERBOSE = process.env.ECHO_SOAK_VERBOSE === '1';
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-soak-'));
/**
 * @typedef {typeof import('../test/helpers/echo-soak.js') & typeof import('../test/helpers/echo-soak-run.js')} Lab
 * @typedef {import('../test/helpers/echo-soak-run.js').SoakWindow} SoakWindow
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
  const run = lab.runSoak(params, (/** @type {SoakWindow} */ w) => {
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
  console.log(`kernel memory: ${JSON.stringify(run.memory)}`);
  console.log(`wall ${((performance.now() - wall) / 1000).toFixed(0)} s (scene generation included)`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/echo-soak.json'),
    `${JSON.stringify({ params, perHour, memory: run.memory, windows: run.windows.map((/** @type {SoakWindow} */ { figures, ...w }) => ({ ...w, singleTalkDb: figures?.singleTalk.reductionDb ?? null, leakShare: figures?.singleTalk.leakShare ?? null, doubleTalkClean: figures?.doubleTalk.cleanShare ?? null })) }, null, 1)}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
