// The whole capture pipeline with echo cancellation against the same chain composed from npm
// peers with no echo handling at all (issue 13), in one run:
// - realtime-pcm: 48 kHz float32 mic (and what the speaker played, pushed first) -> 48 -> 24 kHz
//   -> EchoCanceller (250 ms tail behind up to 250 ms of delay, residual suppression) -> EnergyVad
//   -> PCM16 -> base64 in 20 ms chunks; the reference either at the device rate (what the speaker
//   played, 48 kHz, through a second resampler) or at the session rate (the 24 kHz stream the
//   playback resampled up: `referenceRate: 24000`, no second resampler); also without echo
//   handling, and with the echo gate instead;
// - npm peers: @echogarden/speex-resampler-wasm at q7 (the fastest setting that meets our
//   resampler targets for 48 -> 24 kHz: bench/results/resampler.json) through its float API,
//   float -> int16 (clamped, rounded) in JS, @echogarden/fvad-wasm (mode 2) on 10 ms int16 frames of
//   the 48 kHz mic, Buffer base64 of each 20 ms chunk. No echo handling.
// The input comes in 128-frame quanta (an AudioWorklet) and in 20 ms pieces (a Node audio
// callback). Each case processes 1 s of audio per call, so x realtime = calls per second and the
// CPU share of one core is 100% / x realtime. Kernel memory per call (the canceller's state) is read
// from kernelMemory(). Then the canceller's chain and the peers' again, interleaved slice by slice
// (CHAIN_ROUNDS rounds, default 15, of ~100 ms each): on a shared machine benny's cases run one after
// the other and a change of load between them moves their ratio by up to 2x; the median of the
// per-round ratios is the figure to compare. Results: bench/results/capture-chain.json.
// Run alone: `node bench/capture-chain.bench.mjs` (after `npm run build`). With CHAIN_BASE=<dist dir
// of an earlier build> (e.g. a copy of dist/ saved before a change), that build's chain with the
// canceller runs in the same run too, interleaved with the peers' like ours: before and after in one run.
// A call's state too (aec-idle): the same chains on a seeded 30 s call in which the assistant's
// replies (2-6 s, the same bursts) alternate with gaps (1-5 s: the user's turn, the tone; the
// reference exact zeros, as our playback writes while nothing plays), the assistant 65% of it
// (./aec-playing-signal.mjs callTurns: an assumption, not a published figure); each call of a case
// processes the next second of it, and the interleaved rounds (CHAIN_CALL_ROUNDS, default 9) each
// run the whole call once per case. The bursts playing throughout are the worst case.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SpeexModule from '@echogarden/speex-resampler-wasm/simd';
import fvad from '@echogarden/fvad-wasm';
// CHAIN_OURS=<dist dir of another build> (e.g. a hooked build's dir: bench/echo-lab/hooked-build.mjs) in place of this one (aec-tail12)
const { CapturePipeline, EchoGate, kernelMemory, Resampler } = process.env.CHAIN_OURS
  ? await import(new URL(`file://${path.resolve(process.env.CHAIN_OURS, 'index.js')}`).href)
  : await import('realtime-pcm');
import { callMic, callSignals } from './aec-playing-signal.mjs';
import { runSuite } from './lib.mjs';

/**
 * EchoCanceller options for this build's two canceller cases (CHAIN_ECHO_OPTIONS, JSON; default none: `true`),
 * e.g. '{"tailMs":50}' (aec-tail12: the speed a filter fitted to the bench's pure delay could reach at most),
 * the CHAIN_BASE build keeping its defaults.
 */
const echoOptions = process.env.CHAIN_ECHO_OPTIONS ? JSON.parse(process.env.CHAIN_ECHO_OPTIONS) : true;
/** An earlier build to compare in the same run (CHAIN_BASE), or undefined. */
const base = process.env.CHAIN_BASE ? await import(new URL(`file://${path.resolve(process.env.CHAIN_BASE, 'index.js')}`).href) : undefined;

const IN_RATE = 48000;
const SESSION_RATE = 24000;
const CHUNK_FRAMES = 480; // 20 ms at 24 kHz

