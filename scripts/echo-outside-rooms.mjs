// Echo paths from generators and measurements the lab did not make (issue 13, "outside" rooms):
// impulse responses for the echo canceller's held-out scenes (test/helpers/echo-outside.ts), raw
// float32 at 16 kHz, at 24 kHz (the session rate: aec-outside24) and at 48 kHz (the device rate:
// aec-outside48), each generated at its rate, not resampled from 16 kHz, so the responses at 24 and
// 48 kHz keep what they have over 8 kHz, where the lab's 24 kHz speech still has energy; cut where
// their decay falls under the noise, written to fixtures/echo-outside/.
//
// - sox's `reverb` (freeverb: parallel damped combs into series allpasses, -w: the wet signal only,
//   so no direct path: the direct sound is no louder than the reverberation) applied to a unit
//   impulse, three rooms from small to a hall of RT60 ~4.5 s. Checked here that an impulse response
//   describes it: sox's output on seeded noise equals the noise convolved with the response within
//   float rounding (linear and time-invariant), and at a tenth of the level it scales by a tenth.
// - A measured room: a seminar room's response recorded with a clap of two wooden boards
//   (source/seminar-clap-44100.wav, CC0 1.0, from the GitHub repository spatialaudio/
//   selected-topics-in-audio-signal-processing-exercises, data/rir_clap.wav), resampled by sox;
//   and a domestic living room from the Open AIR Library (source/living-room-44100.wav, Public
//   Domain, as python-acoustics/python-acoustics ships it: tests/data/living_room_1.wav).
//
//   node scripts/echo-outside-rooms.mjs   (needs sox; the tests read only the committed files; the
//   16 kHz files are bit-identical to those made before the 48 kHz ones were added, and the 16 and
//   48 kHz files to those made before the 24 kHz ones were: each rate is rendered on its own)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyAfterDb, energyDecayDb, rt60FromResponse } from './echo-rooms.mjs';
import { rng } from './random.mjs';

