// Echo cancellers side by side on the echo lab's scenes (issue 13), in one run: every canceller of
// test/helpers/echo-cancellers.ts (EchoGate; the adaptive canceller once it is listed there), and
// Debian's speexdsp (MDF + preprocessor, at 500 ms, the span ours covers, and at its best length)
// and webrtc-audio-processing 0.3 (told the delay; and delay-agnostic + extended filter) through
// bench/echo-peers/peers.cpp, built here with g++ and pkg-config (bench only, never a runtime
// dependency). Per-room tables (worst case over a room's scenes) at 16 and 24 kHz, a 48 kHz check,
// speed as x realtime and the ratio to speex MDF at 500 ms, measured in this run.
//
//   npm run build && node bench/echo.bench.mjs
//   ECHO_BENCH_GRID=test (the quality test's grid), ECHO_BENCH_RATES=16000,24000,48000 (the default),
//   ECHO_BENCH_PEERS=0 (ours only: quick, and leaves the peers' reference alone)
//   ECHO_BENCH_GRID=outside: the outside rooms only (test/helpers/echo-outside.ts) at 16 kHz, ours
//   also at tailMs 500 and 1000; merges the peers' figures into the reference, writes
//   bench/results/echo-outside.json
//   ECHO_BENCH_GRID=device: the lab's device-rate group (deviceRateGroup: calls and -70 dBFS cold
//   starts at 6 and 18 dB, 12 scenes) and the outside rooms (30 scenes, their responses generated at
//   48 kHz) at 48 kHz in one run, no speex sweep (speex at 500 ms), no long tails, no speed, leaves
//   the peers' reference alone; writes bench/results/echo-device-<rates>.json (ECHO_BENCH_RATES=24000 also runs)
//   ECHO_BENCH_GRID=bluetooth: a Bluetooth speaker (aec-bt; test/helpers/echo-grid.ts bluetoothGroup: 280-420 ms,
//   codec noise, clock drift; 36 scenes a rate) at 16 and 24 kHz, ours with the defaults and with maxDelayMs 500,
//   speex at 500 and 800 ms, webrtc told the delay; per room and per scene, no speed, leaves the peers' reference
//   alone; writes bench/results/echo-bluetooth.json
//   ECHO_BENCH_GRID=bluetooth-sbc: the same scenes through BlueZ's real SBC codec instead of the model (aec-sbcpeers:
//   bluetoothGroup(rate, 'bench', 'sbc'), test/helpers/echo-codec.ts: SBC bitpool 53 at 280 ms, 32 at 350 ms, mSBC at
//   420 ms; needs sbcenc, sbcdec and sox on PATH), the same cancellers and tables as `bluetooth` (webrtc-da left out:
//   2-4 dB on the model); writes bench/results/echo-bluetooth-sbc-<rates>.json (one file a rate when run a rate a process)
//   ECHO_BENCH_GRID=bluetooth-lc3, bluetooth-aac: the same through LE Audio's LC3 (BAP 32_2 / 32_1 / 16_2; elc3, dlc3)
//   or A2DP's AAC (256 / 128 kbps at 44.1 kHz, 320 at 48; ffmpeg) (aec-codecs), the same tables; writes
//   bench/results/echo-bluetooth-lc3-<rates>.json, echo-bluetooth-aac-<rates>.json
//   ECHO_BENCH_GRID=drc: the device's loudness processing after the reference tap (aec-drc:
//   test/helpers/echo-drc.ts; drcGroup: the lab's three rooms, calls and -70 dBFS cold starts at 6,
//   18, 30 dB, with no processing and through each measured setting) at 16 and 24 kHz, tables per
//   room and setting; no speex sweep (speex at 500 ms), no long tails, no speed; writes
//   bench/results/echo-drc.json and the peers' per-scene figures to fixtures/echo-peers/figures-drc.json
//   (test/quality/echo-drc.test.ts compares against them), and leaves the peers' reference alone
//
// Writes bench/results/echo.json, and the peers' per-scene figures at 16 kHz to
// fixtures/echo-peers/figures-16000.json, the reference test/quality/echo-canceller.test.ts
// compares against (commit it after a run with the peers installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const OUTSIDE = process.env.ECHO_BENCH_GRID === 'outside';
const DEVICE = process.env.ECHO_BENCH_GRID === 'device';
/** The real codec on the Bluetooth scenes (test/helpers/echo-grid.ts BLUETOOTH_CODECS), or null. */
const REAL_CODEC = /** @type {'sbc' | 'lc3' | 'aac' | null} */ (/^bluetooth-(sbc|lc3|aac)$/.exec(process.env.ECHO_BENCH_GRID ?? '')?.[1] ?? null);
const BLUETOOTH_REAL = REAL_CODEC !== null;
const BLUETOOTH = process.env.ECHO_BENCH_GRID === 'bluetooth' || BLUETOOTH_REAL;
const DRC = process.env.ECHO_BENCH_GRID === 'drc';
const GRID = process.env.ECHO_BENCH_GRID === 'test' || OUTSIDE || DEVICE || BLUETOOTH || DRC ? 'test' : 'bench';
const RATES = process.env.ECHO_BENCH_RATES ?? (OUTSIDE ? '16000' : DEVICE ? '48000' : BLUETOOTH || DRC ? '16000,24000' : '16000,24000,48000');
const RESULTS = OUTSIDE
  ? 'echo-outside'
  : DEVICE
    ? `echo-device-${RATES.replaceAll(',', '-')}`
    : BLUETOOTH_REAL
      ? `echo-bluetooth-${REAL_CODEC}-${RATES.replaceAll(',', '-')}`
      : BLUETOOTH
        ? 'echo-bluetooth'
        : DRC
          ? 'echo-drc'
          : 'echo';
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-bench-'));