/**
 * Seeded: speech-like bursts of the session's audio (24 kHz), played at 48 kHz through our
 * resampler; the mic hears them 60 ms later at -12 dB, plus its own signal: a user (a 220 Hz tone)
 * who talks in the second's first half and pauses in its second, as a caller does. (Until
 * aec-speed10 the tone never paused: the canceller's noise floor settled on it, its foreground was
 * never copied to and its linear stage removed nothing, a state a real call is rarely in; the chain
 * figures before that round were measured on it.)
 */
function signals() {
  let x = 7;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 16777216;
  };
  const session = new Float32Array(SESSION_RATE);
  for (let i = 0; i < SESSION_RATE; i++) session[i] = (Math.floor(i / 4800) % 2 === 0 ? 0.2 : 0.02) * (2 * next() - 1);
  const up = new Resampler({ inputRate: SESSION_RATE, outputRate: IN_RATE });
  const played = new Float32Array(IN_RATE);
  up.processInto(session, played);
  up.free();
  const mic = new Float32Array(IN_RATE);
  for (let i = 0; i < IN_RATE; i++)
    mic[i] = (i >= 2880 ? 0.25 * played[i - 2880] : 0) + (i < IN_RATE / 2 ? 0.1 * Math.sin((2 * Math.PI * 220 * i) / IN_RATE) : 0) + 0.01 * (2 * next() - 1);
  return { session, played, mic };
}
const { session, played, mic } = signals();

const CALL_SECONDS = 30;
/** The call (callSignals at the session rate, played at 48 kHz through our resampler) and its mic at 48 kHz. */
function callSignals48() {
  const call = callSignals(SESSION_RATE, CALL_SECONDS);
  const up = new Resampler({ inputRate: SESSION_RATE, outputRate: IN_RATE });
  const played = new Float32Array(IN_RATE * CALL_SECONDS);
  up.processInto(call.reference, played);
  up.free();
  const playing = new Uint8Array(played.length);
  for (let i = 0; i < playing.length; i++) playing[i] = call.playing[i >> 1];
  return { session: call.reference, played, mic: callMic(IN_RATE, played, playing), share: call.share };
}
const call48 = callSignals48();

/** @param {Float32Array} x @param {number} piece */
const cut = (x, piece) => Array.from({ length: Math.ceil(x.length / piece) }, (_, k) => x.subarray(k * piece, (k + 1) * piece));

// ---- the npm peers' chain ---------------------------------------------------------------------

const speex = await SpeexModule();
const vad = await fvad();

