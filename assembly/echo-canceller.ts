// Acoustic echo canceller: removes from the microphone the echo of what the speaker played, so a
// voice session does not hear its own voice.
//
// What: the mic minus a linear estimate of the echo (the reference filtered by an adaptive model
// of loudspeaker, room, microphone and buffering delay), then, per frequency bin, suppression of
// what the model leaves, with comfort noise in its place.
// How, per block of B samples (B a power of two near 8 ms: 128 at 16 kHz, 256 at 24 kHz):
// - ./aec-delay estimates where in the last maxDelay the echo starts (per-lag coherence of mic and
//   reference), and the filter (M partitions of B taps: the tail) is placed there, 2 blocks early:
//   a filter that spans only the echo converged about twice as fast as one spanning 250 ms of
//   possible delay too (16 kHz, 250 ms delay: 11.8 dB at 3 s placed, 9.8 dB spanning 520 ms).
// - ./aec-filter: a partitioned-block frequency-domain adaptive filter (MDF, Soo and Pang 1990;
//   overlap-save; 2 partitions gradient-constrained per block in turn) in two copies, as in
//   speex's two-path canceller and WebRTC AEC3's refined/coarse pair: the background adapts every
//   block with the Kalman-style step of ./aec-step (each coefficient's uncertainty over the error
//   power, bounded by the echo the reference can produce: Enzner and Vary 2006, Valin 2007); the
//   foreground, whose error is the output, takes the background's weights when it is significantly
//   better, and gives its own back when the background diverged. ./aec-block runs a block,
//   including a double-talk flag and the detection of a path change.
// - ./aec-suppress: residual echo suppression per bin (the residual predicted from the linear echo
//   estimate and from the reference, a user-presence decision) and comfort noise.
// Streams: reference samples are queued (aec_push_reference) and consumed one per mic sample, zeros
// when the queue is empty (nothing played): push the reference no later than the mic it echoes
// into; the echo's own delay (up to maxDelay) is found by the canceller.
// Where it runs: at the session rate (16 or 24 kHz), after the capture resampler, with the
// reference taken from what the playback path played and resampled the same way, so both carry the
// same filter delay and stay sample-aligned; there the filter is 2-3x shorter in taps than at 48 kHz
// for the same echo tail, and the canceller is the last stage before the VAD and the encoder. The
// kernel itself takes any rate 8-48 kHz.
// Latency: 2 blocks (B for the block-wise filter, B for the suppressor's overlap-add): 16 ms at
// 16 kHz, 21.3 ms at 24 kHz; 1 block without suppression.
// State: one block (aec_state_bytes): the struct of ./aec-state, then its arrays.

import { fft_init } from "./fft";
import { dl_beyond, dl_init, dl_reset, dl_onset } from "./aec-delay";
import { sup_init, sup_reset, sup_user_present } from "./aec-suppress-init";
import { finiteOrZero } from "./shared";
import { sanitize } from "./resample-state";
import { Aec, layout, stateBytes, setPrior, refCapacity, ECHO_GAIN } from "./aec-state";
import { aec_block } from "./aec-block";
import { SILENT_DB } from "./aec-suppress-state";
import { sk_reset } from "./aec-skew";
import { rv_off } from "./aec-reverb";
import { late_init, late_reset } from "./aec-late";
import { rd_reset } from "./aec-readings";

/** Bytes of state: blocks of `b` samples, `m` partitions placed at up to `maxLag` blocks of delay. */
export function aec_state_bytes(sampleRate: i32, b: i32, m: i32, maxLag: i32): usize {
  return stateBytes(sampleRate, b, m, maxLag);
}

/**
 * Initialises the state at `s` (aec_state_bytes zeroed bytes): blocks of `b` samples (a power of
 * two, 64..1024), a filter of `m` partitions placed at up to `maxLag` blocks of delay, the echo's
 * onset searched at first up to `searchLag` blocks (<= maxLag; the search widens to maxLag once the
 * delay estimator sees the echo past it: ./aec-delay dl_beyond), residual echo suppression on when `suppress`.
 */
export function aec_init(s: usize, sampleRate: i32, b: i32, m: i32, maxLag: i32, searchLag: i32, suppress: bool): void {
  const a = changetype<Aec>(s);
  a.sampleRate = sampleRate;
  a.b = b;
  a.n = 2 * b;
  a.k = b + 4;
  a.m = m;
  a.maxLag = maxLag;
  a.slots = m + maxLag + 1;
  a.refCap = refCapacity(sampleRate);
  a.suppress = suppress;
  a.silentEnergy = <f32>b * Mathf.pow(10, SILENT_DB / 10);
  layout(s, sampleRate, b, m, maxLag);
  fft_init(a.fft, a.n);
  dl_init(a.delay, sampleRate, a.n, a.slots, min(searchLag, maxLag) + 2, maxLag + 2, 250, 4);
  sup_init(a.sup, b, sampleRate);
  late_init(a);
  aec_reset(s);
}

