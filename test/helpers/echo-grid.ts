// The scene grids of the echo lab: the quality test's (16 kHz, modest) and the benchmark's (larger,
// 16 and 24 kHz). Each group names what it measures; test/quality/echo-canceller.test.ts and
// bench/echo.bench.mjs both build their scenes from here, so they judge the same calls.
import { OUTSIDE_ROOMS } from './echo-outside.js';
import { HELD_OUT_ROOMS, MAIN_ROOMS } from './echo-sources.js';
import type { DrcName } from './echo-drc.js';
import { type BtCodec, codecMissing } from './echo-codec.js';
import { MOVING_PATHS } from './echo-moving.js';
import { USERS_HELD_OUT, type SceneParams } from './echo-scenes.js';

export type GroupName =
  | 'call'
  | 'cold-start'
  | 'path-change'
  | 'nonlinear'
  | 'held-out'
  | 'session-rate'
  | 'device-rate'
  | 'outside'
  | 'quiet'
  | 'bluetooth'
  | 'bluetooth-sbc'
  | 'bluetooth-sbc48'
  | 'bluetooth-lc3'
  | 'bluetooth-aac'
  | 'drc'
  | 'moving';

export interface SceneGroup {
  name: GroupName;
  what: string;
  scenes: SceneParams[];
}

/** Path changes at 8 s: the laptop moved; an underrun (+40 ms); moved and playout jumped back 30 ms. */
const PATH_CHANGES = [
  { atS: 8, move: true, shiftMs: 0 },
  { atS: 8, move: false, shiftMs: 40 },
  { atS: 8, move: true, shiftMs: -30 },
];

/** A scene's seed from what identifies it (not from its place in a loop), so the test grid's scenes are also the bench's. */
function seedOf(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const c of parts.join('/')) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % 100_000;
}

export function echoGrid(size: 'test' | 'bench', sampleRate: number): SceneGroup[] {
  const big = size === 'bench';
  const delays = big ? [0, 60, 120, 250] : [0, 120, 250];
  const erls = big ? [6, 12, 18, 24, 30] : [6, 18, 30];
  // Scenes that differ only in level (echo return loss, noise) share a seed: the same speech, so
  // the level is the only variable (and the room convolution is computed once).
  const call: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const delayMs of delays)
      for (const erlDb of erls) call.push({ room, sampleRate, delayMs, erlDb, script: 'call', seed: seedOf(room, delayMs, 'call') });
  }
  const cold: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const noiseDb of [-70, -60]) {
      for (const erlDb of erls) cold.push({ room, sampleRate, delayMs: 60, erlDb, script: 'cold-start', noiseDb, seed: seedOf(room, 'cold') });
    }
  }
  const change: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const pathChange of PATH_CHANGES)
      change.push({ room, sampleRate, delayMs: 120, erlDb: 12, script: 'single-talk', pathChange, seed: seedOf(room, 'change') });
  }
  const nonlinear: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const erlDb of big ? [6, 18] : [6])
      nonlinear.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', nonlinear: true, seed: seedOf(room, 'clip') });
  }
  const held: SceneParams[] = [];
  const heldOut = { assistant: 'assistant-heldout', users: USERS_HELD_OUT };
  for (const room of HELD_OUT_ROOMS) {
    for (const delayMs of [0, 250]) {
      for (const erlDb of [6, 30]) held.push({ room, sampleRate, delayMs, erlDb, script: 'call', ...heldOut, seed: seedOf(room, delayMs, 'held') });
    }
  }
  if (big) {
    for (const room of HELD_OUT_ROOMS)
      held.push({ room, sampleRate, delayMs: 60, erlDb: 18, script: 'cold-start', ...heldOut, noiseDb: -60, seed: seedOf(room, 'held-cold') });
  }
  return [
    { name: 'call', what: 'a reply with the user talking over it 4 times and once after it: single talk, double talk, openings', scenes: call },
    { name: 'cold-start', what: 'the user talking over the first reply 0.8 s into the call, then every 2.4 s (mic noise -70 and -60 dBFS)', scenes: cold },
    { name: 'path-change', what: 'single talk with a path change at 8 s (moved; +40 ms underrun; moved and -30 ms)', scenes: change },
    { name: 'nonlinear', what: 'loudspeaker soft clipping, 3% THD at the peak', scenes: nonlinear },
    { name: 'held-out', what: 'car, phone on a table, conference room; a held-out reply and users (never tuned on)', scenes: held },
  ];
}