function peersChain() {
  const m = speex;
  const err = m._malloc(4);
  const st = m._speex_resampler_init(1, IN_RATE, SESSION_RATE, 7, err);
  const inPtr = m._malloc(IN_RATE * 4);
  const outCap = SESSION_RATE + 64;
  const outPtr = m._malloc(outCap * 4);
  const inLen = m._malloc(4);
  const outLen = m._malloc(4);
  const handle = vad._fvad_new();
  vad._fvad_set_mode(handle, 2);
  vad._fvad_set_sample_rate(handle, IN_RATE);
  const vadFrame = IN_RATE / 100;
  const vadPtr = vad._malloc(vadFrame * 2);
  let vadFill = 0;
  let voiced = 0;
  const chunk = new Int16Array(CHUNK_FRAMES);
  const chunkBytes = Buffer.from(chunk.buffer);
  let fill = 0;
  let sent = 0;
  /** @param {number} v */
  const toInt16 = (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
  return {
    /** @param {Float32Array} piece */
    push(piece) {
      // VAD on 10 ms int16 frames of the mic
      for (let i = 0; i < piece.length; i++) {
        vad.HEAP16[(vadPtr >> 1) + vadFill++] = toInt16(piece[i]);
        if (vadFill === vadFrame) {
          voiced += vad._fvad_process(handle, vadPtr, vadFrame);
          vadFill = 0;
        }
      }
      // resample, then PCM16 and base64 per 20 ms chunk
      m.HEAPF32.set(piece, inPtr >> 2);
      m.HEAPU32[inLen >> 2] = piece.length;
      m.HEAPU32[outLen >> 2] = outCap;
      m._speex_resampler_process_float(st, 0, inPtr, inLen, outPtr, outLen);
      const got = m.HEAPU32[outLen >> 2];
      const out = m.HEAPF32;
      const base = outPtr >> 2;
      for (let i = 0; i < got; i++) {
        chunk[fill++] = toInt16(out[base + i]);
        if (fill === CHUNK_FRAMES) {
          sent += chunkBytes.toString('base64').length;
          fill = 0;
        }
      }
    },
    get sent() {
      return sent + voiced;
    },
  };
}

// ---- cases ----------------------------------------------------------------------------------------

/** @param {number} piece input frames per call @param {boolean} [inCall] the call's state (each call the next second of it) */
function cases(piece, inCall = false) {
  const group = `capture chain: 1 s of 48 kHz mic in ${piece === 128 ? '128-frame quanta' : '20 ms pieces'} -> 24 kHz PCM16 base64, 20 ms chunks, VAD${inCall ? `, a call (the assistant ${(100 * call48.share).toFixed(0)}% of it)` : ''}`;
  const mics = cut(inCall ? call48.mic : mic, piece);
  const refs = cut(inCall ? call48.played : played, piece);
  const sessionRefs = cut(inCall ? call48.session : session, piece / 2);
  const perCall = Math.round(IN_RATE / piece); // pieces in 1 s
  /** @type {import('./lib.mjs').BenchCase[]} */
  const list = [];
  let sink = 0;
  /** @param {string} impl @param {CapturePipeline} capture @param {Float32Array[] | null} reference */
  const ours = (impl, capture, reference) => {
    let at = 0; // the next piece (the call goes on from call to call, round again at its end)
    return {
      group,
      impl,
      fn: () => {
        for (let n = 0; n < perCall; n++) {
          const k = at;
          at = at + 1 === mics.length ? 0 : at + 1;
          if (reference !== null) capture.pushReference(reference[k]);
          const events = capture.push(mics[k]);
          if (events.length > 0) sink += events.length;
        }
        return sink;
      },
      bytes: SESSION_RATE * 2,
      seconds: 1,
    };
  };
  list.push(
    ours('realtime-pcm: echo canceller + VAD', new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoCancellation: echoOptions }), refs),
  );
  list.push(
    ours(
      'realtime-pcm: echo canceller (reference at the session rate) + VAD',
      new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoCancellation: echoOptions, referenceRate: SESSION_RATE }),
      sessionRefs,
    ),
  );
  if (base !== undefined) {
    const before = new base.CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoCancellation: true });
    list.push(ours('the build before (CHAIN_BASE): echo canceller + VAD', before, refs));
  }
  list.push(ours('realtime-pcm: VAD, no echo handling', new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true }), null));
  const gate = new EchoGate({ sampleRate: IN_RATE });
  list.push(ours('realtime-pcm: echo gate + VAD', new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoGate: gate }), refs));
  const peers = peersChain();
  let peersAt = 0;
  list.push({
    group,
    impl: 'npm peers: speex-resampler-wasm q7 + fvad-wasm + Buffer, no echo handling',
    fn: () => {
      for (let n = 0; n < perCall; n++) {
        peers.push(mics[peersAt]);
        peersAt = peersAt + 1 === mics.length ? 0 : peersAt + 1;
      }
      return peers.sent;
    },
    bytes: SESSION_RATE * 2,
    seconds: 1,
    baseline: true,
  });
  return list;
}

/** Kernel memory one capture pipeline holds, by configuration (bytes). */
function memoryPerCall() {
  /** @param {ConstructorParameters<typeof CapturePipeline>[0]} options */
  const bytes = (options) => {
    const before = kernelMemory().liveBytes;
    const p = new CapturePipeline(options);
    const held = kernelMemory().liveBytes - before;
    p.free();
    return held;
  };
  return {
    withEchoCanceller: bytes({ inputRate: IN_RATE, vad: true, echoCancellation: true }),
    vadOnly: bytes({ inputRate: IN_RATE, vad: true }),
  };
}

const lists = [cases(128), cases(960), cases(128, true), cases(960, true)];
const rows = await runSuite('capture-chain', lists.flat());

