// Acoustic echo canceller: removes from the microphone the echo of what the speaker played.
//
// What: the mic minus a linear estimate of the echo, the reference (playback) filtered by an
// adaptive model of the room (loudspeaker, air, microphone, and any buffering delay).
// How: a partitioned-block frequency-domain adaptive filter (./aec-filter: MDF, overlap-save, block
// B, M partitions covering the whole span of delay + echo tail) in two copies, as in speex's
// "two-path" canceller and WebRTC AEC3's refined/coarse pair: a background filter adapts every
// block with the step control of ./aec-step (Valin 2007, proportionate shares per partition); a
// foreground filter, whose error is the output, takes a copy of the background whenever the
// background has done better over the last blocks, and gives the background its own weights back
// when the background has diverged (double talk it adapted on).
// Streams: reference samples are queued (pushReference) and consumed one per mic sample, zeros
// when the queue is empty (nothing played); the newest reference is thus paired with the mic
// sample processed next, and the echo's own delay is what the filter models.
// Latency: one block (B samples): the output of a block is released while the next one fills.

import { fft_table_bytes, fft_work_bytes, fft_init, fft_forward } from "./fft";
import { pf_filter, pf_constrain, pf_last_half, pf_block_spectrum, pf_shift } from "./aec-filter";
import { dl_bytes, dl_init, dl_reset, dl_update, dl_stat, dl_profile, dl_onset } from "./aec-delay";
import { sup_bytes, sup_init, sup_reset, sup_process, sup_set, sup_stat, sup_forget } from "./aec-suppress";
import { kf_residual, kf_apply_bound, kf_scale, kf_update, kf_max } from "./aec-step";

// Tunables, settable by index for measurement (aec_set); defaults in aec_init.
// @ts-ignore: decorator
@inline const P_ECHO_GAIN: i32 = 0; // largest echo-to-reference power ratio per bin (the prior uncertainty)
// @ts-ignore: decorator
@inline const P_PRIOR_T60: i32 = 1; // prior decay of the uncertainty over the partitions, seconds per 60 dB (0: flat)
// @ts-ignore: decorator
@inline const P_LAMBDA: i32 = 2; // process noise per block, relative to |W|^2
// @ts-ignore: decorator
@inline const P_FLOOR: i32 = 3; // process noise per block, relative to the prior
// @ts-ignore: decorator
@inline const P_CONSTRAIN: i32 = 4; // partitions constrained per block
// @ts-ignore: decorator
@inline const P_COPY_RATIO: i32 = 5; // background copied when Sff - Sbb > this x sqrt(Sff SΔ) (Δ: difference of the two echo estimates)
// @ts-ignore: decorator
@inline const P_RESET_RATIO: i32 = 6; // background reset from foreground when its error is above this ratio
// @ts-ignore: decorator
@inline const P_GAMMA: i32 = 7; // share of a gated error frame that is error (B / 2B in theory)
// @ts-ignore: decorator
@inline const P_STEP: i32 = 8; // step scale s
// @ts-ignore: decorator
@inline const P_INFO: i32 = 9; // share of the Kalman information gain credited (speech blocks are correlated)
// @ts-ignore: decorator
@inline const P_COMPARE_MS: i32 = 10; // smoothing of the error energies compared
// @ts-ignore: decorator
@inline const P_PRE_BLOCKS: i32 = 11; // filter starts this many blocks before the estimated onset
// @ts-ignore: decorator
@inline const P_PLACE: i32 = 12; // 0: filter stays at offset 0 (no placement)
// @ts-ignore: decorator
@inline const P_BOUND_RISE_DB: i32 = 13; // rise of the echo gain bound, dB per second
// @ts-ignore: decorator
@inline const P_BOUND_T60: i32 = 14; // decay profile for the bound's reference power, s per 60 dB
// @ts-ignore: decorator
@inline const P_BOUND_MARGIN: i32 = 15; // the residual may be this many times the bound
// @ts-ignore: decorator
@inline const P_SUPPRESS: i32 = 16; // 0: the linear stage's output as it is
// @ts-ignore: decorator
@inline const P_DT_DB: i32 = 17; // the mic this far above the echo the gain bound predicts flags the user talking
// @ts-ignore: decorator
@inline const P_DT_STEP: i32 = 18; // the background's step scale while flagged
// @ts-ignore: decorator
@inline const PARAMS: i32 = 20;

