// (aec-moving17) Our builds beside the peers on chosen scenes, in one run: each scene's figures line
// (bench/echo-lab/common.mjs figuresLine: single talk, leaks, double talk, openings, convergence, the
// issue-13 shortfalls) for every build and for speexdsp (MDF + preprocessor at 500 ms, the span ours
// covers) and webrtc-audio-processing 0.3 (told the delay), run through bench/echo-peers/peers.cpp
// built with g++ and pkg-config (needs libspeexdsp-dev, libwebrtc-audio-processing-dev), then per
// group a summary: scenes meeting every bound, worst and median single talk, worst leaks and double
// talk, median and worst opening, worst convergence. Quality only (no timing).
//   node bench/echo-lab/peers-side.mjs --groups moving,moving24 [--scenes REGEXP] [--peers speex,webrtc] [build...]
//   --save-peers FILE: the peers' figures per scene with the scene's fingerprint, the reference a quality test
//   compares against (fixtures/echo-peers/figures-moving.json: --groups moving --save-peers ... with no build)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { figuresLine, loadBuilds, loadLab, ROOT, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenes: { type: 'string', default: '.' },
    groups: { type: 'string', default: 'moving,moving24' },
    peers: { type: 'string', default: 'speex,webrtc' },
    'save-peers': { type: 'string' },
  },
});
const lab = await loadLab();
const builds = positionals.length || !o['save-peers'] ? await loadBuilds(positionals) : [];
const peers = o.peers ? o.peers.split(',') : [];
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-peers-side-'));
const PEERS_BIN = join(tmp, 'peers');
if (peers.length) {
  const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'speexdsp', 'webrtc-audio-processing'], { encoding: 'utf8' });
  if (pc.status !== 0) throw new Error('peers need libspeexdsp-dev and libwebrtc-audio-processing-dev');
  execFileSync('g++', ['-O2', '-std=c++14', '-o', PEERS_BIN, join(ROOT, 'bench/echo-peers/peers.cpp'), ...pc.stdout.trim().split(/\s+/)]);
}

/** The peers' output latency, samples (bench/echo.bench.mjs peerLatency). @param {string} peer @param {number} rate */
function peerLatency(peer, rate) {
  /** @type {Record<number, number>} */
  const webrtc = { 16000: 112, 24000: 199, 48000: 383 };
  const lat = peer === 'speex' ? rate / 100 : webrtc[rate];
  if (lat === undefined) throw new Error(`webrtc latency at ${rate} Hz not measured`);
  return lat;
}

/** A peer's output on `scene`, aligned to the mic. @param {string} peer @param {import('./common.mjs').EchoScene} scene */
function runPeer(peer, scene) {
  const [mic, ref, out] = ['mic', 'ref', 'out'].map((n) => join(tmp, `${n}.f32`));
  writeFileSync(mic, scene.mic);
  writeFileSync(ref, scene.reference);
  const filterMs = peer === 'speex' ? 500 : 250;
  const delayMs = String(Math.round(scene.meta.echoDelayMs));
  execFileSync(PEERS_BIN, [peer, String(scene.sampleRate), mic, ref, out, '--filter-ms', String(filterMs), '--delay-ms', delayMs]);
  const b = readFileSync(out);
  const raw = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const lat = peerLatency(peer, scene.sampleRate);
  const aligned = new Float32Array(scene.mic.length);
  for (let i = 0; i < aligned.length; i++) aligned[i] = raw[i + lat] ?? 0;
  return aligned;
}

/** @typedef {import('./common.mjs').EchoFigures} EchoFigures */
/** @type {Map<string, Map<string, EchoFigures[]>>} group -> canceller -> figures */
const all = new Map();
/** @type {Record<string, { fingerprint: number[], figures: EchoFigures[] }>} the peers' figures per scene (--save-peers) */
const reference = {};
const names = [...builds.map((b) => b.label), ...peers];
for (const group of o.groups.split(',')) {
  const byName = new Map(names.map((n) => [n, /** @type {EchoFigures[]} */ ([])]));
  all.set(group, byName);
  for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: [group], shifts: [0] })) {
    console.log(scene.name);
    for (const build of builds) {
      const f = lab.evaluate(build.factory(), scene);
      byName.get(build.label)?.push(f);
      console.log(`  ${build.label}: ${figuresLine(lab, f)}`);
    }
    reference[scene.name] = { fingerprint: lab.sceneFingerprint(scene), figures: [] };
    for (const peer of peers) {
      // speex's DC notch moves the user's correlation peak by up to 2 samples per 16 kHz (bench/echo.bench.mjs)
      const tolerance = Math.round((peer === 'speex' ? 2 : 1) * (scene.sampleRate / 16000));
      const f = lab.measureEcho(scene, runPeer(peer, scene), peer, tolerance);
      byName.get(peer)?.push(f);
      reference[scene.name]?.figures.push(f);
      console.log(`  ${peer}: ${figuresLine(lab, f)}`);
    }
  }
}

const median = (/** @type {number[]} */ x) => {
  const s = [...x].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : Number.NaN;
};
console.log(
  '\ngroup | canceller | all bounds met | ST worst / median dB (bound: min(40, ceiling - 3)) | leaks worst % | DT worst / median % | opening median of medians / worst ms | never | conv worst ms',
);
for (const [group, byName] of all) {
  for (const [name, list] of byName) {
    if (!list.length) continue;
    const met = list.filter((f) => lab.issue13Failures(f).length === 0).length;
    const st = list.map((f) => f.singleTalk.reductionDb);
    const leaks = Math.max(...list.map((f) => f.singleTalk.leakShare));
    const dt = list.map((f) => f.doubleTalk.cleanShare);
    const opens = list.map((f) => f.doubleTalk.openingMedianMs ?? Number.NaN);
    const worstOpen = Math.max(...list.flatMap((f) => f.doubleTalk.openingsMs.filter(Number.isFinite)));
    const never = list.reduce((s, f) => s + (f.doubleTalk.neverPassed ?? 0), 0);
    const conv = Math.max(...list.map((f) => f.convergence.coldStartMs ?? Number.POSITIVE_INFINITY));
    console.log(
      `${group} | ${name} | ${met} of ${list.length} | ${Math.min(...st).toFixed(1)} / ${median(st).toFixed(1)} | ${(100 * leaks).toFixed(1)} | ${(100 * Math.min(...dt)).toFixed(1)} / ${(100 * median(dt)).toFixed(1)} | ${median(opens).toFixed(0)} / ${worstOpen} | ${never} | ${conv}`,
    );
  }
}
if (o['save-peers']) {
  const command = `node bench/echo-lab/peers-side.mjs --groups ${o.groups} --save-peers ${o['save-peers']}`;
  // (test/helpers/echo-report.ts figuresReplacer: three decimals, no alignment, Infinity as a string)
  const replacer = (/** @type {string} */ key, /** @type {unknown} */ v) => {
    if (key === 'alignment') return undefined;
    if (typeof v !== 'number' || Number.isInteger(v)) return v;
    return Number.isFinite(v) ? Number(v.toFixed(3)) : String(v);
  };
  writeFileSync(o['save-peers'], `${JSON.stringify({ command, date: new Date().toISOString(), scenes: reference }, replacer)}\n`);
}
rmSync(tmp, { recursive: true, force: true });
