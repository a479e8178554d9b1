// Shared pieces of the labelled-fixture scripts (fixtures-speech.mjs, fixtures-vad-noise.mjs):
// PCM16 WAV io, the speech sources (espeak-ng, the Asterisk prompts, sox noise) with the commands
// that made them, the energy-trim labelling rule, and placing utterances on a track. Labels are
// exact by construction: each utterance sits at a known sample, and its speech intervals come from
// an energy trim of the clean source computed here (never by the VAD under test).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from './wav.mjs';

export const ASTERISK = '/usr/share/asterisk/sounds/en';
const FRAME_MS = 10;

/**
 * A source clip: its samples, where it came from and the commands that made it.
 * @typedef {{ samples: Float64Array, source: string, commands: string[] }} Utterance
 */
/** One placement on a track: at seconds from its start, or `{ after }` seconds after the previous clip. @typedef {{ at: number | { after: number }, levelDb: number, utterance: Utterance }} Placement */
/** A sample interval [start, end). @typedef {[number, number]} Interval */
/** A fixture manifest. @typedef {{ files: Array<Record<string, unknown>>, [key: string]: unknown }} Manifest */
/** Where a script writes and records. @typedef {{ root: string, manifest: Manifest, rate: number, made?: string }} Place */
/** speechTrack's arguments after the place. @typedef {[name: string, dir: string, seconds: number, placements: Placement[], extraLabels?: Record<string, unknown> | ((intervals: Interval[]) => Record<string, unknown>)]} SpeechTrackArgs */
/** writeNoise's arguments after the place and path. @typedef {[samples: Float64Array, source: string, commands: string[], rmsDb?: number]} NoiseArgs */

/** @param {number} e energy */
export const db = (e) => 10 * Math.log10(e + 1e-20);

/**
 * PCM16 (first channel) as float64 / 32768, with its rate.
 * @param {string} path
 */
