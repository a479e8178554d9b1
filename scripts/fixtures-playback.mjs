// Regenerates the playback fixtures (fixtures/playback): the arrival traces the jitter buffer and
// the fades are measured on, and a real speech source for them.
//
//   node scripts/fixtures-playback.mjs        (needs sox and asterisk-core-sounds-en-wav for the speech)
//   node scripts/fixtures-playback.mjs --seed 10 --out /tmp/traces-10
//       more traces of the same shapes (seeds + 10), no speech: for the parameter study of
//       docs/playback.md (PLAYBACK_SEEDS=/tmp/traces-10,... npx vitest run test/quality/playback-traces.test.ts)
//
// A trace is a session's audio arrivals, without the audio: responses, audio deltas (session
// frames at 24 kHz, arrival time in ms), ends, and barge-ins. The tests fill each item with a
// source (a tone or the speech below), so one trace serves every source. Shapes (seeded, so the
// files are reproducible; constructed to the shapes described, not recorded from live sessions):
// - steady: 40 ms deltas exactly every 40 ms (realtime), a barge-in, an item cut short and the
//   next one queued right behind it;
// - openai: 50-150 ms deltas, the first 1.2 s of each response at 3x realtime, then 1.2x, each
//   delta +-10 ms;
// - gemini: bursts: a first burst of 0.4-0.8 s of audio in 150 ms, then 0.6-1.0 s of nothing,
//   then bursts of 2 s of audio in 200 ms each followed by 1.5 s of nothing;
// - jitter: 20 ms frames sent in realtime, each delayed 20-300 ms (uniform), delivered in order
//   (a WebSocket cannot reorder: a frame waits for the one before it).
//
// Speech credit: Asterisk core sounds (en), Digium, Inc., CC BY-SA 3.0 (vm-instructions.wav).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASTERISK } from './fixtures-lib.mjs';
import { rng } from './random.mjs';

const RATE = 24000;
const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const SEED_OFFSET = Number(option('--seed') ?? 0);
const ROOT = option('--out') === undefined ? new URL('../fixtures/playback/', import.meta.url).pathname : `${option('--out')}/`;

/** @typedef {{ atMs: number, type: 'response' | 'audio' | 'done' | 'barge_in', itemId?: string, frames?: number }} TraceEvent */
/** @typedef {{ name: string, description: string, sessionRate: number, seed: number, responses: number, events: TraceEvent[] }} Trace */

const ms = (/** @type {number} */ x) => Math.round(x * 1000) / 1000;
const framesOf = (/** @type {number} */ seconds) => Math.round(seconds * RATE);

/**
 * Builds one response: `deliveries` are [arrival ms, frames] in order; a barge-in `bargeInMs` after
 * the first arrival stops the deliveries `lateMs` later (the session's audio in flight).
 * @param {TraceEvent[]} events
 * @param {string} itemId
 * @param {Array<[number, number]>} deliveries
 * @param {{ bargeInAfterMs?: number, lateMs?: number }} [options]
 * @returns {number} the time of the last event
 */
function response(events, itemId, deliveries, options = {}) {
  const t0 = deliveries[0][0];
  events.push({ atMs: ms(t0), type: 'response', itemId });
  const bargeAt = options.bargeInAfterMs === undefined ? Number.POSITIVE_INFINITY : t0 + options.bargeInAfterMs;
  let last = t0;
  for (const [at, frames] of deliveries) {
    if (at > bargeAt + (options.lateMs ?? 0)) break;
    events.push({ atMs: ms(at), type: 'audio', itemId, frames });
    last = at;
  }
  if (Number.isFinite(bargeAt)) events.push({ atMs: ms(bargeAt), type: 'barge_in' });
  events.push({ atMs: ms(last), type: 'done', itemId });
  return Math.max(last, Number.isFinite(bargeAt) ? bargeAt : last);
}

/** Deliveries of `seconds` of audio in `pieceFrames` pieces, the i-th at when(i, framesBefore) ms. @returns {Array<[number, number]>} */
function deliveries(
  /** @type {number} */ seconds,
  /** @type {(frames: number) => number} */ pieceFrames,
  /** @type {(framesBefore: number) => number} */ when,
) {
  /** @type {Array<[number, number]>} */
  const out = [];
  const total = framesOf(seconds);
  let prev = Number.NEGATIVE_INFINITY;
  for (let at = 0; at < total; ) {
    const n = Math.min(pieceFrames(at), total - at);
    prev = Math.max(prev, when(at));
    out.push([prev, n]);
    at += n;
  }
  return out;
}

/** @param {TraceEvent[]} events */
function sorted(events) {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i)
    .map(({ e }) => e);
}

function steady() {
  /** @type {TraceEvent[]} */
  const events = [];
  const realtime = (/** @type {number} */ t0) => (/** @type {number} */ before) => t0 + (before / RATE) * 1000;
  const piece = () => 960;
  let t = 200;
  response(events, 'item_1', deliveries(4, piece, realtime(t)));
  t += 4000 + 1500;
  response(events, 'item_2', deliveries(5, piece, realtime(t)), { bargeInAfterMs: 3000, lateMs: 300 });
  t += 3300 + 1500;
  // item_3 is cut short (its last delta ends mid-word); item_4 follows in the same instant
  const third = deliveries(2.7, piece, realtime(t));
  response(events, 'item_3', third);
  t = third[third.length - 1][0];
  response(events, 'item_4', deliveries(4, piece, realtime(t)));
  return { description: '40 ms deltas exactly every 40 ms; a barge-in in item_2; item_3 cut short with item_4 right behind it', events };
}

