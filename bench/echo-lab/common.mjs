// What the echo lab's subcommands (bench/echo-lab.mjs) share: the lab's helpers bundled once, the
// builds under test (dist dirs, or the hooked build made in a temp dir), the scene selection
// (groups, a regexp over names, shifted copies) and the one-line figures of a scene.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from '../echo-lab-bundle.mjs';
import { changeCalls } from './changes.mjs';
import { importHooked } from './hooked-build.mjs';
import { switchCalls } from './switch.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * @typedef {typeof import('../../test/helpers/echo-scenes.js') & typeof import('../../test/helpers/echo-metrics.js')
 *   & typeof import('../../test/helpers/echo-grid.js') & typeof import('../../test/helpers/echo-drift.js')
 *   & typeof import('../../test/helpers/echo-moving.js')} Lab
 * @typedef {import('../../test/helpers/echo-scenes.js').EchoScene} EchoScene
 * @typedef {import('../../test/helpers/echo-scenes.js').SceneParams} SceneParams
 * @typedef {import('../../test/helpers/echo-metrics.js').EchoFigures} EchoFigures
 * @typedef {import('../../test/helpers/echo-metrics.js').CancellerFactory} CancellerFactory
 * @typedef {{ label: string, lib: any, factory: (options?: object) => CancellerFactory }} Build
 */