@unmanaged class Aec {
  sampleRate: i32;
  b: i32; // block, samples
  n: i32; // 2B
  k: i32; // bins stored per spectrum (B + 4)
  m: i32; // partitions of the filter
  slots: i32; // reference spectra kept (m + maxLag + 1)
  maxLag: i32; // largest filter offset, blocks
  offset: i32; // filter offset into the history, blocks (where the echo starts, minus a margin)
  moves: i32;
  head: i32; // history slot of the newest frame
  fill: i32; // samples of the current block received
  constrainNext: i32;
  refCap: i32; // reference queue capacity (power of two)
  refRead: i32;
  refCount: i32;
  blocks: i32;
  copies: i32;
  resets: i32;
  refDropped: i32;
  // arrays
  fft: usize;
  work: usize;
  x: usize; // reference history, `slots` spectra
  delay: usize; // the delay estimator's state (./aec-delay)
  sup: usize; // the residual echo suppressor's state (./aec-suppress)
  linOut: usize; // f32[B] the linear stage's output block
  micFrame: usize; // previous and current mic block (the estimator's frame)
  sD: usize; // its spectrum
  wb: usize; // background filter, M spectra
  wf: usize; // foreground filter, M spectra
  unc: usize; // uncertainty P of the background coefficients, M x K
  caps: usize; // f32[M] prior (largest) uncertainty per partition
  floors: usize; // f32[M] process noise floor per partition
  decay: usize; // f32[M] the echo's energy over the filter's partitions (sums to 1; flat until estimated)
  xw: usize; // f32[K] the reference power weighted by it: an echo predictor per bin
  rScale: usize; // f32[K] share of the uncertainty the echo bound leaves
  errNoise: usize; // f32[K] noise floor of the error (|E|^2 / gamma)
  refQueue: usize;
  refFrame: usize;
  micBlock: usize;
  outBlock: usize;
  tmp: usize;
  yb: usize;
  yf: usize;
  eb: usize;
  ef: usize;
  sY: usize;
  sE: usize;
  sG: usize;
  resid: usize; // f32[K] R per bin
  invT: usize; // f32[K]
  params: usize;
  // scalars
  step: f32; // mean R / T over bins, last block
  sdd: f32;
  sbb: f32;
  sff: f32;
  sdiff: f32;
  erleNum: f32;
  erleDen: f32;
  dbgSdd: f32;
  wrongBlocks: i32; // blocks in a row the foreground's error was as loud as the mic
  bestErle: f32; // the foreground's best smoothed ERLE since the last path change (power ratio)
  pathChanges: i32;
  dbgSbb: f32;
  dbgSff: f32;
  excessDb: f32; // mic over the echo the gain bound predicts, dB (last block)
  gainDb: f32; // broadband echo gain bound, dB (a low percentile of mic over reference power)
  xwPrev: f32; // reference power over the filter window, last block (sum over bins)
  sddGain: f32;
  sxwGain: f32;
}

const LAYOUT_SCRATCH = memory.data(512, 16);

