// Chromium's own echo canceller (AEC3), for real, in front of ours and beside the webrtc-audio-
// processing 0.3 stand-in (issue 13; test/helpers/echo-chromium.ts says how the headless browser's
// canceller gets its reference here, and what it cannot get). On a handful of the echo lab's 48 kHz
// scenes (calls in the three main rooms at 6 and 18 dB echo return loss, the user talking over the
// first reply), one browser per run:
//   chromium AEC3             the processed track (noise suppression and gain control off: the
//                             canceller alone), judged with its own linear response excused
//                             (fitted from a run with the reference silent: echo-response.ts)
//   chromium AEC3 + ours      our EchoCanceller on that track (the library's browser path)
//   EchoCanceller             ours alone on the raw mic
//   webrtc 0.3 (+ ours)       bench/echo-peers/browser.cpp (high-pass and AEC, told the delay), the
//                             stand-in the echo-browser bench and quality test use, judged the same way
// and the bypass check: the canceller with the reply not played (the loopback silent) must leave
// the echo where it is, or the figures would not be the canceller's.
//
//   npm run build && node bench/echo-chromium.bench.mjs      # ~6 min on 2 busy cores
//   ECHO_CHROMIUM_ONLY=text    only the scenes whose name contains it
//
// Writes bench/results/echo-chromium.json. Not in `npm test` or `npm run bench` (a browser per run).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const RATE = 48000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(0);
}
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-chromium-'));

/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-report.js') & typeof import('../test/helpers/echo-grid.js')
 *   & typeof import('../test/helpers/echo-ours.js') & typeof import('../test/helpers/echo-response.js')
 *   & typeof import('../test/helpers/echo-chromium.js')} Lab
 * @typedef {import('../test/helpers/echo-scenes.js').EchoScene} EchoScene
 * @typedef {import('../test/helpers/echo-metrics.js').EchoFigures} EchoFigures
 * @typedef {import('../test/helpers/echo-response.js').Response} Response
 */
/** @type {Lab} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-report', 'echo-grid', 'echo-ours', 'echo-response', 'echo-chromium'], tmp);

/** @param {string[]} args */
const launch = (args) =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
      ...args,
    ],
  });

// The stand-in: webrtc-audio-processing 0.3 through browser.cpp (skipped when not installed).
const BIN = join(tmp, 'browser');
const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'webrtc-audio-processing'], { encoding: 'utf8' });
const haveStandIn =
  pc.status === 0 &&
  spawnSync('g++', ['-O2', '-std=c++14', '-o', BIN, join(ROOT, 'bench/echo-peers/browser.cpp'), ...pc.stdout.trim().split(/\s+/)]).status === 0;
if (!haveStandIn) console.log('webrtc 0.3 stand-in skipped: apt-get install -y g++ pkg-config libwebrtc-audio-processing-dev');

/** The stand-in's output on a scene, aligned to the mic by the user. @param {EchoScene} scene @param {string[]} flags */
function runStandIn(scene, flags) {
  const mic = join(tmp, 'mic.f32');
  const ref = join(tmp, 'ref.f32');
  const out = join(tmp, 'out.f32');
  writeFileSync(mic, scene.mic);
  writeFileSync(ref, scene.reference);
  execFileSync(BIN, [String(RATE), mic, ref, out, '--delay-ms', String(Math.round(scene.meta.echoDelayMs)), '--no-agc', '--no-ns', ...flags]);
  const b = readFileSync(out);
  const raw = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const lag = lab.findLag(raw, scene.near, RATE / 10).lag;
  return Float32Array.from(scene.mic, (_, i) => raw[i + lag] ?? 0);
}

/**
 * The scene as a browser delivers it (its response excused), its output re-aligned to the sample
 * against the user through that response (the coarse alignment can miss by a few samples).
 * @param {EchoScene} scene @param {Float32Array} processed @param {Response} response @param {string} name
 */
function deliveredScene(scene, processed, response, name) {
  const lag = lab.checkAlignment(lab.responseScene(scene, processed, response, name), processed, name, 48, Number.POSITIVE_INFINITY).lag;
  return lab.responseScene(
    scene,
    Float32Array.from(processed, (_, i) => processed[i + lag] ?? 0),
    response,
    name,
  );
}