/** The lab's helpers (test/helpers/*.ts), bundled for Node into a temp dir. @returns {Promise<Lab>} */
export async function loadLab() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-lab-'));
  try {
    return await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-drift', 'echo-moving'], tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The lab's FFT (test/helpers/echo-sources.ts `fft`: in place, radix-2, inverse unscaled). @returns {Promise<(re: Float64Array, im: Float64Array, inverse: boolean) => void>} */
export async function loadLabFft() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-fft-'));
  try {
    return (await importLabHelpers(['echo-sources'], tmp)).fft;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The builds named on the command line: dist dirs (default ./dist), or `hooked` for a build with the
 * bench hooks (assembly/bench-hooks.ts) made in a temp dir. Each build's factory drives its
 * EchoCanceller (with `options`) as the lab does: 10 ms callbacks, the reference pushed first.
 * @param {string[]} dirs @returns {Promise<Build[]>}
 */
export async function loadBuilds(dirs) {
  // (aec-open11) ECHO_LAB_OPTIONS='{"tailMs":500}': EchoCanceller options for every build's every run
  const labOptions = process.env.ECHO_LAB_OPTIONS ? JSON.parse(process.env.ECHO_LAB_OPTIONS) : {};
  const list = dirs.length ? dirs : [join(ROOT, 'dist')];
  return Promise.all(
    list.map(async (dir) => {
      const lib = dir === 'hooked' ? await importHooked() : await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
      /** @param {object} [options] @returns {CancellerFactory} */
      const factory =
        (options = {}) =>
        (sampleRate) =>
          cancellerAdapter(lib, sampleRate, { ...labOptions, ...options }, dir, true);
      return { label: dir, lib, factory };
    }),
  );
}

/**
 * One EchoCanceller of `lib` driven as the lab drives it (10 ms callbacks, the reference pushed
 * first), as a CancellerFactory's product; `onBlock(canceller, seconds)` runs after each callback,
 * `free` says whether the adapter frees the canceller (false: the caller reads it after the scene).
 * @param {any} lib @param {number} sampleRate @param {object} options @param {string} name @param {boolean} free
 * @param {(canceller: any, seconds: number) => void} [onBlock]
 */
export function cancellerAdapter(lib, sampleRate, options, name, free, onBlock) {
  const c = new lib.EchoCanceller({ sampleRate, ...options });
  // (aec-drc8) ECHO_VETO=MASK with a hooked build: the path-change oracle's mask (assembly/bench-hooks.ts ab_veto)
  if (process.env.ECHO_VETO && c.k?.aec_veto_set) c.k.aec_veto_set(Number(process.env.ECHO_VETO));
  return adaptCanceller(c, name, free, onBlock);
}

/** cancellerAdapter for a canceller already made (e.g. with a bench trace set on it). @param {any} c @param {string} name @param {boolean} free @param {(canceller: any, seconds: number) => void} [onBlock] */
export function adaptCanceller(c, name, free, onBlock) {
  const sampleRate = c.sampleRate;
  let samples = 0;
  return {
    canceller: c, // for the bench hooks (trace)
    name,
    sampleRate,
    latencySamples: c.latencySamples,
    blockSamples: sampleRate / 100,
    process(/** @type {Float32Array} */ reference, /** @type {Float32Array} */ mic, /** @type {Float32Array} */ output) {
      c.pushReference(reference);
      c.processInto(mic, output);
      samples += mic.length;
      if (onBlock) onBlock(c, samples / sampleRate);
    },
    free() {
      if (free) c.free();
    },
  };
}

/** The lab's shifted scenes (test/quality/echo-canceller.test.ts: block alignment) and their shifts. */
const LAB_SHIFTS = [13, 31, 64];
const labShifted = (/** @type {string} */ name) => / (16|24)k (call 120ms|cold-start 60ms) 6dB$/.test(name);

/**
 * The first scene of `groups` (default the quiet groups) whose name matches `only`, for the per-block
 * trace scripts, with the options bench/echo-quiet.mjs runs it with (`maxDelayMs` 500 for its scenes
 * past 250 ms). Throws when none matches.
 * @param {Lab} lab @param {RegExp} only @param {string | undefined} groupOption comma-separated
 * @returns {{ params: SceneParams, scene: EchoScene, groups: string[], options: { maxDelayMs?: number } }}
 */
export function traceScene(lab, only, groupOption) {
  const groups = (groupOption ?? 'quiet,quiet24,quiet48').split(',');
  const picked = [...selectScenes(lab, { only, groups, shifts: [0] })];
  if (picked.length === 0) throw new Error(`no scene matches ${only}`);
  const { params, scene } = picked[0];
  const options = params.delayMs > 250 && groups.some((g) => g.startsWith('quiet')) ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {};
  return { params, scene, groups, options };
}

/**
 * The scenes selected, in the lab's order, each built once: `groups` from 16k (the lab's grid), 24k
 * (session rate), 48k (device rate), outside, outside24, outside48 (the outside rooms at 16, 24 and 48 kHz,
 * each from its responses generated at that rate), outside24r (at 24 kHz from the 16 kHz responses), quiet,
 * quiet24, quiet48 (bench/echo-quiet.mjs's scenes), bt, bt24 (a Bluetooth speaker, aec-bt), btsbc, btsbc24 (the same
 * through the real SBC / mSBC codecs, aec-sbc), btsbc51, btsbc51_24 (the sink at 48 kHz, SBC bitpool 51), btlc3, btlc3_24,
 * btaac, btaac24 (through LE Audio's LC3 and A2DP's AAC, aec-codecs), changes, changes24
 * (bench/echo-lab/changes.mjs's calls with a path change, 16 / 24 kHz 12 dB), switch, switch24 (bench/echo-lab/switch.mjs: the output device switched mid-call). With
 * `shifts`, every scene whose name matches `only`, shifted by each (0: as is); without, the scenes
 * whose name matches and the lab's shifted copies whose `<name> +<n>` does.
 * @param {Lab} lab @param {{ only: RegExp, groups: string[], shifts?: number[] }} pick
 * @returns {Generator<{ params: SceneParams, scene: EchoScene, shifts: number[] }>}
 */
export function* selectScenes(lab, { only, groups, shifts }) {
  /** @type {Record<string, () => { scenes: SceneParams[] }[]>} */
  const all = {
    '16k': () => lab.echoGrid('test', 16000),
    '24k': () => [lab.sessionRateGroup(24000)],
    '48k': () => [lab.deviceRateGroup(48000)],
    outside: () => [lab.outsideGroup(16000)],
    outside24: () => [lab.outsideGroup(24000)], // the outside rooms at the session rate, their responses generated at 24 kHz (aec-outside24)
    outside24r: () => [lab.outsideGroup(24000, 16000)], // the same with the 16 kHz responses resampled, as outside24 was before aec-outside24
    outside48: () => [lab.outsideGroup(48000)], // the outside rooms at the device rate, their responses generated at 48 kHz
    changes: () => [{ scenes: changeCalls([16000], [12]) }], // bench/echo-lab/changes.mjs's calls at 16 kHz 12 dB
    changes24: () => [{ scenes: changeCalls([24000], [12]) }], // the same at 24 kHz 12 dB (aec-dtpath3)
    // the output device switched mid-call (switch21: bench/echo-lab/switch.mjs; jumps of +100..+300 / -100..-200 ms, the echo gone 10 s), 16 / 24 kHz 12 dB
    switch: () => [{ scenes: switchCalls([16000], [12]) }],
    switch24: () => [{ scenes: switchCalls([24000], [12]) }],
    // the quiet group (bench/echo-quiet.mjs) at 16, 24 and 48 kHz; its 320 / 400 ms scenes need ECHO_LAB_OPTIONS='{"maxDelayMs":500}'
    quiet: () => [lab.quietGroup(16000)],
    quiet24: () => [lab.quietGroup(24000)],
    quiet48: () => [lab.quietGroup(48000)],
    // a Bluetooth speaker (aec-bt: 280-420 ms, codec noise, drift) at 16 and 24 kHz; over the default maxDelayMs (250)
    bt: () => [lab.bluetoothGroup(16000)],
    bt24: () => [lab.bluetoothGroup(24000)],
    // the same scenes through the real codecs (aec-sbc: test/helpers/echo-codec.ts, BlueZ's sbcenc / sbcdec and sox on PATH, else an error)
    btsbc: () => [lab.bluetoothGroup(16000, 'bench', 'sbc')],
    btsbc24: () => [lab.bluetoothGroup(24000, 'bench', 'sbc')],
    // the same with the sink at 48 kHz, SBC bitpool 51 for the 280 and 350 ms scenes, mSBC for the 420 ms (aec-sbcpeers)
    btsbc51: () => [lab.bluetoothGroup(16000, 'bench', 'sbc48')],
    btsbc51_24: () => [lab.bluetoothGroup(24000, 'bench', 'sbc48')],
    // the same through LE Audio's LC3 (BAP 32_2, 32_1, 16_2; liblc3's elc3 / dlc3) and A2DP's AAC (256 / 128 kbps 44.1 kHz,
    // 320 kbps 48 kHz; ffmpeg's encoder), their algorithmic delay played (aec-codecs: test/helpers/echo-codec.ts)
    btlc3: () => [lab.bluetoothGroup(16000, 'bench', 'lc3')],
    btlc3_24: () => [lab.bluetoothGroup(24000, 'bench', 'lc3')],
    btaac: () => [lab.bluetoothGroup(16000, 'bench', 'aac')],
    btaac24: () => [lab.bluetoothGroup(24000, 'bench', 'aac')],
    // the device's loudness processing after the reference tap (aec-drc: test/helpers/echo-drc.ts), at 16 and 24 kHz
    drc: () => [lab.drcGroup(16000)],
    drc24: () => [lab.drcGroup(24000)],
    // echo paths that move all the time (aec-moving17: test/helpers/echo-moving.ts), at 16 and 24 kHz
    moving: () => [lab.movingGroup(16000)],
    moving24: () => [lab.movingGroup(24000)],
  };
  for (const g of groups) {
    if (!all[g]) throw new Error(`unknown group ${g} (${Object.keys(all).join(', ')})`);
  }
  for (const params of groups.flatMap((g) => all[g]?.() ?? []).flatMap((g) => g.scenes)) {
    const name = lab.sceneName(params);
    let list;
    if (shifts) list = only.test(name) ? shifts : [];
    else list = [...(only.test(name) ? [0] : []), ...(labShifted(name) ? LAB_SHIFTS.filter((n) => only.test(`${name} +${n}`)) : [])];
    if (list.length) yield { params, scene: lab.buildScene(params), shifts: list };
  }
}

/** `x` with `shift` zeros in front. @param {Float32Array} x @param {number} shift */
export function pad(x, shift) {
  const y = new Float32Array(x.length + shift);
  y.set(x, shift);
  return y;
}

/**
 * A fresh canceller of `lib` on `scene` shifted by `shift` samples, fed 10 ms blocks by the per-block trace scripts
 * (place-trace, coherence-trace, far-trace, rearm-moves): `step(b)` pushes block b's reference and mic through it and
 * returns the block's time (s, the scene's own); `levels(b)` that block's true echo, user and output (dB, mean power);
 * `blocks` how many whole blocks the shifted mic holds.
 * @param {any} lib @param {EchoScene} scene @param {number} shift
 */
export function blockCall(lib, scene, shift) {
  const rate = scene.sampleRate;
  const block = rate / 100;
  const mic = pad(scene.mic, shift);
  const ref = pad(scene.reference, shift);
  const aec = new lib.EchoCanceller({ sampleRate: rate });
  const out = new Float32Array(block);
  /** @param {number} b */
  const step = (b) => {
    aec.pushReference(ref.subarray(b * block, (b + 1) * block));
    aec.processInto(mic.subarray(b * block, (b + 1) * block), out);
    return (b * block - shift) / rate;
  };
  /** @param {number} b */
  const levels = (b) => {
    let e = 0;
    let u = 0;
    let o = 0;
    for (let i = 0; i < block; i++) {
      const j = b * block - shift + i;
      e += (scene.echo[j] ?? 0) ** 2;
      u += (scene.near[j] ?? 0) ** 2;
      o += (out[i] ?? 0) ** 2;
    }
    return `echo ${dbText(e / block)} user ${dbText(u / block)} out ${dbText(o / block)}`;
  };
  const blockMs = (1000 * aec.blockSamples) / rate;
  return { rate, block, blocks: Math.floor(mic.length / block), aec, k: aec.k, s: aec.state, blockMs, out, step, levels };
}

/** A power as dB, one decimal, padded to 6 (the trace scripts' columns). @param {number} x */
export const dbText = (x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);

/**
 * The single-scene trace scripts' arguments `<group> <scene regexp> <shift> <from s> <to s> [every blocks, 5]`: the
 * lab, the hooked build (ECHO_HOOKED or built), the first scene matching, and its blockCall.
 * @param {string[]} argv
 */
export async function traceCall(argv) {
  const [group, name, shiftArg, fromArg, toArg, everyArg] = argv;
  const shift = Number(shiftArg);
  const lab = await loadLab();
  const lib = await importHooked();
  const first = selectScenes(lab, { only: new RegExp(name ?? '.'), groups: [group ?? 'quiet'], shifts: [shift] }).next().value;
  if (!first) throw new Error(`no scene matches ${name}`);
  console.log(lab.sceneName(first.params), `+${shift}`);
  return { lab, lib, scene: first.scene, shift, from: Number(fromArg), to: Number(toArg), every: Number(everyArg ?? 5), ...blockCall(lib, first.scene, shift) };
}

/** The canceller's output on `scene` shifted by `shift` samples (cut back to the scene's time). @param {Lab} lab @param {CancellerFactory} factory @param {EchoScene} scene @param {number} shift */
export function outputOf(lab, factory, scene, shift) {
  const c = factory(scene.sampleRate);
  const out = lab.runCanceller(c, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) }).slice(shift);
  c.free?.();
  return out;
}