/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-report.js') & typeof import('../test/helpers/echo-grid.js')
 *   & typeof import('../test/helpers/echo-cancellers.js') & typeof import('../test/helpers/echo-outside.js')} Lab
 * @typedef {import('../test/helpers/echo-scenes.js').EchoScene} EchoScene
 * @typedef {import('../test/helpers/echo-metrics.js').EchoFigures} EchoFigures
 * @typedef {import('../test/helpers/echo-report.js').RoomSummary} RoomSummary
 * @typedef {[name: string, filterMs: number]} Peer
 */
/** @type {Lab} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-report', 'echo-grid', 'echo-cancellers', 'echo-outside'], tmp);

// ---- peers ----
const PEERS_BIN = join(tmp, 'peers');
function buildPeers() {
  const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'speexdsp', 'webrtc-audio-processing'], { encoding: 'utf8' });
  if (pc.status !== 0) {
    console.log('peers skipped: install them with `apt-get install -y g++ pkg-config libspeexdsp-dev libwebrtc-audio-processing-dev`');
    return false;
  }
  const flags = pc.stdout.trim().split(/\s+/);
  const cc = spawnSync('g++', ['-O2', '-std=c++14', '-o', PEERS_BIN, join(ROOT, 'bench/echo-peers/peers.cpp'), ...flags], { encoding: 'utf8' });
  if (cc.status !== 0) {
    console.log(`peers skipped: g++ failed:\n${cc.stderr}`);
    return false;
  }
  return true;
}
const havePeers = process.env.ECHO_BENCH_PEERS !== '0' && buildPeers();
const SPEEX_SWEEP_MS = [100, 200, 300, 500, 800];

/**
 * Output latency of each peer, samples (measured by correlation with the user on near-only frames:
 * speex's preprocessor delays by one 10 ms frame; webrtc 0.3's AEC by 112 samples at 16 kHz and
 * 199 at 24 kHz, where it resamples inside, 383 at 48 kHz). measureEcho checks it on
 * every scene and throws if it is off.
 */
/** @param {string} peer @param {number} rate @returns {number} */
function peerLatency(peer, rate) {
  if (peer.startsWith('speex')) return peer === 'speex-mdf' ? 0 : rate / 100;
  /** @type {Record<number, number>} */
  const webrtc = { 16000: 112, 24000: 199, 48000: 383 };
  const lat = webrtc[rate];
  if (lat === undefined) throw new Error(`webrtc latency at ${rate} Hz not measured`);
  return lat;
}

/** @param {string} peer @param {EchoScene} scene @param {number} filterMs */
function runPeer(peer, scene, filterMs) {
  const mic = join(tmp, 'mic.f32');
  const ref = join(tmp, 'ref.f32');
  const out = join(tmp, 'out.f32');
  writeFileSync(mic, scene.mic);
  writeFileSync(ref, scene.reference);
  const delay = String(Math.round(scene.meta.echoDelayMs));
  const line = execFileSync(
    PEERS_BIN,
    [peer.replace(/@.*/, ''), String(scene.sampleRate), mic, ref, out, '--filter-ms', String(filterMs), '--delay-ms', delay],
    { encoding: 'utf8' },
  );
  const b = readFileSync(out);
  const raw = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  const lat = peerLatency(peer.replace(/@.*/, ''), scene.sampleRate);
  const aligned = new Float32Array(scene.mic.length);
  for (let i = 0; i < aligned.length; i++) aligned[i] = raw[i + lat] ?? 0;
  return { output: aligned, processSeconds: JSON.parse(line).processSeconds };
}