// @ts-ignore: decorator
@inline function alignUp(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

function layout(s: usize, sampleRate: i32, b: i32, m: i32, maxLag: i32, refCap: i32): usize {
  const a = changetype<Aec>(s);
  const n = 2 * b;
  const k = b + 4;
  const spec = <usize>(8 * k);
  let p = alignUp(s + offsetof<Aec>());
  a.fft = p; p = alignUp(p + fft_table_bytes(n));
  a.work = p; p += fft_work_bytes(n);
  a.x = p; p += <usize>(m + maxLag + 1) * spec;
  a.delay = p; p = alignUp(p + dl_bytes(sampleRate, n, m + maxLag + 1));
  a.sup = p; p = alignUp(p + sup_bytes(b));
  a.linOut = p; p += <usize>(4 * b);
  a.micFrame = p; p += <usize>(4 * n);
  a.sD = p; p += spec;
  a.wb = p; p += <usize>m * spec;
  a.wf = p; p += <usize>m * spec;
  a.unc = p; p += <usize>m * spec / 2;
  a.caps = p; p = alignUp(p + <usize>(4 * m));
  a.floors = p; p = alignUp(p + <usize>(4 * m));
  a.decay = p; p = alignUp(p + <usize>(4 * m));
  a.xw = p; p += <usize>(4 * k);
  a.rScale = p; p += <usize>(4 * k);
  a.errNoise = p; p += <usize>(4 * k);
  a.refQueue = p; p += <usize>(4 * refCap);
  a.refFrame = p; p += <usize>(4 * n);
  a.micBlock = p; p += <usize>(4 * b);
  a.outBlock = p; p += <usize>(4 * b);
  a.tmp = p; p += <usize>(4 * n);
  a.yb = p; p += <usize>(4 * b);
  a.yf = p; p += <usize>(4 * b);
  a.eb = p; p += <usize>(4 * b);
  a.ef = p; p += <usize>(4 * b);
  a.sY = p; p += spec;
  a.sE = p; p += spec;
  a.sG = p; p += spec;
  a.resid = p; p += <usize>(4 * k);
  a.invT = p; p += <usize>(4 * k);
  a.params = p; p += <usize>(4 * PARAMS);
  return p - s;
}

function refCapacity(sampleRate: i32): i32 {
  let cap = 1024;
  while (cap < sampleRate) cap <<= 1; // at least 1 s of reference queued
  return cap;
}

/** Bytes of state for a canceller with blocks of `b` samples and `m` partitions at `sampleRate`. */
export function aec_state_bytes(sampleRate: i32, b: i32, m: i32, maxLag: i32): usize {
  // layout() writes the offsets into a struct: run it on a scratch struct (same 16-byte alignment).
  return layout(LAYOUT_SCRATCH, sampleRate, b, m, maxLag, refCapacity(sampleRate));
}

// @ts-ignore: decorator
@inline function param(a: Aec, i: i32): f32 {
  return load<f32>(a.params + (<usize>i << 2));
}

/** Sets tunable `i` (see P_*); for measurement. */
export function aec_set(s: usize, i: i32, value: f32): void {
  const a = changetype<Aec>(s);
  if (i >= 0 && i < PARAMS) store<f32>(a.params + (<usize>i << 2), value);
}

/**
 * Initialises the state at `s` (aec_state_bytes zeroed bytes): blocks of `b` samples (power of two),
 * a filter of `m` partitions placed at up to `maxLag` blocks of delay.
 */
export function aec_init(s: usize, sampleRate: i32, b: i32, m: i32, maxLag: i32): void {
  const a = changetype<Aec>(s);
  a.sampleRate = sampleRate;
  a.b = b;
  a.n = 2 * b;
  a.k = b + 4;
  a.m = m;
  a.maxLag = maxLag;
  a.slots = m + maxLag + 1;
  a.refCap = refCapacity(sampleRate);
  layout(s, sampleRate, b, m, maxLag, a.refCap); // writes the absolute pointers
  fft_init(a.fft, a.n);
  dl_init(a.delay, sampleRate, a.n, a.slots, maxLag + 2, 250, 4);
  sup_init(a.sup, b, sampleRate, 600, -40, 8);
  aec_set(s, P_ECHO_GAIN, 2);
  aec_set(s, P_PRIOR_T60, 0);
  aec_set(s, P_LAMBDA, 1.0e-4);
  aec_set(s, P_FLOOR, 1.0e-5);
  aec_set(s, P_CONSTRAIN, 2);
  aec_set(s, P_COPY_RATIO, 0.5);
  aec_set(s, P_COMPARE_MS, 40);
  aec_set(s, P_RESET_RATIO, 4);
  aec_set(s, P_GAMMA, 0.5);
  aec_set(s, P_STEP, 1);
  aec_set(s, P_INFO, 0.1);
  aec_set(s, P_PRE_BLOCKS, 2);
  aec_set(s, P_PLACE, 1);
  aec_set(s, P_BOUND_RISE_DB, 6);
  aec_set(s, P_BOUND_T60, 0);
  aec_set(s, P_BOUND_MARGIN, 3);
  aec_set(s, P_SUPPRESS, 1);
  aec_set(s, P_DT_DB, 8);
  aec_set(s, P_DT_STEP, 0.1);
  aec_reset(s);
}

/** Sets the prior uncertainty per partition from the tunables (P_ECHO_GAIN spread by P_PRIOR_T60). */
function setPrior(a: Aec): void {
  const t60 = param(a, P_PRIOR_T60);
  let sum: f64 = 0;
  for (let q = 0; q < a.m; q++) {
    const v = t60 > 0 ? Math.max(1.0e-3, Math.pow(10.0, -6.0 * <f64>(q * a.b) / <f64>a.sampleRate / <f64>t60)) : 1.0;
    store<f32>(a.caps + (<usize>q << 2), <f32>v);
    sum += v;
  }
  let dsum: f64 = 0;
  const t60b = <f64>param(a, P_BOUND_T60);
  for (let q = 0; q < a.m; q++) dsum += t60b > 0 ? Math.pow(10.0, -6.0 * <f64>(q * a.b) / <f64>a.sampleRate / t60b) : 1.0;
  for (let q = 0; q < a.m; q++) {
    const v = t60b > 0 ? Math.pow(10.0, -6.0 * <f64>(q * a.b) / <f64>a.sampleRate / t60b) : 1.0;
    store<f32>(a.decay + (<usize>q << 2), <f32>(v / dsum));
  }
  for (let q = 0; q < a.m; q++) {
    const cap = <f32>(<f64>load<f32>(a.caps + (<usize>q << 2)) / sum) * param(a, P_ECHO_GAIN);
    store<f32>(a.caps + (<usize>q << 2), cap);
    store<f32>(a.floors + (<usize>q << 2), cap * param(a, P_FLOOR));
    const row = a.unc + <usize>q * (<usize>a.k << 2);
    for (let j = 0; j < a.k; j++) store<f32>(row + (<usize>j << 2), cap);
  }
}

/** Forgets the room, the queued reference and the blocks in flight (keeps the tunables). */
export function aec_reset(s: usize): void {
  const a = changetype<Aec>(s);
  a.gainDb = 10 * Mathf.log10(param(a, P_ECHO_GAIN));
  for (let j = 0; j < a.k; j++) store<f32>(a.errNoise + (<usize>j << 2), 1.0e10);
  a.xwPrev = 0;
  a.sddGain = 0;
  a.sxwGain = 0;
  const spec = <usize>(8 * a.k);
  memory.fill(a.x, 0, <usize>a.slots * spec);
  memory.fill(a.wb, 0, <usize>a.m * spec * 2);
  memory.fill(a.micFrame, 0, <usize>(4 * a.n));
  dl_reset(a.delay);
  sup_reset(a.sup);
  a.offset = 0;
  a.moves = 0;
  memory.fill(a.refFrame, 0, <usize>(4 * a.n));
  memory.fill(a.outBlock, 0, <usize>(4 * a.b));
  setPrior(a);
  a.head = 0;
  a.fill = 0;
  a.constrainNext = 0;
  a.refRead = 0;
  a.refCount = 0;
  a.blocks = 0;
  a.copies = 0;
  a.resets = 0;
  a.refDropped = 0;
  a.step = 0;
  a.sdd = 0;
  a.sbb = 0;
  a.sff = 0;
  a.sdiff = 0;
  a.erleNum = 0;
  a.erleDen = 0;
  a.wrongBlocks = 0;
  a.bestErle = 1;
  a.pathChanges = 0;
}

/** Copies `n` samples, NaN and +-Inf replaced by 0. */
function sanitizeCopy(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(src + (<usize>i << 2));
    store<f32>(dst + (<usize>i << 2), Mathf.abs(v) < Infinity ? v : 0);
  }
}

