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
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { figuresLine, loadBuilds, loadLab, selectScenes } from './common.mjs';
import { peerRunner } from './peers.mjs';

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
const peerHarness = peers.length ? peerRunner() : null;
const runPeer = (/** @type {string} */ peer, /** @type {import('./common.mjs').EchoScene} */ scene) =>
  /** @type {NonNullable<typeof peerHarness>} */ (peerHarness).run(peer, scene);

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
peerHarness?.close();