// ---- runs ----
/** @type {Map<string, { name: string, rate: number, audioSeconds: number, processSeconds: number }>} */
const speed = new Map();
/** @param {string} name @param {number} rate @param {number} audioSeconds @param {number} processSeconds */
function addSpeed(name, rate, audioSeconds, processSeconds) {
  const key = `${name}@${rate}`;
  const s = speed.get(key) ?? { name, rate, audioSeconds: 0, processSeconds: 0 };
  s.audioSeconds += audioSeconds;
  s.processSeconds += processSeconds;
  speed.set(key, s);
}

const ours = [
  ...lab.CANCELLERS_UNDER_TEST.filter((c) => c.role !== 'pass-through' && !(DRC && c.role === 'gate')),
  ...(OUTSIDE ? lab.LONG_TAILS.map((factory) => ({ factory, role: 'candidate' })) : []),
  ...(BLUETOOTH ? [{ factory: lab.echoCancellerWith({ maxDelayMs: 500 }, 'EchoCanceller maxDelay 500'), role: 'candidate' }] : []),
];

/** Every canceller on one scene: figures by name. @param {EchoScene} scene @param {Peer[]} peers */
function runScene(scene, peers) {
  const figures = [];
  for (const { factory } of ours) {
    const c = factory(scene.sampleRate);
    const { output } = lab.runCancellerTimed(c, scene);
    c.free?.();
    figures.push(lab.measureEcho(scene, output, c.name));
  }
  // speex's DC notch and preprocessor move the user's correlation peak by 2 samples at 16 kHz in the outside rooms'
  // reverberant user path (4 at 48 kHz, within the same 0.125 ms), webrtc's by 2 samples in the 48 kHz hall: the
  // tolerance is the same time at every rate (speex 2, webrtc 1 sample per 16 kHz)
  const perRate = scene.sampleRate / 16000;
  for (const [name, filterMs] of peers)
    figures.push(lab.measureEcho(scene, runPeer(name, scene, filterMs).output, name, Math.round((name.startsWith('speex') ? 2 : 1) * perRate)));
  return figures;
}

/**
 * Speed, interleaved so that the load of a shared machine falls on every canceller alike: on 8
 * calls (one per room and delay), each canceller and peer in turn, twice; speex MDF alone at
 * 500 ms is the baseline (the span ours covers).
 * @param {number} rate @param {Peer[]} peers
 */
function measureSpeed(rate, peers) {
  const scenes = (OUTSIDE ? lab.outsideGroup(rate).scenes.filter((p) => p.script === 'call') : callsOf(GRID, rate))
    .filter((p) => p.erlDb === 18 || p.erlDb === 12)
    .slice(0, 8)
    .map((p) => lab.buildScene(p));
  /** @type {Array<[string, (scene: EchoScene) => number]>} */
  const runners = [];
  for (const { factory } of ours) {
    const c = factory(rate);
    c.free?.();
    runners.push([c.name, (scene) => lab.runCancellerTimed(factory(scene.sampleRate), scene).processSeconds]);
  }
  /** @type {Peer[]} */
  const timedPeers = peers.length ? [...peers, ['speex-mdf', 500]] : [];
  for (const [name, ms] of timedPeers) runners.push([name, (scene) => runPeer(name, scene, ms).processSeconds]);
  for (let round = 0; round < 2; round++) {
    for (const scene of scenes) for (const [name, run] of runners) addSpeed(name, rate, scene.mic.length / rate, run(scene));
  }
}

/** @param {'test' | 'bench'} grid @param {number} rate */
function callsOf(grid, rate) {
  const calls = lab.echoGrid(grid, rate).find((g) => g.name === 'call');
  if (!calls) throw new Error('no call group');
  return calls.scenes;
}

/** @typedef {{ filterMs: number, medianReductionDb: number, medianLeakShare: number, medianCleanShare: number, xRealtime: number }} SweepRow */
/** @typedef {{ name: string, rate: number, audioSeconds: number, processSeconds: number, xRealtime: number, ratioToSpeexMdf500: number | null }} SpeedRow */
/**
 * @type {{ name: string, date: string, node: string, cpu: string | undefined, grid: string, peers: boolean,
 *   rates: Record<number, { scenes: number, rooms: RoomSummary[] }>, speexSweep?: SweepRow[], speed?: SpeedRow[], markdown?: string, minutes?: number }}
 */