/** A few of the test grid's calls and cold starts at the session rate (24 kHz), where ours runs in the pipeline. */
export function sessionRateGroup(sampleRate = 24000): SceneGroup {
  const scenes: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const erlDb of [6, 30]) scenes.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', seed: seedOf(room, 120, 'call') });
    scenes.push({ room, sampleRate, delayMs: 60, erlDb: 30, script: 'cold-start', noiseDb: -60, seed: seedOf(room, 'cold') });
  }
  return { name: 'session-rate', what: `calls at 6 and 30 dB and the -60 dBFS cold start at 30 dB, at ${sampleRate / 1000} kHz`, scenes };
}

/**
 * The calls (120 ms) and the -70 dBFS cold starts at 6 and 18 dB at a device rate (48 kHz: the
 * canceller's blocks are 512 samples, 10.7 ms, not 8 ms), the same speech as the test grid's.
 */
export function deviceRateGroup(sampleRate = 48000): SceneGroup {
  const scenes: SceneParams[] = [];
  for (const room of MAIN_ROOMS) {
    for (const erlDb of [6, 18]) scenes.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', seed: seedOf(room, 120, 'call') });
    for (const erlDb of [6, 18]) scenes.push({ room, sampleRate, delayMs: 60, erlDb, script: 'cold-start', noiseDb: -70, seed: seedOf(room, 'cold') });
  }
  return { name: 'device-rate', what: `calls and -70 dBFS cold starts at 6 and 18 dB, at ${sampleRate / 1000} kHz`, scenes };
}

/**
 * The outside rooms (./echo-outside: sox's freeverb small, medium and a hall, measured seminar and
 * living rooms), held out like the held-out rooms (their reply and users): calls at 120 ms and cold starts
 * (the user over the first reply 0.8 s in) at 60 ms, at 6, 18 and 30 dB echo return loss. Their
 * responses as generated at `sampleRate` (16, 24, 48 kHz), or with `responseFromRate` those generated
 * at that rate, resampled (the lab's `outside24r`: 24 kHz from 16 kHz, as before aec-outside24).
 */
export function outsideGroup(sampleRate = 16000, responseFromRate?: number): SceneGroup {
  const heldOut = { assistant: 'assistant-heldout', users: USERS_HELD_OUT, ...(responseFromRate === undefined ? {} : { responseFromRate }) };
  const scenes: SceneParams[] = [];
  for (const room of OUTSIDE_ROOMS) {
    for (const erlDb of [6, 18, 30]) scenes.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', ...heldOut, seed: seedOf(room, 'outside') });
    for (const erlDb of [6, 18, 30])
      scenes.push({ room, sampleRate, delayMs: 60, erlDb, script: 'cold-start', ...heldOut, seed: seedOf(room, 'outside-cold') });
  }
  return {
    name: 'outside',
    what: 'rooms the lab did not build (sox freeverb small / medium / RT60 4.7 s hall, measured seminar and living rooms): calls and cold starts at 6, 18, 30 dB',
    scenes,
  };
}

/** The quiet group's scenes run with a longer `maxDelayMs` than the default 250 ms where their extra delay needs it (bench and test). */
export const QUIET_MAX_DELAY_MS = 500;

/**
 * Conditions the lab did not construct (aec-quiet): the lab's rooms with the user talking over the
 * first reply 0.8 s in (the cold-start script) where the echo is very quiet, 36 and 42 dB echo return
 * loss (headphone leakage, or what the browser's own canceller leaves: 30-45 dB), at mic noise -70
 * and -60 dBFS; long extra delays (250, 320 and 400 ms, at 6, 18, 30 and 36 dB; over 250 ms run with
 * maxDelayMs QUIET_MAX_DELAY_MS); and a first reply that opens with 0.5 s of soft speech (20 dB
 * under the rest), at 18, 30 and 36 dB and at 250 ms. The same speech as the lab's cold starts
 * (their seed). `size` 'test': a few at 16 kHz for the quality test; 'bench': all.
 */
