// Regenerates the changing-noise VAD fixtures (fixtures/vad-noise): 10 s noises of six colours and
// two 10 s speech tracks whose labels are exact by construction (scripts/fixtures-lib.mjs). The
// quality test (test/quality/vad-noise.test.ts) builds its step and ramp scenes from them: noise
// times a gain envelope known to the sample, plus speech at a known level.
//
// Three sets, never mixed: "tune" (white, pink, brown noise; speech track steps-tune), on which the
// VAD's noise adaptation was developed; "held" (fan, car, hiss; steps-held: other voices and
// prompts), held out until its car ramp showed a failure that was then fixed; "held2" (vacuum,
// engine, hum; steps-held2), made after that and measured only. The manifest records each set's use. Each speech track has an utterance running over
// `stepOverSpeechSample` and a pause of >= 3.5 s from `stepInPauseSample` to the next utterance.
//
//   node scripts/fixtures-vad-noise.mjs     (needs: espeak-ng, sox, asterisk-core-sounds-en-wav)
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sources, speechTrack, writeNoise } from './fixtures-lib.mjs';

const RATE = 16000;
const SECONDS = 10;
const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const DIR = 'vad-noise';
const tmp = mkdtempSync(join(tmpdir(), 'rtpcm-vad-noise-'));
const manifest = {
  sampleRate: RATE,
  format: 'mono PCM16 WAV',
  credit: 'Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0',
  sets: {
    tune: { noises: ['white', 'pink', 'brown'], speech: 'steps-tune', use: 'the noise adaptation was developed on these' },
    held: {
      noises: ['fan', 'car', 'hiss'],
      speech: 'steps-held',
      use: 'held out at first; its car ramp failed (3.2 s), and the fix (levels averaged over 50 ms before the steadiness test) was made knowing it',
    },
    held2: { noises: ['vacuum', 'engine', 'hum'], speech: 'steps-held2', use: 'held out: made after the design was final, measured once, never tuned on' },
  },
  files: [],
};
const { espeak, asterisk, soxNoise } = sources(tmp, ROOT, RATE);
const place = { root: ROOT, manifest, rate: RATE, made: 'scripts/fixtures-vad-noise.mjs: placed and scaled in Node, written as PCM16' };
mkdirSync(join(ROOT, DIR), { recursive: true });

/**
 * A speech track with its step points: inside the longest labelled interval near `overSec`, and `pauseSec`.
 * @param {string} name
 * @param {number} overSec
 * @param {number} pauseSec
 * @param {import('./fixtures-lib.mjs').Placement[]} placements
 */
function track(name, overSec, pauseSec, placements) {
  /** @param {import('./fixtures-lib.mjs').Interval[]} intervals */
  const steps = (intervals) => {
    const over = Math.round(overSec * RATE);
    const [a, b] = intervals.filter(([s, e]) => s < over + RATE && e > over - RATE).sort((x, y) => y[1] - y[0] - (x[1] - x[0]))[0];
    const pause = Math.round(pauseSec * RATE);
    const next = intervals.find(([s]) => s > pause);
    if (!next || intervals.some(([s, e]) => s <= pause && e > pause) || next[0] - pause < 3.5 * RATE)
      throw new Error(`${name}: no 3.5 s pause at ${pauseSec} s`);
    return { stepOverSpeechSample: (a + b) >> 1, stepInPauseSample: pause };
  };
  speechTrack(place, name, DIR, SECONDS, placements, steps);
}

track('steps-tune', 3.2, 4.7, [
  { at: 0.2, levelDb: -24, utterance: espeak('en-us', 160, 'Can you hear me over this noise?') },
  { at: 2.4, levelDb: -22, utterance: asterisk('sorry-youre-having-problems') },
  { at: 8.2, levelDb: -26, utterance: espeak('en-us+m2', 170, 'Okay, thank you.') },
]);
track('steps-held2', 3.2, 4.7, [
  { at: 0.2, levelDb: -20, utterance: espeak('en-us+f2', 150, 'Could you say that again?') },
  { at: 2.3, levelDb: -25, utterance: asterisk('privacy-to-blacklist-last-caller') },
  { at: 8.3, levelDb: -28, utterance: espeak('en-gb+m4', 160, 'That is perfect.') },
]);
track('steps-held', 3.2, 4.7, [
  { at: 0.3, levelDb: -26, utterance: espeak('en-gb+m3', 170, 'Turn the fan off, please.') },
  { at: 2.3, levelDb: -23, utterance: asterisk('num-was-successfully') },
  { at: 8.3, levelDb: -22, utterance: espeak('en-us+f4', 155, 'Right, got it.') },
]);