/** The rates written; the manifest's room fields are the first's, `rates` holds the others'. */
const RATES = [16000, 24000, 48000];
const DIR = new URL('../fixtures/echo-outside/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'rtpcm-echo-outside-'));
const IMPULSE = 0.25; // sox's reverb clips a full-scale impulse; the response is scaled back by 4
const CUT_DB = -55; // the response ends where what is left of its energy is this far under the whole (under -70 dBFS mic noise at any echo level the lab uses)

/** @param {string} file @returns {Float32Array} */
const readF32 = (file) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
/** @param {string} file @param {Float32Array} x */
const writeF32 = (file, x) => writeFileSync(file, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
/** sox's options for raw float32 mono at `rate`. @param {number} rate */
const raw = (rate) => ['-t', 'raw', '-e', 'float', '-b', '32', '-r', String(rate), '-c', '1'];

/** sox's reverb over `x` (raw float32 at `rate`, no dither). @param {Float32Array} x @param {string[]} args @param {number} rate */
function reverb(x, args, rate) {
  writeF32(join(tmp, 'in.f32'), x);
  execFileSync('sox', ['-D', ...raw(rate), join(tmp, 'in.f32'), ...raw(rate), join(tmp, 'out.f32'), 'reverb', ...args]);
  return readF32(join(tmp, 'out.f32'));
}

/** Where the response starts: the first sample within 26 dB of its peak. @param {ArrayLike<number>} h */
function onsetOf(h) {
  let peak = 0;
  for (let i = 0; i < h.length; i++) peak = Math.max(peak, Math.abs(h[i]));
  for (let i = 0; i < h.length; i++) if (Math.abs(h[i]) >= 0.05 * peak) return i;
  return 0;
}

/** The response up to where its remaining energy falls under CUT_DB, the last 10 ms faded out. @param {Float32Array} h @param {number} rate @param {number} end */
function cut(h, rate, end = h.length) {
  const edc = energyDecayDb(h.subarray(0, end));
  let n = edc.findIndex((v) => v < CUT_DB);
  if (n < 0) n = end;
  const out = h.slice(0, n);
  const fade = Math.min(n, rate / 100);
  for (let i = 0; i < fade; i++) out[n - 1 - i] *= 0.5 - 0.5 * Math.cos((Math.PI * i) / fade);
  return out;
}

/**
 * Linearity and time invariance of sox's reverb: its output on 3 s of seeded white noise against
 * the noise convolved with the response (at 400 output samples from 1 s on), and against its
 * output at a tenth of the level, x10. Both as error energy over output energy, dB.
 * @param {string[]} args @param {Float32Array} h @param {number} rate
 */
function checkLti(args, h, rate) {
  const random = rng(4242);
  const x = Float32Array.from({ length: 3 * rate }, () => 0.1 * (2 * random() - 1));
  const y = reverb(x, args, rate);
  const y10 = reverb(
    x.map((v) => v / 10),
    args,
    rate,
  );
  let err = 0;
  let sig = 0;
  let errScale = 0;
  for (let k = 0; k < 400; k++) {
    const n = rate + Math.floor((k * 2 * rate) / 400);
    let acc = 0;
    for (let j = 0; j <= n && j < h.length; j++) acc += h[j] * x[n - j];
    err += (acc - y[n]) ** 2;
    sig += y[n] ** 2;
    errScale += (10 * y10[n] - y[n]) ** 2;
  }
  return { convolutionErrorDb: +(10 * Math.log10(err / sig)).toFixed(1), scalingErrorDb: +(10 * Math.log10(errScale / sig)).toFixed(1) };
}

const SOX_ROOMS = [
  { name: 'sox-small', what: 'freeverb, reverberance 20%, room scale 30%: a small, damped room', args: ['-w', '20', '50', '30', '100', '0', '0'] },
  { name: 'sox-medium', what: 'freeverb, reverberance 50%, room scale 60%: a living room or meeting room', args: ['-w', '50', '50', '60', '100', '0', '0'] },
  {
    name: 'sox-large',
    what: 'freeverb, reverberance 80%, room scale 100%: a large reverberant hall (RT60 ~4.5 s)',
    args: ['-w', '80', '50', '100', '100', '0', '0'],
  },
];

const soxVersion = execFileSync('sox', ['--version'], { encoding: 'utf8' }).trim();
/** sox's rooms at `rate` (its reverb scales its delays to the rate). @param {number} rate */
const soxRooms = (rate) =>
  SOX_ROOMS.map((r) => {
    const impulse = new Float32Array(8 * rate);
    impulse[0] = IMPULSE;
    const full = reverb(impulse, r.args, rate).map((v) => v / IMPULSE);
    return {
      ...r,
      command: `sox -D ${raw(rate).join(' ')} impulse.f32 ${raw(rate).join(' ')} out.f32 reverb ${r.args.join(' ')} (impulse ${IMPULSE} at sample 0, 8 s; / ${IMPULSE})`,
      lti: checkLti(r.args, full, rate),
      h: cut(full, rate),
    };
  });

// The measured rooms: sox resamples each to the rate; it ends where its 20 ms envelope first comes
// within 3 dB of the recording's noise floor (the median 20 ms energy over its last 300 ms).
// `effects`: sox effects after the resampling.
/** @param {{ name: string, what: string, file: string, source: string, license: string, effects?: string[] }} m @param {number} rate */
function measured(m, rate) {
  const effects = m.effects ?? [];
  execFileSync('sox', ['-D', join(DIR, `source/${m.file}`), ...raw(rate).slice(0, 6), join(tmp, 'measured.f32'), 'rate', '-v', String(rate), ...effects]);
  const x = readF32(join(tmp, 'measured.f32'));
  const frame = rate / 50;
  const energies = [];
  for (let i = 0; i + frame <= x.length; i += frame) energies.push(x.subarray(i, i + frame).reduce((s, v) => s + v * v, 0));
  const floor = [...energies.slice(-15)].sort((a, b) => a - b)[7];
  const peakFrame = energies.indexOf(Math.max(...energies));
  const endFrame = energies.findIndex((e, i) => i > peakFrame && e < 2 * floor);
  const { file, effects: _, ...r } = m;
  return {
    ...r,
    command: `sox -D source/${file} ${raw(rate).slice(0, 6).join(' ')} out.f32 ${['rate', '-v', rate, ...effects].join(' ')}; cut at the noise floor (${(10 * Math.log10(floor / frame)).toFixed(1)} dBFS per 20 ms) + 3 dB`,
    h: cut(x, rate, (endFrame < 0 ? energies.length : endFrame) * frame),
  };
}
const MEASURED = [
  {
    name: 'seminar',
    what: 'a seminar room, measured: a clap of two wooden boards recorded with a microphone (Audacity); 44.1 kHz',
    file: 'seminar-clap-44100.wav',
    source:
      'GitHub repository spatialaudio/selected-topics-in-audio-signal-processing-exercises, data/rir_clap.wav (commit f33e29b, 2015; data/README.md: CC0 1.0 Public Domain Dedication); committed as source/seminar-clap-44100.wav',
    license: 'CC0 1.0',
  },
  {
    name: 'living-room',
    what: 'a domestic living room, measured (the Open AIR Library, University of York: "Domestic Living Room", living_room_1.wav); mono, 44.1 kHz; its rumble under 100 Hz removed (40 dB over the decay: it hid the room under -45 dB from 40 ms on)',
    file: 'living-room-44100.wav',
    effects: ['highpass', '100'],
    source:
      'GitHub repository python-acoustics/python-acoustics, tests/data/living_room_1.wav (commit 99d7920; tests/data/WAV_LICENSE.md: from the Open AIR Library, Public Domain); committed as source/living-room-44100.wav',
    license: 'Public Domain (as the Open AIR Library and python-acoustics state it)',
  },
];

/**
 * Every room at `rate`, its response written as <room>-echo-<rate>.f32; its manifest fields (the
 * response's length, onset, T30 and energy after 250 / 500 / 1000 ms).
 * @param {number} rate
 */
function roomsAt(rate) {
  return [...soxRooms(rate), ...MEASURED.map((m) => measured(m, rate))].map(({ h, ...r }) => {
    const onset = onsetOf(h);
    const file = `${r.name}-echo-${rate}.f32`;
    writeF32(join(DIR, file), h);
    return {
      ...r,
      file,
      samples: h.length,
      onsetSamples: onset,
      t30S: +rt60FromResponse(h, rate).toFixed(3),
      energyAfterDb: Object.fromEntries([250, 500, 1000].map((ms) => [ms, energyAfterDb(h, rate, onset / rate, ms)?.toFixed(1) ?? null])),
    };
  });
}

const [first, ...others] = RATES.map((rate) => ({ rate, rooms: roomsAt(rate) }));
const manifest = {
  command: 'node scripts/echo-outside-rooms.mjs',
  sox: soxVersion,
  format: `raw float32 little-endian mono, <room>-echo-<rate>.f32 at ${RATES.join(', ')} Hz: the speaker-to-mic response (the scenes scale it to the echo return loss); a room's fields are at ${first.rate} Hz, its \`rates\` the same fields at the others`,
  cut: `sox rooms: where the energy left falls ${CUT_DB} dB under the whole; measured: at the recording's noise floor; 10 ms raised-cosine fade`,
  lti: 'convolutionErrorDb: sox reverb on 3 s of seeded white noise vs the noise convolved with the uncut response (400 samples from 1 s on); scalingErrorDb: the same at a tenth of the level, x10. Both float rounding: an impulse response describes the effect',
  rooms: first.rooms.map((r, i) => ({
    ...r,
    rates: Object.fromEntries(
      others.map((o) => {
        const { name: _n, what: _w, args: _a, source: _s, license: _l, ...at } = /** @type {Record<string, unknown>} */ (o.rooms[i]);
        return [o.rate, at];
      }),
    ),
  })),
};
writeFileSync(join(DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
for (const { rate, rooms } of [first, ...others])
  for (const r of rooms)
    console.log(
      rate,
      r.name,
      r.samples,
      'samples, onset',
      r.onsetSamples,
      'T30',
      r.t30S,
      's, energy after',
      JSON.stringify(r.energyAfterDb),
      'lti' in r ? r.lti : '',
    );