/** Forgets the room, the delay, the queued reference and the blocks in flight (same options). */
export function aec_reset(s: usize): void {
  const a = changetype<Aec>(s);
  const spec = <usize>(8 * a.k);
  memory.fill(a.x, 0, <usize>a.slots * spec);
  memory.fill(a.xe, 0, <usize>a.slots << 2);
  for (let q = 0; q < a.slots; q++) store<i32>(a.xz + (<usize>q << 2), 1);
  a.nRuns = 0;
  memory.fill(a.wb, 0, <usize>a.m * spec * 2);
  memory.fill(a.micFrame, 0, <usize>(4 * a.n));
  memory.fill(a.refFrame, 0, <usize>(4 * a.n));
  memory.fill(a.outBlock, 0, <usize>(4 * a.b));
  for (let q = 0; q < a.m; q++) store<f32>(a.profile + (<usize>q << 2), <f32>1 / <f32>a.m);
  for (let j = 0; j < a.k; j++) store<f32>(a.errNoise + (<usize>j << 2), 1.0e10);
  setPrior(a);
  dl_reset(a.delay);
  sup_reset(a.sup);
  a.head = 0;
  a.offset = 0;
  a.moves = 0;
  a.fill = 0;
  a.constrainNext = 0;
  a.settled = 0;
  a.driftPending = 0;
  a.refRead = 0;
  a.refCount = 0;
  a.refDropped = 0;
  a.blocks = 0;
  a.deadRun = 0;
  a.liveHold = 0;
  a.everLive = 0;
  a.alivePending = 0;
  a.declinedOnset = -1;
  a.declinedChanges = 0;
  a.wrongBlocks = 0;
  a.misfitBlocks = 0;
  a.divergedBlocks = 0;
  a.overBlocks = 0;
  a.emergedBlocks = 0;
  a.unlearnedBlocks = 0;
  a.unheardBlocks = 0;
  a.movedAt = 0;
  a.syf = 0;
  a.pathChanges = 0;
  a.shiftBlocks = 0;
  a.shifts = 0;
  a.returnFit = 0;
  a.returnFits = 0;
  a.deadFit = false;
  a.talking = false;
  a.narrowband = false;
  a.narrowBlocks = 0;
  a.relearning = false;
  a.movedModel = false;
  a.copyWins = 0;
  a.keptModel = false;
  a.keptFresh = false;
  a.keptMoved = 0;
  a.keptOnset = 0;
  a.keptOffset = 0;
  a.relaxBlocks = 0;
  a.zeroFrames = 0;
  a.olSince = -1;
  a.olPause = 0;
  a.refAway = 0;
  a.sdd = 0;
  a.sbb = 0;
  a.sff = 0;
  a.sdiff = 0;
  a.bestErle = 1;
  a.heardErleDb = 0;
  a.bestHeardDb = 0;
  a.fitNowDb = 0;
  a.fitPrevDb = 0;
  a.fitBlocks = 0;
  a.erleNum = 0;
  a.erleDen = 0;
  a.gainDb = <f32>10 * Mathf.log10(ECHO_GAIN);
  a.excessDb = 0;
  a.sddGain = 0;
  a.sxwGain = 0;
  a.sddFloor = 1.0e30;
  a.sddMinCur = 1.0e30;
  a.sddMinPrev = 1.0e30;
  sk_reset(a);
  rv_off(a);
  late_reset(a);
  rd_reset(a);
}

/** Queues `n` reference samples (what the speaker plays). Beyond 1 s queued the oldest are dropped (counted). */
export function aec_push_reference(s: usize, ptr: usize, n: i32): void {
  const a = changetype<Aec>(s);
  const mask = a.refCap - 1;
  for (let i = 0; i < n; ) {
    if (a.refCount == a.refCap) {
      // full: the oldest sample makes room for this one
      a.refRead = (a.refRead + 1) & mask;
      a.refCount--;
      a.refDropped++;
      store<f32>(a.refQueue + (<usize>((a.refRead + a.refCount) & mask) << 2), finiteOrZero(load<f32>(ptr + (<usize>i << 2))));
      a.refCount++;
      i++;
      continue;
    }
    // room: a run up to the ring's end or the room left, 4 at a time (the same values)
    const at = (a.refRead + a.refCount) & mask;
    const run = min(n - i, min(a.refCap - a.refCount, a.refCap - at));
    sanitize(ptr + (<usize>i << 2), a.refQueue + (<usize>at << 2), run);
    a.refCount += run;
    i += run;
  }
}