// Tuning colours: sox's generators, the 10 s after the first 10 (other samples than fixtures/noise).
for (const kind of ['white', 'pink', 'brown']) {
  const { samples, commands } = soxNoise(`${kind}noise`, 2 * SECONDS, ['trim', String(SECONDS)]);
  writeNoise(place, `${DIR}/${kind}.wav`, samples, `sox synth ${kind}noise, second 10 s`, commands);
}
// Held-out colours. hiss: white noise above 1.5 kHz (air, a vent); car: brown noise under 500 Hz
// (road rumble: little of it in the 200-4000 Hz band, and that part fluctuates); fan: pink noise
// under 2 kHz plus blade-pass tones at 180, 360 and 540 Hz (each 15 dB under the noise).
{
  const hiss = soxNoise('whitenoise', SECONDS, ['highpass', '1500']);
  writeNoise(place, `${DIR}/hiss.wav`, hiss.samples, 'sox synth whitenoise, high-passed at 1.5 kHz', hiss.commands);
  const car = soxNoise('brownnoise', SECONDS, ['lowpass', '500']);
  writeNoise(place, `${DIR}/car.wav`, car.samples, 'sox synth brownnoise, low-passed at 500 Hz', car.commands);
  const fan = soxNoise('pinknoise', SECONDS, ['lowpass', '2000']);
  let power = 0;
  for (const v of fan.samples) power += v * v;
  const toneAmp = Math.sqrt((2 * power) / fan.samples.length) * 10 ** (-15 / 20);
  const x = fan.samples.map((v, i) => v + toneAmp * [180, 360, 540].reduce((s, hz, k) => s + Math.sin((2 * Math.PI * hz * i) / RATE + k), 0));
  writeNoise(
    place,
    `${DIR}/fan.wav`,
    x,
    'sox synth pinknoise, low-passed at 2 kHz, plus sines at 180, 360, 540 Hz (each 15 dB under the noise) added in Node',
    fan.commands,
  );
}

// Second held-out set. vacuum: pink noise above 300 Hz with a motor whine at 1.2 kHz (10 dB under
// the noise); engine: pink noise in 300-700 Hz with firing harmonics at 240 and 480 Hz, the whole
// amplitude-modulated by 20% at 8 Hz; hum: mains harmonics at 100-500 Hz (falling 3 dB each) over
// white noise 20 dB under them (a transformer, a fridge).
{
  /** @type {(n: number, hz: number, amp: number, phase?: number) => Float64Array} */
  const tone = (n, hz, amp, phase = 0) => Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / RATE + phase));
  /** @param {Float64Array} x */
  const rms = (x) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  const vacuum = soxNoise('pinknoise', SECONDS, ['highpass', '300']);
  const whine = tone(vacuum.samples.length, 1200, rms(vacuum.samples) * Math.SQRT2 * 10 ** (-10 / 20));
  writeNoise(
    place,
    `${DIR}/vacuum.wav`,
    vacuum.samples.map((v, i) => v + whine[i]),
    'sox synth pinknoise, high-passed at 300 Hz, plus a 1.2 kHz sine 10 dB under it added in Node',
    vacuum.commands,
  );
  const engine = soxNoise('pinknoise', SECONDS, ['sinc', '300-700']);
  const e = rms(engine.samples) * Math.SQRT2 * 10 ** (-6 / 20);
  const firing = engine.samples.map(
    (v, i) =>
      (v + e * Math.sin((2 * Math.PI * 240 * i) / RATE) + 0.5 * e * Math.sin((2 * Math.PI * 480 * i) / RATE + 1)) *
      (1 + 0.2 * Math.sin((2 * Math.PI * 8 * i) / RATE)),
  );
  writeNoise(
    place,
    `${DIR}/engine.wav`,
    firing,
    'sox synth pinknoise, band-passed 300-700 Hz, plus sines at 240 and 480 Hz (6 and 12 dB under it), all modulated by 20% at 8 Hz in Node',
    engine.commands,
  );
  const white = soxNoise('whitenoise', SECONDS + 5, ['trim', '5']);
  let hum = new Float64Array(white.samples.length);
  for (let k = 1; k <= 5; k++) {
    const h = tone(hum.length, 100 * k, 10 ** ((-3 * (k - 1)) / 20), k);
    hum = hum.map((v, i) => v + h[i]);
  }
  const floor = (rms(hum) / rms(white.samples)) * 10 ** (-20 / 20);
  writeNoise(
    place,
    `${DIR}/hum.wav`,
    hum.map((v, i) => v + floor * white.samples[i]),
    'mains harmonics 100-500 Hz (each 3 dB under the last) in Node, plus sox synth whitenoise 20 dB under them',
    white.commands,
  );
}

writeFileSync(join(ROOT, 'manifest.vad-noise.json'), `${JSON.stringify(manifest, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${manifest.files.length} fixtures under fixtures/${DIR}/`);