/** Queues `n` reference samples (what the speaker plays). Drops the oldest beyond the capacity (counted). */
export function aec_push_reference(s: usize, ptr: usize, n: i32): void {
  const a = changetype<Aec>(s);
  const mask = a.refCap - 1;
  for (let i = 0; i < n; i++) {
    if (a.refCount == a.refCap) {
      a.refRead = (a.refRead + 1) & mask;
      a.refCount--;
      a.refDropped++;
    }
    const v = load<f32>(ptr + (<usize>i << 2));
    store<f32>(a.refQueue + (<usize>((a.refRead + a.refCount) & mask) << 2), Mathf.abs(v) < Infinity ? v : 0);
    a.refCount++;
  }
}

function pullReference(a: Aec, dst: usize, n: i32): void {
  const mask = a.refCap - 1;
  const take = min(n, a.refCount);
  for (let i = 0; i < take; i++) {
    store<f32>(dst + (<usize>i << 2), load<f32>(a.refQueue + (<usize>((a.refRead + i) & mask) << 2)));
  }
  a.refRead = (a.refRead + take) & mask;
  a.refCount -= take;
  if (take < n) memory.fill(dst + (<usize>take << 2), 0, <usize>(n - take) << 2);
}

/** Processes `n` mic samples into `out` (may alias `mic`); returns n. Output lags the mic by one block. */
export function aec_process(s: usize, mic: usize, out: usize, n: i32): i32 {
  const a = changetype<Aec>(s);
  const b = a.b;
  let done = 0;
  while (done < n) {
    const take = min(n - done, b - a.fill);
    const off = <usize>done << 2;
    const at = <usize>a.fill << 2;
    sanitizeCopy(mic + off, a.micBlock + at, take);
    memory.copy(out + off, a.outBlock + at, <usize>take << 2);
    pullReference(a, a.refFrame + (<usize>b << 2) + at, take);
    a.fill += take;
    done += take;
    if (a.fill == b) {
      block(a);
      a.fill = 0;
    }
  }
  return n;
}