const results = { name: 'echo', date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, grid: GRID, peers: havePeers, rates: {} };
const t0 = performance.now();

// speex's best filter length, on the main rooms' calls at 16 kHz (median single-talk reduction).
let speexBestMs = 500;
if (havePeers && !OUTSIDE && !DEVICE && !BLUETOOTH && !DRC) {
  const calls = callsOf(GRID, 16000);
  /** @type {SweepRow[]} */
  const sweep = [];
  for (const ms of SPEEX_SWEEP_MS) {
    const fs = [];
    let audio = 0;
    let spent = 0;
    for (const p of calls) {
      const scene = lab.buildScene(p);
      const r = runPeer('speex', scene, ms);
      audio += scene.mic.length / scene.sampleRate;
      spent += r.processSeconds;
      fs.push(lab.measureEcho(scene, r.output, `speex ${ms} ms`));
    }
    /** @param {number[]} xs */
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
    sweep.push({
      filterMs: ms,
      medianReductionDb: med(fs.map((f) => f.singleTalk.reductionDb)),
      medianLeakShare: med(fs.map((f) => f.singleTalk.leakShare)),
      medianCleanShare: med(fs.map((f) => f.doubleTalk.cleanShare)),
      xRealtime: audio / spent,
    });
  }
  speexBestMs = sweep.reduce((b, r) => (r.medianReductionDb > b.medianReductionDb ? r : b)).filterMs;
  results.speexSweep = sweep;
  console.log(
    `speex filter length sweep (16 kHz calls, medians): best ${speexBestMs} ms\n| filter ms | single talk dB | leaks | double talk clean | x realtime |\n| ---: | ---: | ---: | ---: | ---: |\n${sweep
      .map(
        (r) =>
          `| ${r.filterMs} | ${r.medianReductionDb.toFixed(1)} | ${(100 * r.medianLeakShare).toFixed(1)}% | ${(100 * r.medianCleanShare).toFixed(1)}% | ${r.xRealtime.toFixed(0)} |`,
      )
      .join('\n')}`,
  );
}
/** @type {Peer[]} */
const PEERS = havePeers
  ? [
      ['speex', 500],
      ...(speexBestMs !== 500 ? [/** @type {Peer} */ ([`speex@${speexBestMs}ms`, speexBestMs])] : []),
      ...(BLUETOOTH ? [/** @type {Peer} */ (['speex@800ms', 800])] : []),
      ['webrtc', 0],
      ...(BLUETOOTH_REAL ? [] : [/** @type {Peer} */ (['webrtc-da', 0])]),
    ]
  : [];

