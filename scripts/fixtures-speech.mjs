// Regenerates the labelled VAD and echo-gate fixtures (fixtures/speech, fixtures/noise,
// fixtures/echo) from espeak-ng, the Asterisk core sound prompts and sox. Labels are exact by
// construction: each utterance is placed at a known sample, and its speech intervals come from an
// energy trim of the clean source computed here (never by the VAD under test).
//
//   node scripts/fixtures-speech.mjs        (needs: espeak-ng, sox, asterisk-core-sounds-en-wav)
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0
// (/usr/share/asterisk/sounds/en/*.wav, Debian package asterisk-core-sounds-en-wav).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activeRmsDb, db, speechTrack as placeSpeech, readWav, sources, speechIntervals, writeNoise as writeNoiseFile, writeWav } from './fixtures-lib.mjs';

const RATE = 16000;
const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'rtpcm-fixtures-'));
/** @type {import('./fixtures-lib.mjs').Manifest} */
const manifest = { sampleRate: RATE, format: 'mono PCM16 WAV', credit: 'Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0', files: [] };

const { run, espeak, asterisk, soxNoise } = sources(tmp, ROOT, RATE);
const place = { root: ROOT, manifest, rate: RATE, made: 'scripts/fixtures-speech.mjs: placed and scaled in Node, written as PCM16' };
/** @type {(...args: import('./fixtures-lib.mjs').SpeechTrackArgs) => ReturnType<typeof placeSpeech>} */
const speechTrack = (...args) => placeSpeech(place, ...args);
/** @type {(name: string, ...args: import('./fixtures-lib.mjs').NoiseArgs) => void} */
const writeNoise = (name, ...args) => writeNoiseFile(place, `noise/${name}.wav`, ...args);

for (const d of ['speech', 'noise', 'echo']) mkdirSync(join(ROOT, d), { recursive: true });

// Speech tracks: 8 s, three utterances each, mixed synthetic and real voices, levels -18..-30 dBFS.
const SECONDS = 8;
speechTrack('speech-a', 'speech', SECONDS, [
  { at: 0.9, levelDb: -22, utterance: espeak('en-us', 165, 'Please turn on the lights in the kitchen.') },
  { at: 3.6, levelDb: -26, utterance: asterisk('conf-onlyperson') },
  { at: 7.0, levelDb: -20, utterance: asterisk('vm-goodbye') },
]);
speechTrack('speech-b', 'speech', SECONDS, [
  { at: 0.8, levelDb: -24, utterance: asterisk('pbx-invalid') },
  { at: 5.7, levelDb: -18, utterance: espeak('en-gb-scotland+f3', 190, 'What time is it in Tokyo right now?') },
]);
speechTrack('speech-c', 'speech', SECONDS, [
  { at: 0.7, levelDb: -28, utterance: espeak('en-us+m4', 140, 'Seven, three, nine.') },
  { at: 3.6, levelDb: -23, utterance: asterisk('check-number-dial-again') },
  { at: 6.6, levelDb: -30, utterance: asterisk('auth-thankyou') },
]);

// Noise: white, pink, brown (sox synth, repeatable seed) and babble (six overlapping talkers).
for (const kind of ['whitenoise', 'pinknoise', 'brownnoise']) {
  const { samples, commands } = soxNoise(kind, SECONDS);
  writeNoise(kind.replace('noise', ''), samples, `sox synth ${kind}`, commands);
}
{
  const talkers = [
    [asterisk('vm-intro'), asterisk('agent-pass')],
    [espeak('en-us', 175, 'The weather today is mostly sunny with a light breeze from the west, and tomorrow looks the same.')],
    [asterisk('cannot-complete-as-dialed'), asterisk('vm-tocallback'), asterisk('conf-getpin')],
    [espeak('en-gb+f2', 160, 'I was thinking we could meet after lunch, maybe around two, if that works for everyone else.')],
    [asterisk('all-circuits-busy-now'), asterisk('call-forwarding'), asterisk('vm-nomore'), asterisk('agent-pass')],
    [espeak('en-us+m3', 185, 'Did you remember to send the report, because the client asked for it again this morning.')],
  ];
  const n = SECONDS * RATE;
  const babble = new Float64Array(n);
  /** @type {string[]} */
  const commands = [];
  /** @type {string[]} */
  const sources = [];
  talkers.forEach((list, t) => {
    // Each talker loops its utterances back to back from a staggered start, at equal active level.
    let pos = -Math.round(t * 0.37 * RATE);
    while (pos < n) {
      for (const u of list) {
        const g = 10 ** ((-26 - activeRmsDb(u.samples, speechIntervals(u.samples, RATE))) / 20);
        for (let i = 0; i < u.samples.length; i++) if (pos + i >= 0 && pos + i < n) babble[pos + i] += u.samples[i] * g;
        pos += u.samples.length;
      }
    }
    for (const u of list) {
      sources.push(u.source);
      commands.push(...u.commands);
    }
  });
  writeNoise('babble', babble, `babble: six talkers looped and summed: ${sources.join('; ')}`, commands);
}