function energy(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

/** e = d - y over n samples (n a multiple of 4). */
function subtract(d: usize, y: usize, e: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(e + o, f32x4.sub(v128.load(d + o), v128.load(y + o)));
  }
}

/**
 * The broadband echo gain bound: the mic's block energy over the reference power in the filter's
 * window (both smoothed over ~50 ms), its 20th percentile tracked in dB (up P_BOUND_RISE_DB per
 * second, down 4x as fast), on blocks where the reference is playing.
 */
function trackGain(a: Aec, sdd: f32, xwSum: f32): void {
  const blocksPerSecond = <f32>a.sampleRate / <f32>a.b;
  const rate = min<f32>(1, 20 / blocksPerSecond);
  // xw sums |X|^2 of 2B-point frames over the bins: about 2B x 2B / 2 x the power; a block's energy is B x the power
  a.sddGain += rate * (sdd - a.sddGain);
  a.sxwGain += rate * (xwSum / (<f32>2 * <f32>a.n) - a.sxwGain);
  if (a.sxwGain < 1.0e-7 * <f32>a.b) {
    a.excessDb = 0;
    return;
  }
  const ratioDb: f32 = <f32>10 * Mathf.log10((a.sddGain + <f32>1.0e-20) / a.sxwGain);
  a.excessDb = ratioDb - a.gainDb;
  const up = param(a, P_BOUND_RISE_DB) / blocksPerSecond;
  a.gainDb += ratioDb > a.gainDb ? up : -4 * up;
  a.gainDb = min<f32>(a.gainDb, 10 * Mathf.log10(param(a, P_ECHO_GAIN)));
}