function openai(/** @type {() => number} */ random) {
  /** @type {TraceEvent[]} */
  const events = [];
  let t = 300;
  for (let r = 1; r <= 4; r++) {
    const seconds = 3 + 3 * random();
    const t0 = t;
    const fast = framesOf(1.2);
    const when = (/** @type {number} */ before) => {
      const audioMs = (before / RATE) * 1000;
      const base = before <= fast ? audioMs / 3 : 400 + (audioMs - 1200) / 1.2;
      return t0 + base + (random() * 20 - 10);
    };
    const piece = () => framesOf(0.05 + 0.1 * random());
    const end = response(events, `item_${r}`, deliveries(seconds, piece, when), r === 3 ? { bargeInAfterMs: 2500, lateMs: 200 } : {});
    t = Math.max(end, t0 + seconds * 1000) + 1500 + 1000 * random();
  }
  return { description: '50-150 ms deltas; the first 1.2 s of each response at 3x realtime, then 1.2x; each delta +-10 ms; a barge-in in item_3', events };
}

function gemini(/** @type {() => number} */ random) {
  /** @type {TraceEvent[]} */
  const events = [];
  let t = 400;
  for (let r = 1; r <= 4; r++) {
    const total = 4 + 3 * random();
    const first = 0.4 + 0.4 * random();
    const firstGap = 0.6 + 0.4 * random();
    // bursts: [seconds of audio, ms to deliver it, ms of nothing after it]
    const bursts = [[first, 150, firstGap * 1000]];
    for (let left = total - first; left > 0; left -= 2) bursts.push([Math.min(2, left), 200, 1500]);
    /** @type {Array<[number, number]>} */
    const list = [];
    let at = t;
    for (const [seconds, deliverMs, gapMs] of bursts) {
      const frames = framesOf(seconds);
      for (let sent = 0; sent < frames; sent += 960) list.push([at + (sent / frames) * deliverMs, Math.min(960, frames - sent)]);
      at += deliverMs + gapMs;
    }
    const end = response(events, `item_${r}`, list, r === 2 ? { bargeInAfterMs: 2600, lateMs: 150 } : {});
    t = Math.max(end, t + total * 1000 + 1000) + 2000;
  }
  return {
    description: 'bursts: 0.4-0.8 s of audio in 150 ms, 0.6-1.0 s of nothing, then 2 s of audio in 200 ms and 1.5 s of nothing, repeated; a barge-in in item_2',
    events,
  };
}

function jitter(/** @type {() => number} */ random) {
  /** @type {TraceEvent[]} */
  const events = [];
  let t = 250;
  for (let r = 1; r <= 4; r++) {
    const seconds = 4 + 2 * random();
    const t0 = t;
    const when = (/** @type {number} */ before) => t0 + (before / RATE) * 1000 + 20 + 280 * random();
    const end = response(
      events,
      `item_${r}`,
      deliveries(seconds, () => 480, when),
      r === 4 ? { bargeInAfterMs: 3000, lateMs: 300 } : {},
    );
    t = Math.max(end, t0 + seconds * 1000 + 300) + 1500;
  }
  return { description: '20 ms frames sent in realtime, each delayed 20-300 ms (uniform, seeded), delivered in order; a barge-in in item_4', events };
}

/** @param {string} name @param {number} seed @param {(random: () => number) => { description: string, events: TraceEvent[] }} make */
function writeTrace(name, seed, make) {
  const { description, events } = make(rng(seed));
  /** @type {Trace} */
  const trace = { name, description, sessionRate: RATE, seed, responses: events.filter((e) => e.type === 'response').length, events: sorted(events) };
  const lines = trace.events.map((e) => `  ${JSON.stringify(e)}`).join(',\n');
  const head = JSON.stringify({ ...trace, events: [] }, null, 1).replace(/"events": \[\]\n\}$/, '');
  writeFileSync(join(ROOT, 'traces', `${name}.json`), `${head}"events": [\n${lines}\n ]\n}\n`);
  const audio = trace.events.filter((e) => e.type === 'audio').reduce((n, e) => n + (e.frames ?? 0), 0);
  console.log(`${name}: ${trace.events.length} events, ${(audio / RATE).toFixed(1)} s of audio`);
}

mkdirSync(join(ROOT, 'traces'), { recursive: true });
writeTrace('steady', SEED_OFFSET + 1, steady);
writeTrace('openai', SEED_OFFSET + 2, openai);
writeTrace('gemini', SEED_OFFSET + 3, gemini);
writeTrace('jitter', SEED_OFFSET + 4, jitter);
if (option('--out') !== undefined) process.exit(0); // traces only

// The speech: a recorded prompt (8 kHz), its first 5.5 s (it ends in a pause) at 24 kHz by sox's very high quality rate.
execFileSync('sox', [
  '-D',
  '-R',
  join(ASTERISK, 'vm-instructions.wav'),
  '-b',
  '16',
  '-c',
  '1',
  join(ROOT, 'speech-24000.wav'),
  'rate',
  '-v',
  '24000',
  'trim',
  '0',
  '5.5',
]);
console.log(`speech-24000.wav: sox -D -R ${ASTERISK}/vm-instructions.wav -b 16 -c 1 speech-24000.wav rate -v 24000 trim 0 5.5`);