const pct = (/** @type {number} */ x) => (100 * x).toFixed(1);

/**
 * A convergence verdict (test/helpers/echo-metrics.ts ConvergenceVerdict) where it is not the plain
 * 20 dB one: ' [ceiling 14 dB: 1420 ms missed]', ' [none -1 dB]' (the first second's loudest window over the noise).
 * @param {import('../../test/helpers/echo-metrics.js').ConvergenceVerdict | null | undefined} v
 */
export function verdictNote(v) {
  if (!v || v.judged === '20dB') return '';
  const best = Number.isFinite(v.bestEchoOverNoiseDb) ? v.bestEchoOverNoiseDb.toFixed(0) : '-';
  return v.judged === 'none' ? ` [none ${best} dB]` : ` [ceiling ${best} dB: ${v.ms ?? 'never'} ms ${v.met ? 'met' : 'missed'}]`;
}

/** A scene's figures on one line: single talk, double talk, openings, convergence, cold start, the issue-13 shortfalls. @param {Lab} lab @param {EchoFigures} f */
export function figuresLine(lab, f) {
  const st = f.singleTalk;
  const dt = f.doubleTalk;
  const dirty = Math.round(dt.frames * (1 - dt.cleanShare));
  const never = dt.neverPassed ? ` never ${dt.neverPassed}` : '';
  const cold = f.coldStart ? ` cold ${pct(f.coldStart.share)}%` : '';
  const conv = `conv ${f.convergence.coldStartMs ?? 'never'}${f.convergence.pathChanged ? `/${f.convergence.pathChangeMs ?? 'never'}` : ''} ms${verdictNote(f.convergence.cold)}${verdictNote(f.convergence.change)}`;
  const fails = lab.issue13Failures(f);
  return `ST ${st.reductionDb.toFixed(1)} dB (ceil ${st.ceilingDb.toFixed(1)}) leaks ${pct(st.leakShare)}% | DT ${pct(dt.cleanShare)}% (${dirty}/${dt.frames} dirty) open ${dt.openingsMs.join('/')} med ${dt.openingMedianMs}${never} | ${conv}${cold} | segSNR ${f.userSegSnrDb?.toFixed(1)}${fails.length ? ` | FAILS ${fails.join('; ')}` : ''}`;
}
