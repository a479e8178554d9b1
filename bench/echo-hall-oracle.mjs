// What a linear stage of the canceller's window plus a suppressor could do at best on the outside
// rooms (issue 13, docs/echo-canceller.md "A hall whose tail runs seconds past the filter"): the
// lab's figures (test/helpers/echo-metrics.ts, measureEcho) for outputs made from the scene's own
// parts, which no canceller has:
//   window   the mic minus the echo through the first WINDOW_MS of the room's response from the true
//            onset (a linear stage that converged perfectly and is placed right): what is left is the
//            tail past the window and the noise;
//   +oracle  that, then per STFT bin (10 ms hop, 20 ms sqrt-Hann) the Wiener gain from the true
//            powers of the user and of what is left (a suppressor that knows the user: a bound for any
//            suppressor at this resolution);
//   mic+oracle  the same gain on the mic with no linear stage;
//   +echo power xO  the user unknown, the echo's power per bin known (a perfect echo model in power):
//            the gain max(0, 1 - O |R|^2 / |Y|^2) after the window (mic+: on the mic);
//   +tail model xO  the same with |R|^2 predicted from the reference's power per bin through the
//            room's response past the window in 10 ms hops, plus the noise's mean power (a late
//            model in power that knows the room per bin and lag: a bound for any late model).
// Quality only. node bench/echo-hall-oracle.mjs [--scenes REGEXP] [--groups outside,outside24] [--window-ms 272] [--tail-overs 4,1]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { figuresLine, loadBuilds, outputOf } from './echo-lab/common.mjs';

const { values: o } = parseArgs({
  options: {
    scenes: { type: 'string', default: 'sox-large' },
    groups: { type: 'string', default: 'outside,outside24' },
    'window-ms': { type: 'string', default: '272' },
    build: { type: 'string' },
    'tail-overs': { type: 'string', default: '4,1' },
  },
});
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-hall-oracle-'));
/** @type {any} */
let lab;
try {
  lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-sources', 'echo-outside'], tmp);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const builds = o.build ? await loadBuilds([o.build]) : [];
const windowMs = Number(o['window-ms']);
const only = new RegExp(o.scenes);
/** @type {Record<string, () => any>} */
const groups = { outside: () => lab.outsideGroup(16000), outside24: () => lab.outsideGroup(24000) };

/** The room, the scene's delay and the end of the window from the true onset (samples). @param {any} scene */
function placedWindow(scene) {
  const rate = scene.sampleRate;
  const room = lab.loadRoom(scene.params.room, rate);
  const onset = Math.round(room.directA);
  const edge = Math.min(room.echoA.length, onset + Math.round((windowMs * rate) / 1000));
  const delay = Math.round((scene.params.delayMs / 1000) * rate);
  return { rate, room, edge, delay };
}

/** The echo through the room's response from the true onset over `windowMs` (what a placed, converged linear stage models). @param {any} scene */
function echoWithin(scene) {
  const { room, edge, delay } = placedWindow(scene);
  const head = new Float64Array(edge);
  head.set(room.echoA.subarray(0, edge));
  const n = scene.mic.length;
  const part = lab.convolve(scene.reference, head, n);
  const g = echoGain(scene);
  const y = new Float32Array(n);
  for (let t = delay; t < n; t++) y[t] = g * part[t - delay];
  return y;
}

/**
 * The tail's power per STFT frame and bin predicted from the reference's as a sum over the room's
 * response past the window cut in hops (|H_m(k)|^2 |X(k, t - m)|^2): a late model in power that
 * knows the room exactly, per bin and per lag. @param {any} scene @returns {(frame: number, k: number) => number}
 */
function tailModel(scene) {
  const { rate, room, edge: from, delay } = placedWindow(scene);
  const g = echoGain(scene);
  const hop = rate / 100;
  const win = 2 * hop;
  let size = 1;
  while (size < win) size *= 2;
  const bins = size / 2 + 1;
  const w = Float64Array.from({ length: win }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / win)));
  // |H_m(k)|^2 for hops of the tail from `from` (lag m hops past `from`).
  const chunks = [];
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let at = from; at < room.echoA.length; at += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < hop && at + i < room.echoA.length; i++) re[i] = g * room.echoA[at + i];
    lab.fft(re, im, false);
    chunks.push(Float64Array.from({ length: bins }, (_, k) => re[k] ** 2 + im[k] ** 2));
  }
  // |X(k, t)|^2 of the reference as played (delayed), on the oracle's frames.
  const n = scene.mic.length;
  const frames = [];
  for (let start = -hop; start < n; start += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < win; i++) {
      const t = start + i - delay;
      if (t >= 0 && t < scene.reference.length) re[i] = w[i] * scene.reference[t];
    }
    lab.fft(re, im, false);
    frames.push(Float64Array.from({ length: bins }, (_, k) => re[k] ** 2 + im[k] ** 2));
  }
  // The tail starts `from` samples after the played sample: lag in frames from - from/hop.
  const lag0 = Math.round(from / hop);
  const pred = frames.map(() => new Float64Array(bins));
  for (let f = 0; f < frames.length; f++) {
    for (let m = 0; m < chunks.length; m++) {
      const src = f - lag0 - m;
      if (src < 0) break;
      const x = frames[src];
      const h = chunks[m];
      const out = pred[f];
      for (let k = 0; k < bins; k++) out[k] += h[k] * x[k];
    }
  }
  const noise = scene.noise;
  return (frame, k) => {
    const kk = k < bins ? k : size - k;
    // The tail predicted plus the noise's power (known: a floor every suppressor tracks).
    return pred[frame][kk] + noiseFloor(noise, hop, win, size)[kk];
  };
}