export function readWav(path) {
  const b = readFileSync(path);
  let p = 12;
  let rate = 0;
  let channels = 1;
  while (p + 8 <= b.length) {
    const id = b.toString('ascii', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(p + 10);
      rate = b.readUInt32LE(p + 12);
    } else if (id === 'data') {
      const n = Math.floor(Math.min(size, b.length - p - 8) / 2 / channels);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(p + 8 + i * 2 * channels) / 32768;
      return { rate, samples: out };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`no data chunk in ${path}`);
}

export { writeWav };

/**
 * What writeWav stores, read back: labels and levels then describe the quantized file exactly.
 * @param {Float64Array} samples
 */
export function quantized(samples) {
  return samples.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
}

/**
 * Sources at `rate`, made with scratch files in `tmp`; each returns its samples and the commands
 * that made it, recorded with stable paths ($TMP for scratch files, fixtures/ for outputs under `root`).
 * @param {string} tmp
 * @param {string} root
 * @param {number} rate
 */
export function sources(tmp, root, rate) {
  let count = 0;
  /**
   * @param {string} cmd
   * @param {string[]} args
   */
  function run(cmd, args) {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const shown = args.map((a) => a.replace(tmp, '$TMP').replace(root, 'fixtures/'));
    return `${cmd} ${shown.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  }
  return {
    run,
    /**
     * espeak-ng -> 22.05 kHz wav -> sox to `rate`.
     * @param {string} voice
     * @param {number} wordsPerMinute
     * @param {string} text
     * @returns {Utterance}
     */
    espeak(voice, wordsPerMinute, text) {
      const raw = join(tmp, `e${count++}.wav`);
      const out = join(tmp, `e${count++}.wav`);
      const c1 = run('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', raw, text]);
      const c2 = run('sox', ['-D', '-R', raw, '-r', String(rate), '-b', '16', '-c', '1', out]);
      return { samples: readWav(out).samples, source: `espeak-ng ${voice} ${wordsPerMinute} wpm: "${text}"`, commands: [c1, c2] };
    },
    /**
     * An Asterisk prompt (8 kHz recorded speech) -> sox to `rate`.
     * @param {string} name
     * @returns {Utterance}
     */
    asterisk(name) {
      const out = join(tmp, `a${count++}.wav`);
      const c = run('sox', ['-D', '-R', `${ASTERISK}/${name}.wav`, '-r', String(rate), '-b', '16', '-c', '1', out]);
      return { samples: readWav(out).samples, source: `Asterisk core sounds en/${name}.wav (Digium, CC BY-SA 3.0)`, commands: [c] };
    },
    /**
     * sox synth noise (repeatable seed, -R); `effects` are extra sox effects after the synth.
     * @param {string} kind
     * @param {number} seconds
     * @param {string[]} [effects]
     */
    soxNoise(kind, seconds, effects = []) {
      const out = join(tmp, `n${count++}.wav`);
      const c = run('sox', ['-D', '-R', '-n', '-r', String(rate), '-b', '16', '-c', '1', out, 'synth', String(seconds), kind, 'vol', '0.5', ...effects]);
      return { samples: readWav(out).samples, commands: [c] };
    },
  };
}

/**
 * Speech intervals of a clean source: 10 ms frames whose energy is within 40 dB of the loudest
 * frame (and above -60 dBFS), gaps shorter than 150 ms closed, islands shorter than 30 ms dropped,
 * each end refined to the first/last sample whose magnitude reaches the threshold amplitude.
 * @param {ArrayLike<number>} x
 * @param {number} rate
 * @returns {Interval[]}
 */
export function speechIntervals(x, rate) {
  const frame = (rate * FRAME_MS) / 1000;
  const frames = Math.floor(x.length / frame);
  const e = new Float64Array(frames);
  let peak = -Infinity;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = 0; i < frame; i++) s += x[f * frame + i] ** 2;
    e[f] = db(s / frame);
    peak = Math.max(peak, e[f]);
  }
  const thresholdDb = Math.max(peak - 40, -60);
  const amp = 10 ** (thresholdDb / 20);
  /** @type {Interval[]} */
  const runs = [];
  for (let f = 0; f < frames; f++) {
    if (e[f] < thresholdDb) continue;
    const last = runs[runs.length - 1];
    if (last && f - last[1] < 15) last[1] = f + 1;
    else runs.push([f, f + 1]);
  }
  return runs
    .filter(([a, b]) => b - a >= 3)
    .map(([a, b]) => {
      let s = a * frame;
      while (s < b * frame - 1 && Math.abs(x[s]) < amp) s++;
      let t = b * frame - 1;
      while (t > s && Math.abs(x[t]) < amp) t--;
      return /** @type {Interval} */ ([s, t + 1]);
    });
}

/**
 * Active RMS level over the intervals, dBFS.
 * @param {ArrayLike<number>} x
 * @param {Interval[]} intervals
 */
export function activeRmsDb(x, intervals) {
  let s = 0;
  let n = 0;
  for (const [a, b] of intervals) {
    for (let i = a; i < b; i++) s += x[i] ** 2;
    n += Math.max(0, b - a);
  }
  return db(s / n);
}

export const LABEL_RULE =
  'energy trim of each clean source: 10 ms frames within 40 dB of its loudest frame (>= -60 dBFS), gaps < 150 ms closed, runs < 30 ms dropped, ends refined to the first/last sample at the threshold amplitude; offset by the placement sample';

/**
 * Places utterances on a silent track of `seconds`, each scaled to an active RMS level, writes
 * `dir/name.wav` and `dir/name.labels.json` under `root` (plus `extraLabels`, an object or a function
 * of the speech intervals giving one), and records it in `manifest`. `at` is seconds from the track start, or { after } seconds after the previous source.
 * @param {Place} place
 * @param {string} name
 * @param {string} dir
 * @param {number} seconds
 * @param {Placement[]} placements
 * @param {Record<string, unknown> | ((intervals: Interval[]) => Record<string, unknown>)} [extraLabels]
 */
export function speechTrack({ root, manifest, rate, made }, name, dir, seconds, placements, extraLabels = {}) {
  const track = new Float64Array(Math.round(seconds * rate));
  /** @type {Array<{ offset: number, length: number, local: Interval[], utterance: Utterance, levelDb: number, gain: number }>} */
  const parts = [];
  for (const { at, levelDb, utterance } of placements) {
    const x = utterance.samples;
    const local = speechIntervals(x, rate);
    const gain = 10 ** ((levelDb - activeRmsDb(x, local)) / 20);
    const prior = parts[parts.length - 1];
    const offset = typeof at === 'number' ? Math.round(at * rate) : prior.offset + prior.length + Math.round(at.after * rate);
    if (offset + x.length > track.length) throw new Error(`${name}: utterance at ${at}s overruns the track`);
    if (prior && prior.offset + prior.length > offset) throw new Error(`${name}: utterance at ${at}s overlaps the one before`);
    for (let i = 0; i < x.length; i++) track[offset + i] += x[i] * gain;
    parts.push({ offset, length: x.length, local, utterance, levelDb, gain });
  }
  const q = quantized(track);
  /** @type {Interval[]} */
  const intervals = [];
  for (const p of parts) for (const [a, b] of p.local) intervals.push([p.offset + a, p.offset + b]);
  intervals.sort((a, b) => a[0] - b[0]);
  const path = `${dir}/${name}.wav`;
  writeWav(join(root, path), q, rate);
  const labels = {
    sampleRate: rate,
    samples: q.length,
    speechIntervals: intervals,
    activeRmsDb: Number(activeRmsDb(q, intervals).toFixed(3)),
    rule: LABEL_RULE,
    ...(typeof extraLabels === 'function' ? extraLabels(intervals) : extraLabels),
  };
  writeFileSync(join(root, `${dir}/${name}.labels.json`), `${JSON.stringify(labels, null, 1)}\n`);
  manifest.files.push({
    path,
    labels: `${dir}/${name}.labels.json`,
    seconds,
    provenance: parts.map((p) => ({
      source: p.utterance.source,
      placedAtSample: p.offset,
      activeRmsDb: p.levelDb,
      commands: p.utterance.commands,
    })),
    made,
  });
  return { q, intervals };
}

/**
 * Scales noise to `rmsDb` dBFS RMS, writes `noise/name.wav`-style `path` under `root`, records it.
 * @param {Place} place
 * @param {string} path
 * @param {Float64Array} samples
 * @param {string} source
 * @param {string[]} commands
 * @param {number} [rmsDb]
 */
export function writeNoise({ root, manifest, rate }, path, samples, source, commands, rmsDb = -30) {
  let s = 0;
  for (const v of samples) s += v * v;
  const gain = 10 ** ((rmsDb - db(s / samples.length)) / 20);
  writeWav(join(root, path), quantized(samples.map((v) => v * gain)), rate);
  manifest.files.push({
    path,
    seconds: samples.length / rate,
    provenance: [{ source, commands }],
    made: `scaled to ${rmsDb} dBFS RMS in Node, written as PCM16`,
  });
}