const only = process.env.ECHO_CHROMIUM_ONLY;
const WANTED = [
  'laptop 48k call 120ms 6dB',
  'laptop 48k call 120ms 18dB',
  'desk 48k call 120ms 6dB',
  'desk 48k call 120ms 18dB',
  'kiosk 48k call 120ms 6dB',
  'kiosk 48k call 120ms 18dB',
  'desk 48k cold-start 60ms 18dB',
  'kiosk 48k cold-start 60ms 6dB',
];
const params = lab
  .echoGrid('test', RATE)
  .flatMap((g) => g.scenes)
  .filter((p) => WANTED.includes(lab.sceneName(p)) && (!only || lab.sceneName(p).includes(only)));

const t0 = performance.now();
/** @type {EchoFigures[]} */
const all = [];
/** @type {Record<string, unknown>[]} */
const details = [];
/** @type {Response | null} */
let chromiumResponse = null;
/** @type {Response | null} */
let standInResponse = null;
/** @type {Record<string, unknown> | null} */
let bypass = null;
for (const p of params) {
  const scene = lab.buildScene(p);
  const rename = (/** @type {EchoFigures} */ f) => ({ ...f, scene: scene.name });
  if (!chromiumResponse) {
    // The bypass run: the loopback silent, so the canceller has no reference; its output is the
    // browser's linear processing of the mic (fitted), and its echo must stay.
    const silent = await lab.runChromium(scene, launch, { play: false });
    chromiumResponse = lab.fitResponse(scene.mic, silent.processed);
    const f = lab.measureEcho(lab.responseScene(scene, silent.processed, chromiumResponse, 'chromium'), silent.processed, 'chromium AEC3, reply not played');
    all.push(rename(f));
    bypass = { scene: scene.name, unexplainedDb: chromiumResponse.unexplainedDb, singleTalkDb: f.singleTalk.reductionDb, settings: silent.settings };
    console.log(
      `bypass (reply not played): response unexplained ${chromiumResponse.unexplainedDb.toFixed(1)} dB, echo reduction ${f.singleTalk.reductionDb.toFixed(1)} dB`,
    );
  }
  const run = await lab.runChromium(scene, launch);
  const bscene = deliveredScene(scene, run.processed, chromiumResponse, 'chromium');
  all.push(rename(lab.measureEcho(bscene, bscene.mic, 'chromium AEC3')));
  all.push(rename(lab.measureEcho(bscene, lab.runOurs(bscene).output, 'chromium AEC3 + EchoCanceller')));
  all.push(lab.measureEcho(scene, lab.runOurs(scene).output, 'EchoCanceller'));
  if (haveStandIn) {
    standInResponse ??= lab.fitResponse(scene.mic, runStandIn(scene, ['--no-aec']));
    const sscene = deliveredScene(scene, runStandIn(scene, []), standInResponse, 'webrtc 0.3');
    all.push(rename(lab.measureEcho(sscene, sscene.mic, 'webrtc 0.3')));
    all.push(rename(lab.measureEcho(sscene, lab.runOurs(sscene).output, 'webrtc 0.3 + EchoCanceller')));
  }
  details.push({ scene: scene.name, micLag: run.micLag, micMoves: run.micMoves, reference: run.reference, bitrate: run.bitrate });
  const r = run.reference;
  console.log(
    `${scene.name}: delay seen by the browser ${r ? r.delayMs.toFixed(0) : '-'} ms, reply received at ${r ? r.snrDb.toFixed(1) : '-'} dB SNR with ${r ? r.jumps : '-'} jumps, the mic's lag moved ${run.micMoves} times`,
  );
}

const table = lab.roomTable(lab.summarizeByRoom(all));
const sceneTable = lab.sceneTable(all);
const diag = `| scene | delay the browser saw, ms | reply as received: SNR dB / jumps | the mic's lag moved |\n| --- | ---: | ---: | ---: |\n${details
  .map((d) => {
    const r = /** @type {{ delayMs: number, snrDb: number, jumps: number } | null} */ (d.reference);
    return `| ${d.scene} | ${r ? r.delayMs.toFixed(0) : '-'} | ${r ? `${r.snrDb.toFixed(1)} / ${r.jumps}` : '-'} | ${d.micMoves} |`;
  })
  .join('\n')}`;
console.log(`\n### Per room (worst case)\n\n${table}\n\n### Per scene\n\n${sceneTable}\n\n### The browser's reference\n\n${diag}`);
const minutes = (performance.now() - t0) / 60000;
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench/results/echo-chromium.json'),
  `${JSON.stringify({ name: 'echo-chromium', date: new Date().toISOString(), node: process.version, chromium: chromium.name(), minutes, bypass, details, figures: all }, lab.figuresReplacer)}\n`,
);
rmSync(tmp, { recursive: true, force: true });
console.log(`\necho-chromium bench: ${minutes.toFixed(1)} min; bench/results/echo-chromium.json written`);