// Echo: far end (the assistant) speaking from 0.2 s on; its room echo (sox fir with a synthetic
// room response); the near end (the user) speaking over it from 3.0 s on.
{
  const far = speechTrack('far', 'echo', SECONDS, [
    { at: 0.2, levelDb: -20, utterance: espeak('en-us+f3', 175, 'Sure, here is the forecast for this week.') },
    { at: { after: 0.1 }, levelDb: -20, utterance: espeak('en-us+f3', 175, 'Monday will be cloudy with rain later.') },
    { at: { after: 0.1 }, levelDb: -20, utterance: espeak('en-us+f3', 175, 'Tuesday clears up nicely, quite warm.') },
  ]);
  speechTrack('near', 'echo', SECONDS, [
    { at: 3.0, levelDb: -22, utterance: asterisk('conf-onlyperson') },
    { at: { after: 0.3 }, levelDb: -24, utterance: espeak('en-gb+m2', 185, 'No, stop.') },
  ]);
  // Room response: direct path, four early reflections, and an exponentially decaying noise tail
  // (RT60 250 ms), 300 ms long; seeded LCG so it is the same every run. The tail gain sets the
  // direct-to-reverberant energy ratio (computed and recorded below): about +4 dB, a loudspeaker a
  // few tens of centimetres from the mic (a laptop or a phone on a desk).
  const taps = Math.round(0.3 * RATE);
  const h = new Float64Array(taps);
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed / 2 ** 32) * 2 - 1;
  };
  h[0] = 1;
  for (const [ms, g] of [
    [3.1, 0.6],
    [7.4, -0.45],
    [11.9, 0.35],
    [17.3, -0.3],
  ])
    h[Math.round((ms / 1000) * RATE)] += g;
  const decay = Math.log(1000) / 0.25; // amplitude e-folding so energy falls 60 dB in 250 ms
  const TAIL_GAIN = 0.05;
  for (let i = Math.round(0.02 * RATE); i < taps; i++) h[i] += TAIL_GAIN * rand() * Math.exp(-decay * (i / RATE));
  const rirPath = join(ROOT, 'echo/room.fir.txt');
  writeFileSync(rirPath, `${Array.from(h, (v) => v.toPrecision(8)).join('\n')}\n`);
  const farPath = join(ROOT, 'echo/far.wav');
  const roomTmp = join(tmp, 'room.wav');
  // Scale down before filtering so the filtered signal cannot clip; the test recomputes the gain.
  // sox's fir treats the filter as linear phase and advances its output by half its length:
  // padding the input by that much makes the result the plain causal convolution.
  const c = run('sox', ['-D', '-R', farPath, roomTmp, 'vol', '0.25', 'pad', `${(taps - 1) >> 1}s`, 'fir', rirPath]);
  const room = readWav(roomTmp).samples.slice(0, far.q.length);
  // Check causality: the direct path (h[0] = 1) must line up with the far end at lag 0.
  let bestLag = 0;
  let best = -Infinity;
  for (let lag = -50; lag <= 50; lag++) {
    let sum = 0;
    for (let i = 8000; i < 40000; i++) sum += far.q[i] * (room[i + lag] ?? 0);
    if (sum > best) {
      best = sum;
      bestLag = lag;
    }
  }
  if (bestLag !== 0) throw new Error(`far-room is not aligned with far (lag ${bestLag})`);
  const firstSound = far.q.findIndex((v) => v !== 0);
  for (let i = 0; i < firstSound; i++) if (Math.abs(room[i]) > 1 / 32768) throw new Error('far-room has sound before the far end starts');
  let ef = 0;
  let er = 0;
  for (let i = 0; i < far.q.length; i++) {
    ef += far.q[i] ** 2;
    er += room[i] ** 2;
  }
  writeWav(join(ROOT, 'echo/far-room.wav'), room, RATE);
  manifest.files.push({
    path: 'echo/far-room.wav',
    seconds: SECONDS,
    provenance: [
      {
        source:
          'echo/far.wav through echo/room.fir.txt (synthetic room: direct path, 4 reflections, RT60 250 ms noise tail, 300 ms; direct-to-reverberant ratio below)',
        commands: [c],
      },
    ],
    energyRatioToFarDb: Number(db(er / ef).toFixed(3)),
    directToReverberantDb: Number(
      db(h.slice(0, Math.round(0.005 * RATE)).reduce((a, v) => a + v * v, 0) / h.slice(Math.round(0.005 * RATE)).reduce((a, v) => a + v * v, 0)).toFixed(2),
    ),
    made: 'sox fir output truncated to the far-end length; the echo at a given echo return loss is this file times 10^((energyRatioToFarDb - ERL)/20), shifted by the delay',
  });
  manifest.files.push({
    path: 'echo/room.fir.txt',
    provenance: [{ source: 'synthetic room response, seeded LCG (scripts/fixtures-speech.mjs)', commands: [] }],
  });
}

writeFileSync(join(ROOT, 'manifest.vad-echo.json'), `${JSON.stringify(manifest, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${manifest.files.length} fixtures under fixtures/`);