function pullReference(a: Aec, dst: usize, n: i32): void {
  const mask = a.refCap - 1;
  const take = min(n, a.refCount);
  const first = min(take, a.refCap - a.refRead); // up to the ring's end, then from its start
  memory.copy(dst, a.refQueue + (<usize>a.refRead << 2), <usize>first << 2);
  memory.copy(dst + (<usize>first << 2), a.refQueue, <usize>(take - first) << 2);
  a.refRead = (a.refRead + take) & mask;
  a.refCount -= take;
  if (take < n) memory.fill(dst + (<usize>take << 2), 0, <usize>(n - take) << 2);
}

/**
 * Processes `n` mic samples at `mic` into `out` (may be `mic`: each piece is read before the same
 * piece is written); returns n. The output lags the mic by aec_latency_blocks blocks.
 */
export function aec_process(s: usize, mic: usize, out: usize, n: i32): i32 {
  const a = changetype<Aec>(s);
  const b = a.b;
  let done = 0;
  while (done < n) {
    const take = min(n - done, b - a.fill);
    const off = <usize>done << 2;
    const at = <usize>a.fill << 2;
    sanitize(mic + off, a.micBlock + at, take);
    memory.copy(out + off, a.outBlock + at, <usize>take << 2);
    pullReference(a, a.refFrame + (<usize>b << 2) + at, take);
    a.fill += take;
    done += take;
    if (a.fill == b) {
      aec_block(a);
      a.fill = 0;
    }
  }
  return n;
}

/** Blocks the output lags the mic: 2 with suppression (its overlap-add), 1 without. */
export function aec_latency_blocks(s: usize): i32 {
  return changetype<Aec>(s).suppress ? 2 : 1;
}

/** Where the echo starts, in blocks after the reference (-1 until estimated). */
export function aec_onset_blocks(s: usize): i32 {
  return dl_onset(changetype<Aec>(s).delay);
}

/** Where the delay estimator last saw an echo start past maxDelay (./aec-delay dl_beyond), blocks after the reference; -1: never since the last reset. */
export function aec_beyond_blocks(s: usize): i32 {
  return dl_beyond(changetype<Aec>(s).delay);
}

/** The linear stage's echo return loss enhancement over the last ~1 s of playback, dB. */
export function aec_erle_db(s: usize): f64 {
  const a = changetype<Aec>(s);
  return 10 * Math.log10((<f64>a.erleNum + 1e-20) / (<f64>a.erleDen + 1e-20));
}

/**
 * The whole canceller's echo reduction (./aec-readings): the mic over the output in the blocks it
 * judges echo only, smoothed over seconds, dB; 0 before the first such block (2 s after the first echo).
 */
export function aec_echo_reduction_db(s: usize): f64 {
  const a = changetype<Aec>(s);
  return 10 * Math.log10((<f64>a.rdMic + 1e-20) / (<f64>a.rdOut + 1e-20));
}

/** Blocks judged echo only since the start, once settled (./aec-readings). */
export function aec_echo_only_blocks(s: usize): i32 {
  return changetype<Aec>(s).rdBlocks;
}

/** 1 once the filter has removed 10 dB of echo since the start or the last path change. */
export function aec_converged(s: usize): i32 {
  return changetype<Aec>(s).bestErle > 10 ? 1 : 0;
}

/** 1 while the user is heard over the echo (the suppressor's presence decision, or the double-talk flag). */
export function aec_user_present(s: usize): i32 {
  const a = changetype<Aec>(s);
  return a.talking || (a.suppress && sup_user_present(a.sup)) ? 1 : 0;
}

/** Echo path changes detected since the start. */
export function aec_path_changes(s: usize): i32 {
  return changetype<Aec>(s).pathChanges;
}

/** Reference samples dropped because more than 1 s was queued ahead of the mic. */
export function aec_dropped_reference(s: usize): f64 {
  return changetype<Aec>(s).refDropped;
}

/** The clock skew the filter follows, ppm of echo delay gained per second of mic (> 0: the echo comes later over time; 0 while none). */
export function aec_skew_ppm(s: usize): f64 {
  const a = changetype<Aec>(s);
  return a.skewOn ? <f64>a.skew * 1e6 : 0;
}

/**
 * Drops up to `n` of the oldest queued reference samples (those the next mic samples would pair
 * with); returns how many were queued and dropped. For a span of mic that is never processed (a
 * paused microphone): its reference goes too, so that the two stay in step.
 */
export function aec_discard_reference(s: usize, n: i32): i32 {
  const a = changetype<Aec>(s);
  const take = min(max(n, 0), a.refCount);
  a.refRead = (a.refRead + take) & (a.refCap - 1);
  a.refCount -= take;
  return take;
}
