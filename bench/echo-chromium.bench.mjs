// The browsers' own echo cancellers, for real: Chromium 156's (AEC3) and Firefox ESR 153's
// (libwebrtc's AEC3 in Gecko), in front of ours and beside the webrtc-audio-processing 0.3 stand-in
// (issue 13; test/helpers/echo-chromium.ts and echo-firefox.ts say how each headless browser's
// canceller gets its microphone and its reference here, and what it cannot get). On a handful of
// the echo lab's 48 kHz scenes (calls in the three main rooms at 6 and 18 dB echo return loss, the
// user talking over the first reply), one browser per run:
//   <browser>                 the processed track (noise suppression and gain control off: the
//                             canceller alone), judged with the browser's own linear response
//                             excused (fitted from a run with no reply played: echo-response.ts)
//   <browser> + EchoCanceller our EchoCanceller on that track (the library's browser path)
//   EchoCanceller             ours alone on the raw mic
//   webrtc 0.3 (+ ours)       bench/echo-peers/browser.cpp (high-pass and AEC, told the delay), the
//                             stand-in the echo-browser bench and quality test use, judged the same way
// and the bypass check: the canceller with no reply played must leave the echo where it is, or
// the figures would not be the canceller's.
//
//   npm run build && node bench/echo-chromium.bench.mjs      # ~15 min on 2 busy cores
//   ECHO_BROWSERS=chromium,firefox    add Firefox (default Chromium only; needs `apt-get install -y
//                                     pulseaudio pulseaudio-utils`; Firefox alone writes
//                                     bench/results/echo-firefox.json). Its microphone (a PulseAudio
//                                     source) reaches the page through Firefox's drift correction, and
//                                     its recording steps and wanders against the scene: aligned
//                                     piecewise (echo-align.ts) but not to the sample, so it is judged
//                                     on frame energies only (single talk, leaks), and only runs whose
//                                     "delay the browser saw" is the scene's plus ~50 ms are valid
//   ECHO_CHROMIUM_ONLY=text           only the scenes whose name contains it
//
// Writes bench/results/echo-chromium.json. Not in `npm test` or `npm run bench` (a browser per run).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const RATE = 48000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const wanted = (process.env.ECHO_BROWSERS ?? 'chromium').split(',');
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-chromium-'));

/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-report.js') & typeof import('../test/helpers/echo-grid.js')
 *   & typeof import('../test/helpers/echo-ours.js') & typeof import('../test/helpers/echo-response.js')
 *   & typeof import('../test/helpers/echo-chromium.js') & typeof import('../test/helpers/echo-firefox.js')} Lab
 * @typedef {import('../test/helpers/echo-browser-run.js').OpenEchoPage} OpenEchoPage
 * @typedef {import('../test/helpers/echo-browser-run.js').EchoBrowserRun} EchoBrowserRun
 * @typedef {import('../test/helpers/echo-scenes.js').EchoScene} EchoScene
 * @typedef {import('../test/helpers/echo-metrics.js').EchoFigures} EchoFigures
 * @typedef {import('../test/helpers/echo-response.js').Response} Response
 */
/** @type {Lab} */
const lab = await importLabHelpers(
  ['echo-scenes', 'echo-metrics', 'echo-report', 'echo-grid', 'echo-ours', 'echo-response', 'echo-chromium', 'echo-firefox'],
  tmp,
);

/** @type {OpenEchoPage} */
async function openChromium(micFile, url) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      ...lab.chromiumEchoArgs(micFile),
    ],
  });
  const page = await browser.newPage();
  await page.goto(url);
  return { page, close: () => browser.close() };
}

const pulse = wanted.includes('firefox') && existsSync(FIREFOX) ? await lab.startPulse() : null;
if (wanted.includes('firefox') && !pulse) console.log('firefox skipped: apt-get install -y firefox-esr pulseaudio pulseaudio-utils');
/** @type {OpenEchoPage} */
async function openFirefox(_micFile, url) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    headless: true,
    executablePath: FIREFOX,
    env: { ...process.env, PULSE_SERVER: pulse?.server ?? '' },
    extraPrefsFirefox: lab.FIREFOX_ECHO_PREFS,
  });
  const page = await browser.newPage();
  await page.goto(url);
  // puppeteer's evaluate takes the page function's arguments as a rest parameter.
  return { page: { evaluate: (fn, arg) => page.evaluate(/** @type {(a: unknown) => Promise<any>} */ (fn), arg) }, close: () => browser.close() };
}

/** @type {{ name: string, run: (scene: EchoScene, options?: { play?: boolean }) => Promise<EchoBrowserRun> }[]} */
const browsers = [];
if (wanted.includes('chromium') && existsSync(CHROMIUM)) browsers.push({ name: 'chromium 156', run: (scene, o) => lab.runChromium(scene, openChromium, o) });
const livePulse = pulse;
if (livePulse) browsers.push({ name: 'firefox 153', run: (scene, o) => lab.runFirefox(scene, livePulse, openFirefox, o) });
if (browsers.length === 0) {
  console.log(`skipped: no browser (${CHROMIUM}, ${FIREFOX})`);
  process.exit(0);
}

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