/** The noise's mean power per bin on the oracle's frames (cached per array). */
const floors = new Map();
/** @param {Float32Array} noise @param {number} hop @param {number} win @param {number} size @returns {Float64Array} */
function noiseFloor(noise, hop, win, size) {
  const hit = floors.get(noise);
  if (hit) return hit;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const acc = new Float64Array(size);
  let count = 0;
  const w = Float64Array.from({ length: win }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / win)));
  for (let start = 0; start + win <= noise.length; start += 8 * hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < win; i++) re[i] = w[i] * noise[start + i];
    lab.fft(re, im, false);
    for (let k = 0; k < size; k++) acc[k] += re[k] ** 2 + im[k] ** 2;
    count++;
  }
  for (let k = 0; k < size; k++) acc[k] /= count;
  floors.set(noise, acc);
  return acc;
}

/** The scene's gain on its echo (the echo return loss): its echo over the whole response's. */
const gains = new Map();
/** @param {any} scene @returns {number} */
function echoGain(scene) {
  if (gains.has(scene)) return gains.get(scene);
  const { room, delay } = placedWindow(scene);
  const n = scene.mic.length;
  const whole = lab.convolve(scene.reference, room.echoA, n);
  let num = 0;
  let den = 0;
  for (let t = delay; t < n; t++) {
    num += scene.echo[t] * whole[t - delay];
    den += whole[t - delay] ** 2;
  }
  gains.set(scene, num / den);
  return num / den;
}

/** Per bin the Wiener gain from the true powers of `user` and `rest`, applied to user + rest. */
/**
 * @param {ArrayLike<number>} user @param {ArrayLike<number>} rest @param {number} rate @param {number} [over]
 * @param {((frame: number, k: number) => number) | null} [model]
 */
function oracleGain(user, rest, rate, over = 0, model = null) {
  const hop = rate / 100;
  const win = 2 * hop;
  let size = 1;
  while (size < win) size *= 2;
  const w = Float64Array.from({ length: win }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / win)));
  const n = user.length;
  const out = new Float64Array(n + win);
  const ur = new Float64Array(size);
  const ui = new Float64Array(size);
  const rr = new Float64Array(size);
  const ri = new Float64Array(size);
  for (let start = -hop, frame = 0; start < n; start += hop, frame++) {
    ur.fill(0);
    ui.fill(0);
    rr.fill(0);
    ri.fill(0);
    for (let i = 0; i < win; i++) {
      const t = start + i;
      if (t < 0 || t >= n) continue;
      ur[i] = w[i] * user[t];
      rr[i] = w[i] * rest[t];
    }
    lab.fft(ur, ui, false);
    lab.fft(rr, ri, false);
    for (let k = 0; k < size; k++) {
      const pu = ur[k] ** 2 + ui[k] ** 2;
      const pr = rr[k] ** 2 + ri[k] ** 2;
      // over 0: the Wiener gain (the user's power known); over > 0: the user's power unknown, the
      // echo's known per bin: the mic's power less `over` x the echo's (the gain a suppressor with a
      // perfect echo model in power would apply, its usual overestimate `over`).
      const py = (ur[k] + rr[k]) ** 2 + (ui[k] + ri[k]) ** 2;
      const pe = model ? model(frame, k) : pr;
      const g = over === 0 ? pu / (pu + pr + 1e-30) : Math.max(0, 1 - (over * pe) / (py + 1e-30));
      ur[k] = g * (ur[k] + rr[k]);
      ui[k] = g * (ui[k] + ri[k]);
    }
    lab.fft(ur, ui, true);
    for (let i = 0; i < win; i++) {
      const t = start + i;
      if (t >= 0 && t < n) out[t] += (w[i] * ur[i]) / size;
    }
  }
  return Float32Array.from(out.subarray(0, n));
}

for (const g of o.groups.split(',')) {
  for (const params of groups[g]().scenes) {
    const name = lab.sceneName(params);
    if (!only.test(name)) continue;
    const scene = lab.buildScene(params);
    const within = echoWithin(scene);
    const n = scene.mic.length;
    const win = Float32Array.from(scene.mic, (v, t) => v - within[t]);
    const restWin = Float32Array.from(win, (v, t) => v - scene.near[t]);
    const restMic = Float32Array.from(scene.mic, (v, t) => v - scene.near[t]);
    /** @type {Record<string, Float32Array>} */
    const outs = {
      window: win,
      '+oracle': oracleGain(scene.near, restWin, scene.sampleRate),
      'mic+oracle': oracleGain(scene.near, restMic, scene.sampleRate),
      '+echo power x1': oracleGain(scene.near, restWin, scene.sampleRate, 1),
      '+echo power x4': oracleGain(scene.near, restWin, scene.sampleRate, 4),
      'mic+echo power x4': oracleGain(scene.near, restMic, scene.sampleRate, 4),
    };
    const tail = tailModel(scene);
    for (const over of o['tail-overs'].split(',').map(Number)) outs[`+tail model x${over}`] = oracleGain(scene.near, restWin, scene.sampleRate, over, tail);
    if (builds[0]) outs.ours = outputOf(lab, builds[0].factory(), scene, 0);
    for (const [label, out] of Object.entries(outs)) {
      if (out.length !== n) throw new Error('length');
      console.log(`${name} [${label}]: ${figuresLine(lab, lab.measureEcho(scene, out, label, 1))}`);
    }
  }
}