export function quietGroup(sampleRate = 16000, size: 'test' | 'bench' = 'bench'): SceneGroup {
  const scenes: SceneParams[] = [];
  const soft = { seconds: 0.5, db: -20 };
  for (const room of MAIN_ROOMS) {
    const seed = seedOf(room, 'cold');
    const cold = { room, sampleRate, script: 'cold-start' as const, seed };
    if (size === 'test') {
      // where the late model's early rule fires at 16 kHz (bench/echo-quiet.mjs), and the desk's quietest echo over its mic noise
      if (room === 'kiosk') scenes.push({ ...cold, delayMs: 60, erlDb: 42, noiseDb: -60 }, { ...cold, delayMs: 60, erlDb: 30, noiseDb: -70, softStart: soft });
      if (room === 'laptop') scenes.push({ ...cold, delayMs: 400, erlDb: 36, noiseDb: -70 });
      if (room === 'desk') scenes.push({ ...cold, delayMs: 60, erlDb: 42, noiseDb: -70 }, { ...cold, delayMs: 60, erlDb: 36, noiseDb: -70, softStart: soft });
      continue;
    }
    for (const noiseDb of [-70, -60]) for (const erlDb of [36, 42]) scenes.push({ ...cold, delayMs: 60, erlDb, noiseDb });
    for (const delayMs of [250, 320, 400]) for (const erlDb of [6, 18, 30, 36]) scenes.push({ ...cold, delayMs, erlDb, noiseDb: -70 });
    for (const erlDb of [18, 30, 36]) scenes.push({ ...cold, delayMs: 60, erlDb, noiseDb: -70, softStart: soft });
    scenes.push({ ...cold, delayMs: 250, erlDb: 30, noiseDb: -70, softStart: soft });
  }
  return {
    name: 'quiet',
    what: 'cold starts the lab did not build: 36 / 42 dB echo return loss, extra delays of 250-400 ms, a first reply opening with 0.5 s of soft speech (-20 dB)',
    scenes,
  };
}

/** The Bluetooth scenes' delays and playouts (./echo-bt): earbuds on AAC, a speaker on SBC, a car's hands-free on mSBC. */
export const BLUETOOTH_PROFILES: { delayMs: number; what: string; driftPpm: number; codecSnrDb: number; lowpassHz: number }[] = [
  { delayMs: 280, what: 'earbuds (AAC)', driftPpm: 20, codecSnrDb: 30, lowpassHz: 20000 },
  { delayMs: 350, what: 'a speaker (SBC, bitpool 35)', driftPpm: 50, codecSnrDb: 25, lowpassHz: 11000 },
  { delayMs: 420, what: "a car's hands-free (mSBC)", driftPpm: 100, codecSnrDb: 20, lowpassHz: 7000 },
];

/** The real codecs bluetoothGroup can put on the path (./echo-codec), each with its codec per profile of BLUETOOTH_PROFILES (280, 350, 420 ms). */
export type BluetoothCodecs = 'sbc' | 'sbc48' | 'lc3' | 'aac';

/**
 * The real codec per profile (280, 350, 420 ms) and the group's name and description. 'sbc' (aec-sbc):
 * SBC bitpool 53 for the earbuds' 280 ms, SBC bitpool 32 (a congested link) for the speaker's 350 ms,
 * mSBC for the car's 420 ms. 'sbc48' (aec-sbcpeers): the sink at 48 kHz, A2DP's high quality there
 * (bitpool 51) for both the 280 and the 350 ms, mSBC for the 420 ms. 'lc3' (aec-codecs): LE Audio,
 * BAP 32_2 (32 kHz, 10 ms, 64 kbps) at 280 ms, 32_1 (7.5 ms frames) at 350 ms, 16_2 (16 kHz, 32 kbps: a
 * headset's bidirectional mode) at 420 ms. 'aac' (aec-codecs): A2DP AAC-LC at 256 kbps 44.1 kHz (an
 * iPhone) at 280 ms, 128 kbps at 350 ms, 320 kbps 48 kHz (PipeWire's default) at 420 ms.
 */
export const BLUETOOTH_CODECS: Record<BluetoothCodecs, { codecs: [BtCodec, BtCodec, BtCodec]; name: GroupName; what: string }> = {
  sbc: { codecs: ['sbc53', 'sbc32', 'msbc'], name: 'bluetooth-sbc', what: 'the real codec (SBC bitpool 53 / 32, mSBC)' },
  sbc48: { codecs: ['sbc51', 'sbc51', 'msbc'], name: 'bluetooth-sbc48', what: 'the real codec at 48 kHz (SBC bitpool 51, mSBC)' },
  lc3: { codecs: ['lc3_32_2', 'lc3_32_1', 'lc3_16_2'], name: 'bluetooth-lc3', what: "LE Audio's LC3 (BAP 32_2, 32_1, 16_2)" },
  aac: { codecs: ['aac256', 'aac128', 'aac320_48'], name: 'bluetooth-aac', what: "A2DP's AAC (ffmpeg's encoder: 256 / 128 kbps at 44.1 kHz, 320 kbps at 48)" },
};

/**
 * A Bluetooth speaker (aec-bt; ./echo-bt): the lab's rooms with 280-420 ms from the reference to the
 * speaker (over the default `maxDelayMs`, 250), the codec's lowpass and coding noise 20-30 dB under
 * the signal, the speaker's clock 20-100 ppm off the mic's (its sign alternating by room), at 6 and
 * 18 dB echo return loss; calls and cold starts (the user over the first reply 0.8 s in), the same
 * speech as the lab's (their seeds). `size` 'test': the quality test's few; 'bench': all (36). `codec`
 * other than 'model': the same scenes through the real codecs (./echo-codec; needs their tools and sox),
 * one per profile as BLUETOOTH_CODECS says.
 */