function energyOfDifference(p: usize, q: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const v = f32x4.sub(v128.load(p + (<usize>i << 2)), v128.load(q + (<usize>i << 2)));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

function block(a: Aec): void {
  const b = a.b;
  const k = a.k;
  const m = a.m;
  const spec = <usize>(8 * k);
  const kb = <usize>k << 2;
  // 1. the newest reference frame (previous block, this block) into the history
  a.head = a.head == 0 ? a.slots - 1 : a.head - 1;
  const fh = (a.head + a.offset) % a.slots; // slot of the filter's first partition
  const xh = a.x + <usize>a.head * spec;
  fft_forward(a.fft, a.refFrame, xh, xh + kb, a.work);
  const sxx = energy(a.refFrame + (<usize>b << 2), b);
  memory.copy(a.refFrame, a.refFrame + (<usize>b << 2), <usize>b << 2);
  // 2. echo estimates and errors of both filters
  pf_filter(a.wb, a.x, m, a.slots, fh, k, a.sY, a.sY + kb);
  pf_last_half(a.sY, a.sY + kb, b, a.fft, a.tmp, a.work, a.yb);
  pf_filter(a.wf, a.x, m, a.slots, fh, k, a.sY, a.sY + kb);
  pf_last_half(a.sY, a.sY + kb, b, a.fft, a.tmp, a.work, a.yf);
  subtract(a.micBlock, a.yb, a.eb, b);
  subtract(a.micBlock, a.yf, a.ef, b);
  const sdd = energy(a.micBlock, b);
  const sbb = energy(a.eb, b);
  const sff = energy(a.ef, b);
  a.dbgSdd = sdd;
  a.dbgSbb = sbb;
  a.dbgSff = sff;
  // 3. adapt the background filter (./aec-step)
  memory.copy(a.micFrame + (<usize>b << 2), a.micBlock, <usize>b << 2);
  fft_forward(a.fft, a.micFrame, a.sD, a.sD + kb, a.work);
  memory.copy(a.micFrame, a.micFrame + (<usize>b << 2), <usize>b << 2);
  pf_block_spectrum(a.eb, b, a.fft, a.tmp, a.work, a.sE, a.sE + kb);
  kf_residual(a.x, a.unc, m, a.slots, fh, k, a.decay, a.resid, a.xw);
  // the residual cannot exceed the echo: at most P_BOUND_MARGIN x the echo gain bound x the
  // reference power over the window (what keeps the steps small while a user louder than a quiet
  // echo talks, before the filter has learned how quiet the echo is)
  const blocksPerSecond = <f32>a.sampleRate / <f32>b;
  const xwSum = kf_apply_bound(a.xw, k, param(a, P_BOUND_MARGIN) * Mathf.pow(10, 0.1 * a.gainDb), a.resid, a.rScale);
  trackGain(a, sdd, xwSum);
  const delta: f32 = 1.0e-10 * <f32>a.n;
  // the reference noise gate: 60 dB under the window's strongest bin, or under -100 dBFS (white)
  const xFloor = max<f32>(1.0e-6 * kf_max(a.xw, k), 1.0e-10 * <f32>a.n);
  const echoBound = param(a, P_BOUND_MARGIN) * Mathf.pow(10, 0.1 * a.gainDb);
  const noiseRise = Mathf.pow(10, 0.3 / blocksPerSecond); // 3 dB/s
  const talking = a.excessDb > param(a, P_DT_DB);
  const stepScale = talking ? param(a, P_DT_STEP) : <f32>1;
  a.step = kf_scale(a.sE, a.sE + kb, a.resid, a.xw, xFloor, echoBound, a.errNoise, noiseRise, k, b + 1, param(a, P_GAMMA), param(a, P_STEP) * stepScale, delta, a.sG, a.sG + kb, a.invT);
  kf_update(a.wb, a.x, a.unc, m, a.slots, fh, k, a.sG, a.sG + kb, a.invT, a.rScale, param(a, P_LAMBDA), param(a, P_INFO), a.floors, a.caps);
  const nc = min(m, <i32>param(a, P_CONSTRAIN));
  for (let c = 0; c < nc; c++) {
    pf_constrain(a.wb + <usize>a.constrainNext * spec, k, b, a.fft, a.tmp, a.work);
    a.constrainNext = a.constrainNext + 1 == m ? 0 : a.constrainNext + 1;
  }
  // 4. two paths: the foreground takes the background's weights when the background's error is
  // significantly lower, judged against the cross term the user's voice adds to both errors
  // (e_b = e_f + Δ, Δ = y_f - y_b: Sbb - Sff = 2 e_f.Δ + |Δ|^2, and in double talk e_f.Δ is noise
  // of size sqrt(Sff SΔ / samples)); the background takes the foreground's back when it diverged.
  const sdiff = energyOfDifference(a.yb, a.yf, b);
  const rate = min<f32>(1, <f32>b * 1000 / (<f32>a.sampleRate * param(a, P_COMPARE_MS)));
  a.sdd += rate * (sdd - a.sdd);
  a.sbb += rate * (sbb - a.sbb);
  a.sff += rate * (sff - a.sff);
  a.sdiff += rate * (sdiff - a.sdiff);
  let out = a.ef;
  let echo = a.yf;
  if (!talking && a.sff - a.sbb > param(a, P_COPY_RATIO) * Mathf.sqrt(a.sff * a.sdiff) && sbb < sff) {
    memory.copy(a.wf, a.wb, <usize>m * spec);
    a.sff = a.sbb;
    a.sdiff = 0;
    a.copies++;
    out = a.eb;
    echo = a.yb;
  } else if (a.sbb > param(a, P_RESET_RATIO) * a.sff) {
    memory.copy(a.wb, a.wf, <usize>m * spec);
    a.sbb = a.sff;
    a.sdiff = 0;
    a.resets++;
  }
  detectPathChange(a, sxx, talking);
  memory.copy(a.linOut, out, <usize>b << 2);
  if (param(a, P_SUPPRESS) > 0) sup_process(a.sup, a.fft, a.work, out, echo, a.xw, a.outBlock);
  else memory.copy(a.outBlock, out, <usize>b << 2);
  if (sxx > 1.0e-6 * <f32>b) {
    a.erleNum += 0.02 * (sdd - a.erleNum);
    a.erleDen += 0.02 * (energy(out, b) - a.erleDen);
  }
  // 5. the delay estimate places the filter for the next block; its profile weights the reference
  // every second block: its statistics are smoothed over 0.25 s anyway (half its cost)
  const onset = (a.blocks & 1) == 0 ? dl_update(a.delay, a.x, a.slots, a.head, k, a.sD, a.sD + kb) : dl_onset(a.delay);
  if (onset >= 0 && param(a, P_PLACE) > 0) place(a, onset);
  if (onset >= 0) weighProfile(a);
  a.blocks++;
}

/**
 * A path change: the foreground's error louder than the mic (by 0.4 dB: a model of another room
 * adds its own estimate, up to twice the mic; a matching model never does, even while the user
 * talks, since then the error is the user alone) for 80 ms of playback without the double-talk
 * flag, after the filter had reached 10 dB. Then the background's uncertainty goes back to the prior
 * (it relearns at full speed) and the suppressor forgets its leakage. (A moved device that still
 * half-matches the old model is not caught; the filter then relearns at its tracking rate.)
 */
function detectPathChange(a: Aec, sxx: f32, talking: bool): void {
  if (a.sff > 0 && a.sdd > 0) a.bestErle = max(a.bestErle, a.sdd / a.sff);
  const playing = sxx > 1.0e-6 * <f32>a.b;
  if (playing && !talking && a.sff > 1.1 * a.sdd && a.bestErle > 10) a.wrongBlocks++;
  else a.wrongBlocks = 0;
  if (<f32>a.wrongBlocks * <f32>a.b > 0.08 * <f32>a.sampleRate) {
    setPrior(a);
    sup_forget(a.sup);
    a.bestErle = 1;
    a.wrongBlocks = 0;
    a.pathChanges++;
  }
}

/** The echo's energy over the filter's partitions from the estimator's coherence profile (normalised). */
function weighProfile(a: Aec): void {
  const prof = dl_profile(a.delay);
  let sum: f32 = 0;
  for (let q = 0; q < a.m; q++) sum += load<f32>(prof + (<usize>(a.offset + q) << 2));
  if (!(sum > 0)) return;
  for (let q = 0; q < a.m; q++) store<f32>(a.decay + (<usize>q << 2), load<f32>(prof + (<usize>(a.offset + q) << 2)) / sum);
}

/**
 * Moves the filter so that it starts P_PRE_BLOCKS before the onset, when the echo would start
 * before the filter's first block or more than P_PRE_BLOCKS + 3 blocks after it (a dead zone, so
 * that an onset estimate wavering by a block or two does not move the filter). Both filters keep
 * modelling the same lags (their weights move with the window); the background's uncertainty is
 * reset to the prior so that it learns the new part fast.
 */
function place(a: Aec, onset: i32): void {
  const target = min(a.maxLag, max(0, onset - <i32>param(a, P_PRE_BLOCKS)));
  const by = target - a.offset;
  const pre = <i32>param(a, P_PRE_BLOCKS);
  if (by == 0 || (onset > a.offset && onset <= a.offset + pre + 3)) return;
  const spec = <usize>(8 * a.k);
  // the foreground keeps modelling the same lags (right when the estimate was only refined); the
  // first placement hands the background the same, later moves leave the background's weights
  // where they were in the window: they move with the echo (right when playout jumped)
  pf_shift(a.wf, a.m, spec, by);
  if (a.moves == 0) memory.copy(a.wb, a.wf, <usize>a.m * spec);
  setPrior(a);
  a.offset = target;
  a.moves++;
}

/** Debug: sum over partitions of |W_m(bin)|^2 of the foreground (which = 0) or background filter, dB. */
export function aec_debug_w(s: usize, which: i32, bin: i32): f64 {
  const a = changetype<Aec>(s);
  const w = which == 0 ? a.wf : a.wb;
  let acc: f64 = 0;
  for (let q = 0; q < a.m; q++) {
    const p = w + <usize>q * (<usize>(8 * a.k)) + (<usize>bin << 2);
    const re = <f64>load<f32>(p);
    const im = <f64>load<f32>(p + (<usize>a.k << 2));
    acc += re * re + im * im;
  }
  return 10 * Math.log10(acc + 1e-30);
}

/** Sets suppressor tunable `i` (see sup_set). */
export function aec_sup_set(s: usize, i: i32, v: f32): void {
  const a = changetype<Aec>(s);
  sup_set(a.sup, i, v, a.sampleRate);
}

/** Diagnostics by index: 1 mean step, 2 copies, 3 resets, 5 ERLE dB (smoothed), 6 dropped reference samples, 7 blocks. */
export function aec_stat(s: usize, i: i32): f64 {
  const a = changetype<Aec>(s);
  switch (i) {
    case 1: return a.step;
    case 2: return a.copies;
    case 3: return a.resets;
    case 5: return 10 * Math.log10((<f64>a.erleNum + 1e-20) / (<f64>a.erleDen + 1e-20));
    case 6: return a.refDropped;
    case 7: return a.blocks;
    case 17: return a.gainDb;
    case 24: return a.excessDb;
    case 25: return a.pathChanges;
    case 21: return 10 * Math.log10(<f64>a.dbgSdd + 1e-30);
    case 22: return 10 * Math.log10(<f64>a.dbgSbb + 1e-30);
    case 23: return 10 * Math.log10(<f64>a.dbgSff + 1e-30);
    case 18: return sup_stat(a.sup, 0);
    case 19: return sup_stat(a.sup, 1);
    case 20: return sup_stat(a.sup, 2);
    case 11: return a.offset;
    case 12: return a.moves;
    case 13: return dl_stat(a.delay, 0);
    case 14: return dl_stat(a.delay, 1);
    case 15: return dl_stat(a.delay, 2);
    case 16: return dl_stat(a.delay, 3);
    default: return 0;
  }
}
