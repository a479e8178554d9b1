// Speech for the echo canceller scenes (issue 13): the assistant's replies (the far end, 10-20 s of
// speech with natural pauses) and the user's short utterances (the near end), 24 kHz mono PCM16,
// with exact labels by construction (each sentence placed at a known sample; its speech intervals
// from the energy trim of the clean source, scripts/fixtures-lib.mjs). The scenes
// (test/helpers/echo-scenes.ts) take 16 and 48 kHz from these by an offline sinc resampler.
//
//   node scripts/echo-speech.mjs       (needs: espeak-ng, sox, asterisk-core-sounds-en-wav)
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activeRmsDb, quantized, sources, speechIntervals, writeWav } from './fixtures-lib.mjs';

const RATE = 24000;
const LEVEL_DB = -20; // active RMS of every file; the scenes set the levels they need
const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const DIR = join(ROOT, 'echo-speech');
const tmp = mkdtempSync(join(tmpdir(), 'rtpcm-echo-speech-'));
const { espeak, asterisk } = sources(tmp, ROOT, RATE);
/** @typedef {ReturnType<typeof reply>} Clip */
const manifest = {
  command: 'node scripts/echo-speech.mjs',
  sampleRate: RATE,
  format: 'mono PCM16 WAV; intervals in samples at sampleRate',
  credit: 'Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0',
  labelRule:
    'energy trim of each clean source: 10 ms frames within 40 dB of its loudest frame (>= -60 dBFS), gaps < 150 ms closed, runs < 30 ms dropped, ends refined to the first/last sample at the threshold amplitude; offset by the placement sample',
  /** @type {Clip[]} */
  assistant: [],
  /** @type {Clip[]} */
  user: [],
};

// Seeded pauses between sentences (mulberry32), 250-650 ms: a reply's natural breathing gaps.
let seed = 1313;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** @typedef {import('./fixtures-lib.mjs').Utterance} Utterance */
/** @typedef {import('./fixtures-lib.mjs').Interval} Interval */

/**
 * Sentences (sources) placed one after another with pauses; the whole scaled to LEVEL_DB active.
 * @param {string} name @param {string} what @param {Utterance[]} sources @param {number} [leadSeconds]
 */
function reply(name, what, sources, leadSeconds = 0.05) {
  const pieces = sources.map((s) => {
    const local = speechIntervals(s.samples, RATE);
    // Trim each source to its speech plus 40 ms on each side, so the pauses are ours.
    const from = Math.max(0, local[0][0] - Math.round(0.04 * RATE));
    const to = Math.min(s.samples.length, local[local.length - 1][1] + Math.round(0.04 * RATE));
    return { s, from, to, local };
  });
  /** @type {number[]} */
  const offsets = [];
  let at = Math.round(leadSeconds * RATE);
  for (const [k, p] of pieces.entries()) {
    if (k > 0) at += Math.round((0.25 + 0.4 * random()) * RATE);
    offsets.push(at);
    at += p.to - p.from;
  }
  const track = new Float64Array(at);
  /** @type {Interval[]} */
  const intervals = [];
  for (const [k, p] of pieces.entries()) {
    for (let i = p.from; i < p.to; i++) track[offsets[k] + i - p.from] = p.s.samples[i];
    for (const [a, b] of p.local) intervals.push([offsets[k] + a - p.from, offsets[k] + b - p.from]);
  }
  const gain = 10 ** ((LEVEL_DB - activeRmsDb(track, intervals)) / 20);
  const q = quantized(track.map((v) => v * gain));
  const file = `${name}.wav`;
  writeWav(join(DIR, file), q, RATE);
  return {
    name,
    file,
    what,
    samples: q.length,
    seconds: Number((q.length / RATE).toFixed(3)),
    speechIntervals: intervals,
    activeRmsDb: Number(activeRmsDb(q, intervals).toFixed(3)),
    sources: pieces.map((p, k) => ({ source: p.s.source, placedAtSample: offsets[k], trimmedFrom: p.from, commands: p.s.commands })),
  };
}

mkdirSync(DIR, { recursive: true });
/** @param {string} voice @param {number} wpm @param {string} text */
const sentences = (voice, wpm, text) => text.split(/(?<=[.?!])\s+/).map((t) => espeak(voice, wpm, t));

manifest.assistant.push(
  reply(
    'assistant-forecast',
    'espeak-ng en-us+f3, a weather forecast, 5 sentences',
    sentences(
      'en-us+f3',
      170,
      'Sure, here is the forecast for the week. Monday will be cloudy, with light rain in the afternoon. Tuesday clears up nicely, and it gets warmer. On Wednesday, expect strong winds from the west. The weekend looks sunny and calm.',
    ),
  ),
);
manifest.assistant.push(
  reply(
    'assistant-recipe',
    'espeak-ng en-gb+m3, a recipe, 4 sentences',
    sentences(
      'en-gb+m3',
      160,
      'To make the pancakes, whisk two eggs with a cup of milk. Add a cup of flour and a pinch of salt, and stir until smooth. Heat a pan with a little butter. Cook each side for about a minute, until golden.',
    ),
  ),
);
manifest.assistant.push(reply('assistant-recorded', 'recorded speech (one Asterisk prompt, 15 s, its own pauses)', [asterisk('demo-moreinfo')]));
// Held out (never used to tune anything): another synthetic voice and more recorded speech.
manifest.assistant.push(
  reply('assistant-heldout', 'held out: espeak-ng en-029 (Caribbean), then a recorded Asterisk prompt', [
    ...sentences('en-029', 175, 'Your train leaves at a quarter past nine from platform four. The trip takes about two hours.'),
    asterisk('vm-intro'),
  ]),
);

/** @type {Array<[string, () => Utterance]>} */
const users = [
  ['user-wait', () => espeak('en-gb-scotland+f3', 180, 'Wait, stop.')],
  ['user-friday', () => espeak('en-us+m4', 165, 'What about Friday?')],
  ['user-other', () => espeak('en-gb+f2', 170, 'No, the other one.')],
  ['user-repeat', () => espeak('en-us-nyc', 175, 'Can you repeat that?')],
  ['user-hold', () => espeak('en-us+m2', 160, 'Hold on a second.')],
  ['user-hello', () => asterisk('hello-world')],
  ['user-thanks', () => asterisk('auth-thankyou')],
  ['user-sorry', () => asterisk('im-sorry')],
  ['user-goodbye', () => asterisk('vm-goodbye')],
  ['user-cancelled', () => asterisk('cancelled')],
];
for (const [name, make] of users) {
  manifest.user.push(reply(name, 'one short utterance', [make()], 0.02));
}

writeFileSync(join(DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
rmSync(tmp, { recursive: true, force: true });
for (const r of [...manifest.assistant, ...manifest.user])
  console.log(`${r.name}: ${r.seconds} s, ${r.speechIntervals.length} intervals, ${r.activeRmsDb} dBFS`);
