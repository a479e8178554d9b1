// Two builds of the echo canceller with the reply playing throughout (issue 13's speed case: the
// capture bench's signals at the canceller's rate, white bursts alternating 0.2 / 0.02 every 100 ms,
// the mic hearing them 60 ms later at -12 dB over noise and a user, a 220 Hz tone, who talks in each
// second's first half and pauses in its second, as bench/capture-chain.bench.mjs's does since
// aec-speed10: a call's state, the foreground copied to; until aec-speed11 the tone never paused here,
// the noise floor settled on it and the linear stage removed nothing), the canceller alone in
// 10 ms calls, interleaved build by build over ROUNDS rounds (CPU time; median of the per-round
// ratios B / A: below 1, B is faster). The lab's scenes (bench/aec-identical.mjs) pause between
// words and replies; this case never does. PLAYING_CALL=1: a call's state instead (aec-idle): the
// assistant's replies (2-6 s) and the gaps between them (1-5 s, the user talking; the reference
// exact zeros), a seeded 30 s call (./aec-playing-signal.mjs callSignals: the assistant 65% of it),
// the whole call per build and round.
//   node bench/aec-playing.mjs <dist dir of build A> [dist dir of build B, default ./dist]
//   PLAYING_ROUNDS=25 (default), PLAYING_SECONDS=10 (audio per build and round), PLAYING_RATES=16000,24000
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callMic, callSignals, playingSignals } from './aec-playing-signal.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const [dirA, dirB = join(ROOT, 'dist')] = process.argv.slice(2);
if (dirA === undefined) {
  console.error('usage: node bench/aec-playing.mjs <dist dir A> [dist dir B]');
  process.exit(2);
}
const ROUNDS = Number(process.env.PLAYING_ROUNDS ?? 25);
const CALL = process.env.PLAYING_CALL === '1';
const CALL_SECONDS = 30;
const SECONDS = CALL ? CALL_SECONDS : Number(process.env.PLAYING_SECONDS ?? 10);
const RATES = (process.env.PLAYING_RATES ?? '16000,24000').split(',').map(Number);
/** @param {string} dir */
const load = async (dir) => /** @type {any} */ (await import(pathToFileURL(path.resolve(dir, 'index.js')).href));
const [A, B] = await Promise.all([load(dirA), load(dirB)]);

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1] ?? Number.NaN;

for (const rate of RATES) {
  const call = callSignals(rate, CALL_SECONDS);
  const { reference, mic } = CALL ? { reference: call.reference, mic: callMic(rate, call.reference, call.playing) } : playingSignals(rate);
  const span = reference.length; // audio per pass of the signal (1 s, or the whole call)
  const piece = rate / 100;
  const a = new A.EchoCanceller({ sampleRate: rate });
  const b = new B.EchoCanceller({ sampleRate: rate });
  const out = new Float32Array(piece);
  /** CPU microseconds for SECONDS of audio. @param {any} aec */
  const run = (aec) => {
    const before = process.cpuUsage();
    for (let s = 0; s < (CALL ? 1 : SECONDS); s++) {
      for (let at = 0; at < span; at += piece) {
        aec.pushReference(reference.subarray(at, at + piece));
        aec.processInto(mic.subarray(at, at + piece), out);
      }
    }
    const used = process.cpuUsage(before);
    return used.user + used.system;
  };
  run(a); // warm-up, and both filters converged before the timed rounds
  run(b);
  /** @type {number[]} */
  const ratios = [];
  let timeA = 0;
  let timeB = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let ta = 0;
    let tb = 0;
    if (r & 1) {
      tb = run(b);
      ta = run(a);
    } else {
      ta = run(a);
      tb = run(b);
    }
    ratios.push(tb / ta);
    timeA += ta;
    timeB += tb;
  }
  /** @param {number} t CPU microseconds */
  const x = (t) => ((ROUNDS * SECONDS) / (t / 1e6)).toFixed(0);
  const what = CALL ? `a call (the assistant ${(100 * call.share).toFixed(0)}% of it)` : 'reply playing';
  console.log(`${rate / 1000} kHz, ${what}: A ${x(timeA)}x realtime, B ${x(timeB)}x; B / A time ${median(ratios).toFixed(3)} (median of ${ROUNDS})`);
  a.free();
  b.free();
}
