// Regenerates the labelled VAD and echo-gate fixtures (fixtures/speech, fixtures/noise,
// fixtures/echo) from espeak-ng, the Asterisk core sound prompts and sox. Labels are exact by
// construction: each utterance is placed at a known sample, and its speech intervals come from an
// energy trim of the clean source computed here (never by the VAD under test).
//
//   node scripts/fixtures-speech.mjs        (needs: espeak-ng, sox, asterisk-core-sounds-en-wav)
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0
// (/usr/share/asterisk/sounds/en/*.wav, Debian package asterisk-core-sounds-en-wav).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RATE = 16000;
const ROOT = new URL('../fixtures/', import.meta.url).pathname;
const ASTERISK = '/usr/share/asterisk/sounds/en';
const tmp = mkdtempSync(join(tmpdir(), 'rtpcm-fixtures-'));
/**
 * A source clip: its samples (16 kHz), where it came from and the commands that made it.
 * @typedef {{ samples: Float64Array, source: string, commands: string[] }} Utterance
 */
/** One placement on a track: at seconds from its start, or `{ after }` seconds after the previous clip. @typedef {{ at: number | { after: number }, levelDb: number, utterance: Utterance }} Placement */
/** A sample interval [start, end). @typedef {[number, number]} Interval */

const manifest = {
  sampleRate: RATE,
  format: 'mono PCM16 WAV',
  credit: 'Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0',
  /** @type {Array<Record<string, unknown>>} */
  files: [],
};