const markdown = [];
/** The drc grid's peers' figures per scene (both rates), for fixtures/echo-peers/figures-drc.json. @type {Record<string, { fingerprint: number[], figures: EchoFigures[] }>} */
const drcReference = {};
/** A drc scene's figures with the setting in the room's name ('laptop/compressor'), so the tables are per room and setting. @param {EchoFigures} f */
const bySetting = (f) => {
  const setting = / drc (\S+)/.exec(f.scene)?.[1] ?? 'none';
  const [room, ...rest] = f.scene.split(' ');
  return { ...f, scene: [`${room}/${setting}`, ...rest].join(' ') };
};
for (const rate of RATES.split(',').map(Number)) {
  const groups = OUTSIDE
    ? [lab.outsideGroup(rate)]
    : DEVICE
      ? [lab.deviceRateGroup(rate), lab.outsideGroup(rate)]
      : BLUETOOTH
        ? [lab.bluetoothGroup(rate, 'bench', REAL_CODEC ?? 'model')]
        : DRC
          ? [lab.drcGroup(rate, [null, ...lab.DRC_MEASURED])]
          : rate === 48000
            ? [{ name: 'call', scenes: callsOf('test', rate).filter((p) => p.delayMs === 120 && p.erlDb === 18) }]
            : lab.echoGrid(GRID, rate);
  /** @type {EchoFigures[]} */
  const all = [];
  /** @type {{ command: string, date: string, sampleRate: number, scenes: Record<string, { fingerprint: number[], figures: EchoFigures[] }> }} */
  const reference = { command: 'npm run build && node bench/echo.bench.mjs', date: results.date, sampleRate: rate, scenes: {} };
  for (const group of groups) {
    for (const p of group.scenes) {
      const scene = lab.buildScene(p);
      const fs = runScene(scene, PEERS);
      if (DEVICE || DRC || BLUETOOTH_REAL) console.error(`${scene.name}: ${((performance.now() - t0) / 60000).toFixed(1)} min`);
      all.push(...(DRC ? fs.map(bySetting) : fs));
      reference.scenes[scene.name] = { fingerprint: lab.sceneFingerprint(scene), figures: fs.filter((f) => PEERS.some(([n]) => n === f.canceller)) };
    }
  }
  if (DRC) Object.assign(drcReference, reference.scenes);
  if (rate !== 48000 && !DEVICE && !BLUETOOTH && !DRC) measureSpeed(rate, PEERS);
  const rooms = lab.summarizeByRoom(all);
  results.rates[rate] = { scenes: all.length / (ours.length + PEERS.length), rooms };
  const table = `### ${rate / 1000} kHz, per room (worst case over ${all.length / (ours.length + PEERS.length)} scenes)\n\n${lab.roomTable(rooms)}`;
  console.log(`\n${table}`);
  markdown.push(table);
  if (PEERS.length) {
    // issue 13's comparison (test/quality/echo-canceller.test.ts): ours against the better peer per metric, floored at the issue's bounds
    const peerNames = new Set(PEERS.map(([n]) => n));
    for (const name of ['EchoCanceller', ...(BLUETOOTH ? ['EchoCanceller maxDelay 500'] : [])]) {
      const short = lab.shortfallsAgainstPeers(
        rooms.filter((r) => r.canceller === name),
        rooms.filter((r) => peerNames.has(r.canceller)),
      );
      const text = `shortfalls of ${name} against the better peer at ${rate / 1000} kHz (issue 13's rule): ${short.length ? `\n${short.join('\n')}` : 'none'}`;
      console.log(`\n${text}`);
      markdown.push(text);
    }
  }
  if (BLUETOOTH) {
    const table = `### ${rate / 1000} kHz, per scene\n\n${lab.sceneTable(all)}`;
    console.log(`\n${table}`);
    markdown.push(table);
  }
  if (rate === 16000 && havePeers && !DEVICE && !BLUETOOTH && !DRC) {
    mkdirSync(join(ROOT, 'fixtures/echo-peers'), { recursive: true });
    const file = join(ROOT, 'fixtures/echo-peers/figures-16000.json');
    // the outside rooms add their scenes to the reference the whole grid made (and the whole grid keeps them)
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8'), lab.figuresReviver) : { scenes: {} };
    const keep = Object.entries(old.scenes).filter(([name]) => (OUTSIDE ? !(name in reference.scenes) : lab.isOutsideRoom(name.split(' ')[0])));
    reference.scenes = { ...reference.scenes, ...Object.fromEntries(keep) };
    writeFileSync(file, `${JSON.stringify(reference, lab.figuresReplacer)}\n`);
  }
}

if (DRC && havePeers) {
  const file = join(ROOT, 'fixtures/echo-peers/figures-drc.json');
  const reference = { command: 'npm run build && ECHO_BENCH_GRID=drc node bench/echo.bench.mjs', date: results.date, scenes: drcReference };
  writeFileSync(file, `${JSON.stringify(reference, lab.figuresReplacer)}\n`);
}

const xRealtime = (/** @type {{ audioSeconds: number, processSeconds: number }} */ s) => s.audioSeconds / s.processSeconds;
/** @type {SpeedRow[]} */
const speeds = [...speed.values()].map((s) => {
  const base = speed.get(`speex-mdf@${s.rate}`);
  return { ...s, xRealtime: xRealtime(s), ratioToSpeexMdf500: base ? xRealtime(s) / xRealtime(base) : null };
});
results.speed = speeds;
const speedTable = `### Speed (this run, interleaved; x realtime over 8 calls twice, one core)\n\n| canceller | rate | audio s | x realtime | vs speex MDF 500 ms |\n| --- | ---: | ---: | ---: | ---: |\n${speeds
  .map(
    (s) =>
      `| ${s.name} | ${s.rate} | ${s.audioSeconds.toFixed(0)} | ${s.xRealtime.toFixed(0)} | ${s.ratioToSpeexMdf500 === null ? '-' : `${s.ratioToSpeexMdf500.toFixed(2)}x`} |`,
  )
  .join('\n')}`;
console.log(`\n${speedTable}`);
markdown.push(speedTable);
results.markdown = markdown.join('\n\n');
const minutes = (performance.now() - t0) / 60000;
results.minutes = minutes;
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/${RESULTS}.json`), `${JSON.stringify(results)}\n`);
rmSync(tmp, { recursive: true, force: true });
console.log(`\necho bench: ${minutes.toFixed(1)} min; bench/results/${RESULTS}.json written`);