export function bluetoothGroup(sampleRate = 16000, size: 'test' | 'bench' = 'bench', codec: 'model' | BluetoothCodecs = 'model'): SceneGroup {
  const real = codec === 'model' ? null : BLUETOOTH_CODECS[codec];
  if (real) {
    const missing = codecMissing(real.codecs);
    if (missing) throw new Error(missing);
  }
  const scenes: SceneParams[] = [];
  MAIN_ROOMS.forEach((room, r) => {
    BLUETOOTH_PROFILES.forEach(({ delayMs, driftPpm, codecSnrDb, lowpassHz }, p) => {
      const bluetooth = { driftPpm: r % 2 === 0 ? driftPpm : -driftPpm, codecSnrDb, lowpassHz, ...(real ? { codec: real.codecs[p]! } : {}) };
      for (const erlDb of [6, 18]) {
        const call = { room, sampleRate, delayMs, erlDb, script: 'call' as const, bluetooth, seed: seedOf(room, 120, 'call') };
        const cold = { room, sampleRate, delayMs, erlDb, script: 'cold-start' as const, bluetooth, noiseDb: -70, seed: seedOf(room, 'cold') };
        if (size === 'bench' || (erlDb === 6 && delayMs === 350)) scenes.push(call, cold);
      }
    });
  });
  return {
    name: real ? real.name : 'bluetooth',
    what: `a Bluetooth speaker${real ? ` through ${real.what}` : ''}: 280-420 ms of delay, ${real ? '' : 'codec lowpass and noise (20-30 dB), '}clock drift 20-100 ppm; calls and cold starts at 6 and 18 dB`,
    scenes,
  };
}

/** The device's loudness processing settings the drc group measures (./echo-drc). */
export const DRC_MEASURED: DrcName[] = ['loudness', 'compressor', 'limiter', 'two-band'];

/**
 * The device's own loudness processing after the reference tap (aec-drc, ./echo-drc): the lab's
 * three rooms, calls at 120 ms and cold starts (the user over the first reply 0.8 s in, mic noise
 * -70 dBFS) at 60 ms, at 6, 18 and 30 dB echo return loss, through each of `settings` (`null`: none,
 * the same scene as the lab's own, for comparison). The same speech as the test grid's scenes.
 */
export function drcGroup(sampleRate = 16000, settings: (DrcName | null)[] = DRC_MEASURED): SceneGroup {
  const scenes: SceneParams[] = [];
  for (const drc of settings) {
    const processing = drc === null ? {} : { drc };
    for (const room of MAIN_ROOMS) {
      for (const erlDb of [6, 18, 30]) scenes.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', ...processing, seed: seedOf(room, 120, 'call') });
      for (const erlDb of [6, 18, 30])
        scenes.push({ room, sampleRate, delayMs: 60, erlDb, script: 'cold-start', noiseDb: -70, ...processing, seed: seedOf(room, 'cold') });
    }
  }
  return {
    name: 'drc',
    what: `the device's loudness processing after the reference tap (${settings.map((s) => s ?? 'none').join(', ')}): calls and cold starts at 6, 18, 30 dB, at ${sampleRate / 1000} kHz`,
    scenes,
  };
}

/** The echo return losses of the moving group, cycled over its paths so that each room meets 6 to 30 dB. */
const MOVING_ERLS_DB = [6, 12, 18, 30];

/**
 * Echo paths that move all the time (aec-moving17, ./echo-moving): per main room its three paths
 * (the device along a trajectory, or a body near it), each in a call at 120 ms (the user over the
 * reply four times, then alone) at two echo return losses of 6-30 dB, at `sampleRate`: 18 scenes.
 */
export function movingGroup(sampleRate = 16000): SceneGroup {
  const scenes: SceneParams[] = [];
  let k = 0;
  for (const room of ['laptop', 'desk', 'kiosk'] as const) {
    for (const moving of MOVING_PATHS[room]) {
      for (let i = 0; i < 2; i++) {
        const erlDb = MOVING_ERLS_DB[k++ % MOVING_ERLS_DB.length]!;
        scenes.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', moving, seed: seedOf(room, 'moving', moving.name, erlDb) });
      }
    }
  }
  return {
    name: 'moving',
    what: `echo paths that move all the time (the device along a trajectory, a body near it): calls at 6-30 dB, at ${sampleRate / 1000} kHz`,
    scenes,
  };
}
