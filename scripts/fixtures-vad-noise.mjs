// Regenerates the changing-noise VAD fixtures (fixtures/vad-noise): 10 s noises of six colours and
// two 10 s speech tracks whose labels are exact by construction (scripts/fixtures-lib.mjs). The
// quality test (test/quality/vad-noise.test.ts) builds its step and ramp scenes from them: noise
// times a gain envelope known to the sample, plus speech at a known level.
//
// Two sets, never mixed: "tune" (white, pink, brown noise; speech track steps-tune), on which the
// VAD's noise adaptation was developed, and "held" (fan, car, hiss noise; speech track steps-held:
// other voices and prompts), only measured. Each speech track has an utterance running over
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
    held: { noises: ['fan', 'car', 'hiss'], speech: 'steps-held', use: 'held out: measured only, never tuned on' },
  },
  files: [],
};
const { espeak, asterisk, soxNoise } = sources(tmp, ROOT, RATE);
const place = { root: ROOT, manifest, rate: RATE, made: 'scripts/fixtures-vad-noise.mjs: placed and scaled in Node, written as PCM16' };
mkdirSync(join(ROOT, DIR), { recursive: true });

/** A speech track with its step points: inside the longest labelled interval near `overSec`, and `pauseSec`. */
function track(name, overSec, pauseSec, placements) {
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

writeFileSync(join(ROOT, 'manifest.vad-noise.json'), `${JSON.stringify(manifest, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${manifest.files.length} fixtures under fixtures/${DIR}/`);