const RESULT = wanted.includes('chromium') ? 'echo-chromium' : 'echo-firefox';
const t0 = performance.now();
/** @type {EchoFigures[]} */
const all = [];
/** @type {Record<string, unknown>[]} */
const details = [];
/** @type {Map<string, Response | null>} */
const responses = new Map();
/** @type {Record<string, unknown>[]} */
const bypass = [];
/** @type {Response | null} */
let standInResponse = null;
/** Browsers judged on frame energies only (their recording not aligned to the sample). */
const energyOnly = new Set();
try {
  for (const p of params) {
    const scene = lab.buildScene(p);
    const rename = (/** @type {EchoFigures} */ f) => ({ ...f, scene: scene.name });
    for (const b of browsers) {
      let response = responses.get(b.name);
      if (response === null) continue;
      if (!response) {
        // The bypass run: no reply played, so the canceller has no reference; its output is the
        // browser's linear processing of the mic (fitted), and its echo must stay.
        const silent = await b.run(scene, { play: false });
        response = lab.fitResponse(scene.mic, silent.processed);
        responses.set(b.name, response);
        const f = lab.measureEcho(lab.responseScene(scene, silent.processed, response, b.name), silent.processed, `${b.name}, reply not played`);
        all.push(rename(f));
        bypass.push({
          browser: b.name,
          alignment: silent.alignment,
          scene: scene.name,
          unexplainedDb: response.unexplainedDb,
          singleTalkDb: f.singleTalk.reductionDb,
          settings: silent.settings,
        });
        if (silent.alignment) console.log(`${b.name} bypass alignment: ${JSON.stringify(silent.alignment)}`);
        console.log(
          `${b.name} bypass (reply not played): response unexplained ${response.unexplainedDb.toFixed(1)} dB, echo reduction ${f.singleTalk.reductionDb.toFixed(1)} dB`,
        );
        // Its output must be the mic through a fixed linear response, or the recording did not stay
        // aligned with the scene and no figure of this browser would mean anything.
        if (response.unexplainedDb > -20 && b.name.startsWith('firefox')) {
          // Firefox's recording wanders against the mic (its drift correction; echo-align.ts):
          // only what needs no sample alignment is kept, the frame energies (single talk, leaks),
          // judged with no response excused; its double-talk and opening figures mean nothing.
          console.log(`${b.name}: the bypass run is not a linear response of the mic (alignment not sample-exact): frame energies only`);
          response = { taps: Float64Array.of(1), lead: 0, unexplainedDb: response.unexplainedDb };
          responses.set(b.name, response);
          energyOnly.add(b.name);
        } else if (response.unexplainedDb > -20) {
          console.log(`${b.name}: the bypass run is not a linear response of the mic (alignment lost): its figures dropped`);
          responses.set(b.name, null);
          all.pop();
          continue;
        }
      }
      const run = await b.run(scene);
      const bscene = energyOnly.has(b.name)
        ? lab.responseScene(scene, run.processed, response, b.name)
        : deliveredScene(scene, run.processed, response, b.name);
      // A jump of the received reply (the jitter buffer stretching time during it: 0-6 of 8 runs
      // on a busy machine) moves the reference against its echo, a path change no real echo makes:
      // such runs are reported apart, not as the canceller's figures.
      const name = `${run.reference && run.reference.jumps > 0 ? `${b.name} (reference jumped)` : b.name}${energyOnly.has(b.name) ? ' (frame energies only)' : ''}`;
      all.push(rename(lab.measureEcho(bscene, bscene.mic, name)));
      all.push(rename(lab.measureEcho(bscene, lab.runOurs(bscene).output, `${name} + EchoCanceller`)));
      details.push({
        browser: b.name,
        scene: scene.name,
        micLag: run.micLag,
        micMoves: run.micMoves,
        alignment: run.alignment,
        reference: run.reference,
        bitrate: run.bitrate,
      });
      const r = run.reference;
      console.log(
        `${b.name} ${scene.name}: ${run.alignment ? `alignment ${JSON.stringify(run.alignment)}, ` : ''}delay seen ${r ? r.delayMs.toFixed(0) : '-'} ms, reply received at ${r ? r.snrDb.toFixed(1) : '-'} dB SNR with ${r ? r.jumps : '-'} jumps, the mic's lag moved ${run.micMoves} times`,
      );
    }
    all.push(lab.measureEcho(scene, lab.runOurs(scene).output, 'EchoCanceller'));
    if (haveStandIn) {
      standInResponse ??= lab.fitResponse(scene.mic, runStandIn(scene, ['--no-aec']));
      const sscene = deliveredScene(scene, runStandIn(scene, []), standInResponse, 'webrtc 0.3');
      all.push(rename(lab.measureEcho(sscene, sscene.mic, 'webrtc 0.3')));
      all.push(rename(lab.measureEcho(sscene, lab.runOurs(sscene).output, 'webrtc 0.3 + EchoCanceller')));
    }
  }
} finally {
  pulse?.stop();
}

const table = lab.roomTable(lab.summarizeByRoom(all));
const sceneTable = lab.sceneTable(all);
const diag = `| browser | scene | delay the browser saw, ms | reply as received: SNR dB / jumps | the mic's lag moved |\n| --- | --- | ---: | ---: | ---: |\n${details
  .map((d) => {
    const r = /** @type {{ delayMs: number, snrDb: number, jumps: number } | null} */ (d.reference);
    return `| ${d.browser} | ${d.scene} | ${r ? r.delayMs.toFixed(0) : '-'} | ${r ? `${r.snrDb.toFixed(1)} / ${r.jumps}` : '-'} | ${d.micMoves} |`;
  })
  .join('\n')}`;
console.log(`\n### Per room (worst case)\n\n${table}\n\n### Per scene\n\n${sceneTable}\n\n### The browser's reference\n\n${diag}`);
const minutes = (performance.now() - t0) / 60000;
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  join(ROOT, `bench/results/${RESULT}.json`),
  `${JSON.stringify({ name: RESULT, date: new Date().toISOString(), node: process.version, browsers: browsers.map((b) => b.name), minutes, bypass, details, figures: all }, lab.figuresReplacer)}\n`,
);
rmSync(tmp, { recursive: true, force: true });
console.log(`\necho-chromium bench: ${minutes.toFixed(1)} min; bench/results/${RESULT}.json written`);