// ---- WAV io (PCM16 mono) ----
/** @param {string} path */
function readWav(path) {
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

/**
 * @param {string} path
 * @param {Float64Array} samples
 */
function writeWav(path, samples) {
  const n = samples.length;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 2, 28);
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

/**
 * Re-reads what was written, so labels and levels describe the quantized file exactly.
 * @param {Float64Array} samples
 */
function quantized(samples) {
  return samples.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
}

// ---- sources ----
let tmpCount = 0;
/**
 * @param {string} cmd
 * @param {string[]} args
 */
function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  // Recorded in the manifest with stable paths: $TMP for scratch files, fixtures/ for outputs.
  const shown = args.map((a) => a.replace(tmp, '$TMP').replace(ROOT, 'fixtures/'));
  return `${cmd} ${shown.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
}

/**
 * espeak-ng -> 22.05 kHz wav -> sox to 16 kHz. Returns samples and the commands.
 * @param {string} voice
 * @param {number} wordsPerMinute
 * @param {string} text
 * @returns {Utterance}
 */
function espeak(voice, wordsPerMinute, text) {
  const raw = join(tmp, `e${tmpCount++}.wav`);
  const out = join(tmp, `e${tmpCount++}.wav`);
  const c1 = run('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', raw, text]);
  const c2 = run('sox', ['-D', '-R', raw, '-r', String(RATE), '-b', '16', '-c', '1', out]);
  return { samples: readWav(out).samples, source: `espeak-ng ${voice} ${wordsPerMinute} wpm: "${text}"`, commands: [c1, c2] };
}

/**
 * An Asterisk prompt (8 kHz real speech) -> sox to 16 kHz.
 * @param {string} name
 * @returns {Utterance}
 */
function asterisk(name) {
  const out = join(tmp, `a${tmpCount++}.wav`);
  const c = run('sox', ['-D', '-R', `${ASTERISK}/${name}.wav`, '-r', String(RATE), '-b', '16', '-c', '1', out]);
  return { samples: readWav(out).samples, source: `Asterisk core sounds en/${name}.wav (Digium, CC BY-SA 3.0)`, commands: [c] };
}

// ---- energy trim: the labels ----
const FRAME = RATE / 100;
/** @param {number} e */
const db = (e) => 10 * Math.log10(e + 1e-20);

/**
 * Speech intervals of a clean source: 10 ms frames whose energy is within 40 dB of the loudest
 * frame (and above -60 dBFS), gaps shorter than 150 ms closed, islands shorter than 30 ms dropped,
 * each end refined to the first/last sample whose magnitude reaches the threshold amplitude.
 * @param {Float64Array} x
 * @returns {Interval[]}
 */
function speechIntervals(x) {
  const frames = Math.floor(x.length / FRAME);
  const e = new Float64Array(frames);
  let peak = -Infinity;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = 0; i < FRAME; i++) s += x[f * FRAME + i] ** 2;
    e[f] = db(s / FRAME);
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
      let s = a * FRAME;
      while (s < b * FRAME - 1 && Math.abs(x[s]) < amp) s++;
      let t = b * FRAME - 1;
      while (t > s && Math.abs(x[t]) < amp) t--;
      return [s, t + 1];
    });
}

/**
 * @param {Float64Array} x
 * @param {Interval[]} intervals
 */
function activeRmsDb(x, intervals) {
  let s = 0;
  let n = 0;
  for (const [a, b] of intervals) {
    for (let i = a; i < b; i++) s += x[i] ** 2;
    n += Math.max(0, b - a);
  }
  return db(s / n);
}

// ---- tracks ----
/**
 * Places utterances at given seconds, each scaled to an active RMS level; returns track + labels.
 * @param {string} name
 * @param {string} dir
 * @param {number} seconds
 * @param {Placement[]} placements
 */
function speechTrack(name, dir, seconds, placements) {
  const track = new Float64Array(Math.round(seconds * RATE));
  /** @type {Array<{ offset: number, length: number, local: Interval[], utterance: Utterance, levelDb: number, gain: number }>} */
  const parts = [];
  for (const { at, levelDb, utterance } of placements) {
    const x = utterance.samples;
    const local = speechIntervals(x);
    const gain = 10 ** ((levelDb - activeRmsDb(x, local)) / 20);
    // `at` is seconds from the track start, or { after } seconds after the previous source ends.
    const prior = parts[parts.length - 1];
    let offset;
    if (typeof at === 'number') offset = Math.round(at * RATE);
    else if (prior === undefined) throw new Error(`${name}: the first utterance needs a time`);
    else offset = prior.offset + prior.length + Math.round(at.after * RATE);
    if (offset + x.length > track.length) throw new Error(`${name}: utterance at ${JSON.stringify(at)}s overruns the track`);
    const previous = parts[parts.length - 1];
    if (previous && previous.offset + previous.length > offset) throw new Error(`${name}: utterance at ${JSON.stringify(at)}s overlaps the one before`);
    for (let i = 0; i < x.length; i++) track[offset + i] += x[i] * gain;
    parts.push({ offset, length: x.length, local, utterance, levelDb, gain });
  }
  const q = quantized(track);
  /** @type {Interval[]} */
  const intervals = [];
  for (const p of parts) for (const [a, b] of p.local) intervals.push([p.offset + a, p.offset + b]);
  intervals.sort((a, b) => a[0] - b[0]);
  const path = `${dir}/${name}.wav`;
  writeWav(join(ROOT, path), q);
  const labels = {
    sampleRate: RATE,
    samples: q.length,
    speechIntervals: intervals,
    activeRmsDb: Number(activeRmsDb(q, intervals).toFixed(3)),
    rule: 'energy trim of each clean source: 10 ms frames within 40 dB of its loudest frame (>= -60 dBFS), gaps < 150 ms closed, runs < 30 ms dropped, ends refined to the first/last sample at the threshold amplitude; offset by the placement sample',
  };
  writeFileSync(join(ROOT, `${dir}/${name}.labels.json`), `${JSON.stringify(labels, null, 1)}\n`);
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
    made: 'scripts/fixtures-speech.mjs: placed and scaled in Node, written as PCM16',
  });
  return { q, intervals };
}

/**
 * @param {string} name
 * @param {Float64Array} samples
 * @param {string} source
 * @param {string[]} commands
 */
function writeNoise(name, samples, source, commands, rmsDb = -30) {
  let s = 0;
  for (const v of samples) s += v * v;
  const gain = 10 ** ((rmsDb - db(s / samples.length)) / 20);
  const path = `noise/${name}.wav`;
  writeWav(join(ROOT, path), quantized(samples.map((v) => v * gain)));
  manifest.files.push({
    path,
    seconds: samples.length / RATE,
    provenance: [{ source, commands }],
    made: `scaled to ${rmsDb} dBFS RMS in Node, written as PCM16`,
  });
}

/**
 * @param {string} kind
 * @param {number} seconds
 */
function soxNoise(kind, seconds) {
  const out = join(tmp, `n${tmpCount++}.wav`);
  const c = run('sox', ['-D', '-R', '-n', '-r', String(RATE), '-b', '16', '-c', '1', out, 'synth', String(seconds), kind, 'vol', '0.5']);
  return { samples: readWav(out).samples, commands: [c] };
}

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
        const g = 10 ** ((-26 - activeRmsDb(u.samples, speechIntervals(u.samples))) / 20);
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
  /** @type {Array<[number, number]>} reflections: delay ms, gain */
  const reflections = [
    [3.1, 0.6],
    [7.4, -0.45],
    [11.9, 0.35],
    [17.3, -0.3],
  ];
  for (const [ms, g] of reflections) h[Math.round((ms / 1000) * RATE)] += g;
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
  writeWav(join(ROOT, 'echo/far-room.wav'), room);
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
