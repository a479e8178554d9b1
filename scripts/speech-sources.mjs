// Speech sources and exact labels for the fixture scripts (fixtures-speech.mjs, echo-speech.mjs):
// PCM16 WAV io, espeak-ng and the Asterisk prompts brought to a rate by sox, and the energy trim
// that labels a clean source. Labels come from the clean source here, never from code under test.
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0
// (/usr/share/asterisk/sounds/en/*.wav, Debian package asterisk-core-sounds-en-wav).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ASTERISK = '/usr/share/asterisk/sounds/en';
export const ASTERISK_CREDIT = 'Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0';
export const db = (e) => 10 * Math.log10(e + 1e-20);

/** PCM16 WAV (mono, or the first channel) as float64 samples / 32768. */
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

/** Writes mono PCM16 (x 32768, rounded, clamped). Returns the sample count. */
export function writeWav(path, samples, rate) {
  const n = samples.length;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const v = Math.round(samples[i] * 32768);
    b.writeInt16LE(Math.max(-32768, Math.min(32767, v)), 44 + i * 2);
  }
  writeFileSync(path, b);
  return n;
}

/** What writeWav stores, read back: labels and levels describe the quantized file exactly. */
export function quantized(samples) {
  return samples.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
}

/**
 * Sources at `rate` through scratch directory `tmp`. Each returns { samples, source, commands },
 * the commands recorded with stable paths ($TMP for scratch files, fixtures/ for `root`).
 */
export function speechSources(rate, tmp, root) {
  let tmpCount = 0;
  function run(cmd, args) {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const shown = args.map((a) => a.replace(tmp, '$TMP').replace(root, 'fixtures/'));
    return `${cmd} ${shown.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  }
  /** espeak-ng -> 22.05 kHz wav -> sox to `rate`. */
  function espeak(voice, wordsPerMinute, text) {
    const raw = join(tmp, `e${tmpCount++}.wav`);
    const out = join(tmp, `e${tmpCount++}.wav`);
    const c1 = run('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', raw, text]);
    const c2 = run('sox', ['-D', '-R', raw, '-r', String(rate), '-b', '16', '-c', '1', out]);
    return { samples: readWav(out).samples, source: `espeak-ng ${voice} ${wordsPerMinute} wpm: "${text}"`, commands: [c1, c2] };
  }
  /** An Asterisk prompt (8 kHz real speech) -> sox to `rate`. */
  function asterisk(name) {
    const out = join(tmp, `a${tmpCount++}.wav`);
    const c = run('sox', ['-D', '-R', `${ASTERISK}/${name}.wav`, '-r', String(rate), '-b', '16', '-c', '1', out]);
    return { samples: readWav(out).samples, source: `Asterisk core sounds en/${name}.wav (Digium, CC BY-SA 3.0)`, commands: [c] };
  }
  /** sox synth noise (repeatable with -R). */
  function soxNoise(kind, seconds) {
    const out = join(tmp, `n${tmpCount++}.wav`);
    const c = run('sox', ['-D', '-R', '-n', '-r', String(rate), '-b', '16', '-c', '1', out, 'synth', String(seconds), kind, 'vol', '0.5']);
    return { samples: readWav(out).samples, commands: [c] };
  }
  return { run, espeak, asterisk, soxNoise };
}

/**
 * Speech intervals of a clean source at `rate`: 10 ms frames whose energy is within 40 dB of the
 * loudest frame (and above -60 dBFS), gaps shorter than 150 ms closed, islands shorter than 30 ms
 * dropped, each end refined to the first/last sample whose magnitude reaches the threshold amplitude.
 */
export function speechIntervals(x, rate) {
  const frame = rate / 100;
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
      return [s, t + 1];
    });
}

export function activeRmsDb(x, intervals) {
  let s = 0;
  let n = 0;
  for (const [a, b] of intervals) {
    for (let i = a; i < b; i++) s += x[i] ** 2;
    n += Math.max(0, b - a);
  }
  return db(s / n);
}