/**
 * The canceller's chain over the peers', interleaved: per round, each runs for ~100 ms (CPU time); the median
 * and the range of the per-round speed ratios.
 * @param {import('./lib.mjs').BenchCase[]} list @param {string} impl the start of our case's name
 */
function interleaved(list, impl = 'realtime-pcm: echo canceller + VAD', calls = 1, rounds = Number(process.env.CHAIN_ROUNDS ?? 15)) {
  const ours = /** @type {import('./lib.mjs').BenchCase} */ (list.find((c) => c.impl.startsWith(impl)));
  const peers = /** @type {import('./lib.mjs').BenchCase} */ (list.find((c) => c.baseline));
  /**
   * CPU milliseconds per call over a ~100 ms slice (process.cpuUsage: on this shared machine wall
   * time also counts the moments other jobs hold the core).
   * @param {() => unknown} fn
   */
  const slice = (fn) => {
    const t0 = performance.now();
    const before = process.cpuUsage();
    let done = 0;
    // ~100 ms, or (calls > 1: the call's state) exactly `calls` calls, the whole call once
    while (calls > 1 ? done < calls : performance.now() - t0 < 100) {
      fn();
      done++;
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / done;
  };
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const o = slice(ours.fn);
    ratios.push(slice(peers.fn) / o);
  }
  ratios.sort((a, b) => a - b);
  return { median: ratios[ratios.length >> 1], min: ratios[0], max: ratios[ratios.length - 1], rounds: ratios.length };
}
const SESSION_CASE = 'realtime-pcm: echo canceller (reference at the session rate)';
const BASE_CASE = 'the build before (CHAIN_BASE)';
const CALL_ROUNDS = Number(process.env.CHAIN_CALL_ROUNDS ?? 9);
const chainInterleaved = {
  ...(base === undefined ? {} : { quanta128Before: interleaved(lists[0], BASE_CASE), pieces20msBefore: interleaved(lists[1], BASE_CASE) }),
  quanta128: interleaved(lists[0]),
  quanta128SessionReference: interleaved(lists[0], SESSION_CASE),
  pieces20ms: interleaved(lists[1]),
  pieces20msSessionReference: interleaved(lists[1], SESSION_CASE),
  // the call's state: each round the whole call (CALL_SECONDS calls) per case
  ...(base === undefined
    ? {}
    : {
        callQuanta128Before: interleaved(lists[2], BASE_CASE, CALL_SECONDS, CALL_ROUNDS),
        callPieces20msBefore: interleaved(lists[3], BASE_CASE, CALL_SECONDS, CALL_ROUNDS),
      }),
  callQuanta128: interleaved(lists[2], undefined, CALL_SECONDS, CALL_ROUNDS),
  callQuanta128SessionReference: interleaved(lists[2], SESSION_CASE, CALL_SECONDS, CALL_ROUNDS),
  callPieces20ms: interleaved(lists[3], undefined, CALL_SECONDS, CALL_ROUNDS),
  callPieces20msSessionReference: interleaved(lists[3], SESSION_CASE, CALL_SECONDS, CALL_ROUNDS),
};
const ratio = (/** @type {string} */ piece, inCall = false) => {
  const of = (/** @type {string} */ impl) =>
    /** @type {import('./lib.mjs').BenchRow} */ (
      rows.find((r) => r.group.includes(piece) && r.group.includes(', a call') === inCall && r.impl.startsWith(impl))
    );
  return of('realtime-pcm: echo canceller + VAD').xRealtime / of('npm peers').xRealtime;
};
const summary = {
  echoCancellerVsPeers128: ratio('128-frame quanta'),
  echoCancellerVsPeers20ms: ratio('20 ms pieces'),
  inCallEchoCancellerVsPeers128: ratio('128-frame quanta', true),
  inCallEchoCancellerVsPeers20ms: ratio('20 ms pieces', true),
  callAssistantShare: call48.share,
  kernelBytesPerCall: memoryPerCall(),
  echoCancellerVsPeersInterleaved: chainInterleaved,
};
console.log(summary);
// the summary goes into the results file runSuite wrote
const file = new URL('./results/capture-chain.json', import.meta.url);
writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), summary }, null, 2)}\n`);
