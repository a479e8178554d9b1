// (aec-drc10) Where a scene's single-talk figure comes from, second by second, for our builds and the peers
// side by side: the figure (test/helpers/echo-metrics.ts: E(echo) / E(output) summed over settled echo-only
// frames) is an energy ratio, so the loudest stretches of output rule it. Per second of the call: the settled
// echo-only frames there, the echo's and the output's energy (dB re the whole call's echo on such frames) and
// the figure with that second's output replaced by the mic's noise (what a canceller that removed all echo
// there would score); then the figure over the first N seconds of single talk and over the rest
// (`--split`, default 3). The peers (webrtc told the delay, speex at 500 ms) run through bench/echo-peers/peers.cpp
// built with g++ and pkg-config (`--peers webrtc,speex`; needs libspeexdsp-dev, libwebrtc-audio-processing-dev).
// Also the output's energy over the noise's on those frames (under 0 dB: the canceller removes noise as well,
// i.e. mutes) and the double talk over the user's first 15 s (the cold-start figure).
//   node bench/echo-lab/st-split.mjs --groups drc,drc24 --scenes 'cold-start 60ms 18dB drc compressor' [--peers webrtc] [build...]
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, outputOf, selectScenes } from './common.mjs';
import { peerRunner } from './peers.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenes: { type: 'string', default: 'cold-start 60ms 18dB drc compressor' },
    groups: { type: 'string', default: 'drc,drc24' },
    peers: { type: 'string', default: '' },
    split: { type: 'string', default: '3' },
    seconds: { type: 'boolean', default: false },
  },
});
const lab = await loadLab();
const builds = await loadBuilds(positionals);
const peers = o.peers ? o.peers.split(',') : [];
const peerHarness = peers.length ? peerRunner() : null;
const runPeer = (/** @type {string} */ peer, /** @type {import('./common.mjs').EchoScene} */ scene) =>
  /** @type {NonNullable<typeof peerHarness>} */ (peerHarness).run(peer, scene);

const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);
/** Per 10 ms frame: energies and the settled echo-only class, as test/helpers/echo-metrics.ts frames them. @param {import('./common.mjs').EchoScene} scene @param {Float32Array} out */
function frameSums(scene, out) {
  const size = scene.sampleRate / 100;
  const count = Math.floor(scene.mic.length / size);
  const cover = (/** @type {[number, number][]} */ list) => {
    const c = new Float64Array(count);
    for (const [a, b] of list)
      for (let f = Math.max(0, Math.floor(a / size)); f < Math.min(count, Math.ceil(b / size)); f++)
        c[f] += Math.min(b, (f + 1) * size) - Math.max(a, f * size);
    return c;
  };
  const nearCover = cover(scene.labels.near);
  const echoCover = cover(scene.labels.echo);
  const sum = (/** @type {Float32Array} */ x, /** @type {number} */ k) => {
    let s = 0;
    for (let i = k * size; i < (k + 1) * size; i++) s += x[i] ** 2;
    return s;
  };
  const start = Math.floor(scene.events.echoStart / size);
  const change = scene.events.pathChange === null ? null : Math.floor(scene.events.pathChange / size);
  const rows = [];
  for (let k = 0; k < count; k++) {
    const echo = sum(scene.echo, k);
    const near = sum(scene.near, k);
    const noise = sum(scene.noise, k);
    const echoOnly = (echoCover[k] > 0 || echo > noise) && !(nearCover[k] > 0 || near > noise);
    const settled = k >= start + 200 && (change === null || k < change || k >= change + 200);
    rows.push({ echo, noise, out: sum(out, k), st: echoOnly && settled });
  }
  return rows;
}

const split = Number(o.split);
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] };
for (const { params, scene } of selectScenes(lab, pick)) {
  const name = lab.sceneName(params);
  const startS = scene.events.echoStart / scene.sampleRate;
  const outputs = [
    ...builds.map((b) => ({ label: b.label, out: outputOf(lab, b.factory(), scene, 0) })),
    ...peers.map((p) => ({ label: p, out: runPeer(p, scene) })),
  ];
  console.log(`${name}: echo from ${startS.toFixed(2)} s, single talk counted from ${(startS + 2).toFixed(2)} s`);
  for (const { label, out } of outputs) {
    const f = lab.measureEcho(scene, out, label, 2);
    const rows = frameSums(scene, out);
    let e = 0;
    let y = 0;
    let z = 0;
    for (const r of rows.filter((r) => r.st)) {
      e += r.echo;
      y += r.out;
      z += r.noise;
    }
    const splitFrame = Math.floor((startS + 2 + split) * 100);
    const part = (/** @type {(k: number) => boolean} */ inside) => {
      let pe = 0;
      let py = 0;
      let pz = 0;
      let n = 0;
      rows.forEach((r, k) => {
        if (r.st && inside(k)) {
          pe += r.echo;
          py += r.out;
          pz += r.noise;
          n++;
        }
      });
      return { db: db(pe / py), share: py / y, out: py, noise: pz, n };
    };
    const early = part((k) => k < splitFrame);
    const late = part((k) => k >= splitFrame);
    const cs = f.coldStart ? ` cold DT ${(100 * f.coldStart.share).toFixed(1)}% never ${f.coldStart.neverPassed}` : '';
    console.log(
      `  ${label.padEnd(28)} ST ${f.singleTalk.reductionDb.toFixed(1)} dB (ceil ${f.singleTalk.ceilingDb.toFixed(1)}, mine ${db(e / y).toFixed(1)}) out/noise ${db(y / z).toFixed(1)} dB | first ${split} s: ${early.db.toFixed(1)} dB over ${early.n} frames, ${(100 * early.share).toFixed(0)}% of the output; the rest ${late.db.toFixed(1)} dB over ${late.n}, ${(100 * late.share).toFixed(0)}% | with the first ${split} s at the noise ${db(e / (y - early.out + early.noise)).toFixed(1)} | DT ${(100 * f.doubleTalk.cleanShare).toFixed(1)}% open ${f.doubleTalk.openingsMs.join('/')}${cs}`,
    );
    if (o.seconds) {
      const cells = [];
      for (let s = Math.floor(startS + 2); s * 100 < rows.length; s++) {
        let pe = 0;
        let py = 0;
        let pz = 0;
        let n = 0;
        for (let k = s * 100; k < Math.min(rows.length, (s + 1) * 100); k++) {
          if (!rows[k].st) continue;
          pe += rows[k].echo;
          py += rows[k].out;
          pz += rows[k].noise;
          n++;
        }
        if (n === 0) continue;
        // the figure with this second's output at the noise
        cells.push(`${s}s:${n}f ${db(pe / py).toFixed(0)}dB ${(100 * (py / y)).toFixed(0)}% ->${db(e / (y - py + pz)).toFixed(1)}`);
      }
      console.log(`    per second (frames, its reduction, its share of the output, the figure with it at the noise): ${cells.join('  ')}`);
    }
  }
}
