// The echo canceller's bench hooks: a per-block trace of the suppressor (bench/echo-lab.mjs trace)
// and the cost split's ablations (bench/aec-cost-split.mjs: a part of a block run twice, a
// non-uniform partitioned tail emulated). Compiled in only by `asc --use BENCH_HOOKS=1` from
// ./index-hooks (bench/echo-lab/hooked-build.mjs builds that into a temp dir): in the release build
// `HOOKS` is false, the kernel's `if (HOOKS)` lines are not compiled, and nothing here is either
// (the release .wasm is byte-identical with or without them; test/unit/bench-hooks.test.ts compiles
// them, so a change that breaks them shows). No latency; with no trace set and no ablation asked, a
// hooked build's output is bit-identical to the release's (bench/aec-identical.mjs).

import { fft_inverse, fft_forward, fft_init, fft_table_bytes, fft_work_bytes } from "./fft";
import { pf_constrain, pf_last_half, pf_block_spectrum } from "./aec-filter";
import { kf_filter_residual, kf_runs, kf_update } from "./aec-step";
import { dl_update, dl_onset, dl_profile, dl_peak, dl_peak_lag, dl_unplaced, dl_long_tail, dl_search_lags, dl_search_set, dl_far_peak, dl_far_lag, dl_beyond_updates, dl_beyond_candidate, dl_likely_onset, dl_debug } from "./aec-delay";
import { Line } from "./aec-skew-line";
import { Aec, INFO, LAMBDA, ECHO_GAIN } from "./aec-state";
import { Suppress, HALL_NEAR } from "./aec-suppress-state";
import { sup_ref_rise_db, sup_rise_holds } from "./aec-suppress";
import { alloc } from "./memory";
import { returnLag } from "./aec-block";
import { energy } from "./simd-hsum";

// @ts-ignore: decorator; BENCH_HOOKS exists only with --use BENCH_HOOKS=1 (isDefined: at compile time)
@inline export const HOOKS: bool = isDefined(BENCH_HOOKS);
// @ts-ignore: decorator; PIN_ONSET exists only with --use PIN_ONSET=<lag in blocks> (the placement oracle, aec-open6)
@inline const PIN_LAG: i32 = isDefined(PIN_ONSET) ? <i32>PIN_ONSET : -1;
/** The placement oracle (aec-open6): the delay estimate's onset replaced by PIN_ONSET's lag from the first block. */
export function ab_onset(onset: i32): i32 { return PIN_LAG >= 0 ? PIN_LAG : onset; }

// ---- the path-change veto (aec-quiet2, bench/echo-quiet.mjs --veto): on scenes without a true path
// change, the changes of the rules in the mask not taken (1 divergence, 2 louder error, 4 misfit, 8 emerged);
// ablations of a divergence's restart: 16 the suppressor does not forget, 32 no relaxed bound;
// the divergence rule sooner: 64 the estimate over 1.4x the mic (not 2x), 128 for 40 ms (not 80);
// 256 the suppressor's hall cap on the gain's residual (HALL_NEAR) off (aec-cap8); 512 the divergence counted
// while the reply's echo fades after a change too (aec-dtpath3: as before it); (aec-drc8) 2048 a divergence's
// restart keeps a suppressor not yet warm learning (its leakage forgotten, not its count to warm: sup_forget_leak),
// 4096 a divergence keeps the foreground's weights (as a louder error's change: the background alone restarts);
// (aec-btcost17) ./aec-suppress: 8192 aec-changes16's relearning suspect rule off, 16384 its 1 x steps off, 32768 its gain on
// the mic off; ./aec-change: 65536 a divergence in a reply's fade exempted only while relearning (as before aec-btcost17);
// (aec-moving18, ./aec-change moveJudged) 131072 a louder error under no skew followed judged as a device moving
// (takeMove), 524288 with it only past SHIFT_BELOW, 262144 a move taken opens the background's steps too
let vetoMask: i32 = 0;
/** Sets the rules whose path changes are not taken (0: every change taken, as released). */
export function aec_veto_set(mask: i32): void { vetoMask = mask; }
/** In detectPathChange: whether a change by `rule` (one bit of the mask) is vetoed. */
export function ab_veto(rule: i32): bool { return (vetoMask & rule) != 0; }

// ---- the path-change trace (bench/echo-path-trace.mjs): per block 16 floats of detectPathChange's state
let ptBase: usize = 0;
let ptCap: i32 = 0;
let ptN: i32 = 0;
/** Starts a path-change trace into `cap` blocks at `ptr` (16 floats each). */
export function aec_ptrace_set(ptr: usize, cap: i32): void { ptBase = ptr; ptCap = cap; ptN = 0; }
/** Blocks traced since aec_ptrace_set. */
export function aec_ptrace_count(): i32 { return ptN; }
let fdBase: usize = 0;
/** With aec_ptrace_set: per traced block one f32 more at `ptr`, whether the divergence rule's fade gate held (aec-divrule). */
export function aec_ftrace_set(ptr: usize): void { fdBase = ptr; }
/** In detectPathChange, once the misfit counter has moved: the state the rules judge; `fade`: after a path change of a learned room while the reply's echo fades (aec-dtpath3's gate). */
export function trace_path(a: Aec, heard: bool, playing: bool, fade: bool): void {
  if (ptBase == 0 || ptN >= ptCap) return;
  const tb = ptBase + <usize>ptN * 64;
  if (fdBase != 0) store<f32>(fdBase + (<usize>ptN << 2), fade ? 1 : 0);
  ptN++;
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, a.sdd); store<f32>(tb + 8, a.sbb); store<f32>(tb + 12, a.sff);
  store<f32>(tb + 16, a.syf); store<f32>(tb + 20, a.bestErle); store<f32>(tb + 24, a.talking ? 1 : 0); store<f32>(tb + 28, heard ? 1 : 0);
  store<f32>(tb + 32, playing ? 1 : 0); store<f32>(tb + 36, <f32>a.misfitBlocks); store<f32>(tb + 40, <f32>a.wrongBlocks);
  store<f32>(tb + 44, <f32>dl_onset(a.delay)); store<f32>(tb + 48, a.excessDb); store<f32>(tb + 52, <f32>a.pathChanges);
  store<f32>(tb + 56, a.heardErleDb); store<f32>(tb + 60, a.bestHeardDb);
  trace_weights(a);
}

// ---- the weights' trace (aec-jitnode, bench/echo-jitter-node.mjs): per block WT_STRIDE floats: the
// block, the filter's offset (blocks), its moves, M, then each partition's energy in the foreground
// (M floats) and the background (M floats); M <= WT_MAX_M
const WT_MAX_M: i32 = 64;
const WT_STRIDE: i32 = 4 + 2 * WT_MAX_M;
let wtBase: usize = 0;
let wtCap: i32 = 0;
let wtN: i32 = 0;
/** Starts a weights trace into `cap` blocks at `ptr` (WT_STRIDE floats each: 132). */
export function aec_wtrace_set(ptr: usize, cap: i32): void { wtBase = ptr; wtCap = cap; wtN = 0; }
/** Blocks traced since aec_wtrace_set. */
export function aec_wtrace_count(): i32 { return wtN; }
function trace_weights(a: Aec): void {
  if (wtBase == 0 || wtN >= wtCap) return;
  const tb = wtBase + <usize>wtN * (<usize>WT_STRIDE << 2);
  wtN++;
  const m = min(a.m, WT_MAX_M);
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, <f32>a.offset); store<f32>(tb + 8, <f32>a.moves); store<f32>(tb + 12, <f32>m);
  const spec = <usize>(8 * a.k);
  for (let q = 0; q < m; q++) {
    store<f32>(tb + 16 + (<usize>q << 2), energy(a.wf + <usize>q * spec, 2 * a.k));
    store<f32>(tb + 16 + (<usize>(WT_MAX_M + q) << 2), energy(a.wb + <usize>q * spec, 2 * a.k));
  }
}

// ---- the late-echo model's switch (aec-quiet, ./aec-late): when each rule first held and how long
// the model ran; `lateMode` 0: as released, 1: the early rule (the first onset's wait) off, 2: never used
let lateMode: i32 = 0;
let lateEarlyBlock: i32 = -1;
let lateScoreBlock: i32 = -1;
let lateUsedBlocks: i32 = 0;
/** Forgets the log and sets the mode (0 as released, 1 without the early rule, 2 the model never used). */
export function aec_late_log_reset(mode: i32): void { lateMode = mode; lateEarlyBlock = -1; lateScoreBlock = -1; lateUsedBlocks = 0; }
/** The block the early rule first held (-1: never; logged whatever the mode). */
export function aec_late_early_block(): i32 { return lateEarlyBlock; }
/** The block the score first latched the model on (-1: never; logged whatever the mode). */
export function aec_late_score_block(): i32 { return lateScoreBlock; }
/** Blocks the model was used in. */
export function aec_late_used_blocks(): i32 { return lateUsedBlocks; }
/** In late_block: logs the two rules; returns whether the model is used (as released: `on || early`). */
export function ab_late(blocks: i32, early: bool, on: bool): bool {
  if (early && lateEarlyBlock < 0) lateEarlyBlock = blocks;
  if (on && lateScoreBlock < 0) lateScoreBlock = blocks;
  const use = lateMode == 0 ? on || early : lateMode == 1 ? on : false;
  if (use) lateUsedBlocks++;
  return use;
}

// ---- the delay estimator's coherence profile (aec-quiet: where a first onset was taken)
/** The delay estimator's coherence profile of the canceller at `s` (f32 per lag, `aec_delay_lags` of them). */
export function aec_delay_profile(s: usize): usize { return dl_profile(changetype<Aec>(s).delay); }
/** Lags in that profile (the canceller's slots). */
export function aec_delay_lags(s: usize): i32 { return changetype<Aec>(s).slots; }
/** Its peak (0..1). */
export function aec_delay_peak(s: usize): f32 { return dl_peak(changetype<Aec>(s).delay); }
/** The evidence past the search (aec-bt2): the far peak (0..1), its lag, the updates it stood out in a row, their onset (./aec-delay dl_far_peak). */
export function aec_delay_far_peak(s: usize): f32 { return dl_far_peak(changetype<Aec>(s).delay); }
export function aec_delay_far_lag(s: usize): i32 { return dl_far_lag(changetype<Aec>(s).delay); }
export function aec_delay_beyond_updates(s: usize): i32 { return dl_beyond_updates(changetype<Aec>(s).delay); }
export function aec_delay_beyond_candidate(s: usize): i32 { return dl_beyond_candidate(changetype<Aec>(s).delay); }
/** Updates with echo before its first onset (aec-hall7: the long-tail placement's wait). */
export function aec_delay_unplaced(s: usize): i32 { return dl_unplaced(changetype<Aec>(s).delay); }
/** The hall cap's conditions (aec-cap8), bits: 1 ./aec-late's score latched (lateOn), 2 a tail of seconds (dl_long_tail), 4 the suppressor's user-presence hang running, 8 unused since aec-hall8 (was hallBroad: the cap now holds through every presence); 4-23 the updates with the echo heard before the first onset (dl_unplaced: a tail of seconds at 62), 24-30 the path changes. */
export function aec_hall_state(s: usize): i32 {
  const a = changetype<Aec>(s);
  const u = changetype<Suppress>(a.sup);
  return (a.lateOn ? 1 : 0) | (dl_long_tail(a.delay) ? 2 : 0) | (u.hang > 0 ? 4 : 0) | (min(dl_unplaced(a.delay), 0xfffff) << 4) | (min(a.pathChanges, 127) << 24);
}
/** The filter's placement (aec-kiosk420): its offset into the history, blocks; the moves since the last reset; the foreground's best ERLE since the last reset or path change (ratio). */
export function aec_filter_offset(s: usize): i32 { return changetype<Aec>(s).offset; }
export function aec_filter_moves(s: usize): i32 { return changetype<Aec>(s).moves; }
export function aec_best_erle(s: usize): f32 { return changetype<Aec>(s).bestErle; }
/** The broadband echo gain bound and the mic's excess over it, dB (./aec-block trackGain). */
export function aec_gain_db(s: usize): f32 { return changetype<Aec>(s).gainDb; }
export function aec_excess_db(s: usize): f32 { return changetype<Aec>(s).excessDb; }
/** The first echo's arrival (aec-quiet6): the share dl_arrival recognised this block (0: none), the profile's peak lag, the likely onset (the candidate before a first one, -1: none), the linear stage's double-talk flag. */
export function aec_arrival_share(s: usize): f32 { return changetype<Suppress>(changetype<Aec>(s).sup).arrival; }
/** (soak-days16) The suppressor's noise floor (which 0) or comfort noise's floor (1) summed over the bins, dB (its own units: compare with itself). */
export function aec_floor_db(s: usize, which: i32): f32 {
  const u = changetype<Suppress>(changetype<Aec>(s).sup);
  const at = which == 0 ? u.noise : u.cnoise;
  let sum: f32 = 0;
  for (let j = 0; j < u.k; j++) sum += load<f32>(at + (<usize>j << 2));
  return <f32>10 * Mathf.log10(sum + <f32>1e-30);
}
export function aec_delay_peak_lag(s: usize): i32 { return dl_peak_lag(changetype<Aec>(s).delay); }
export function aec_delay_likely(s: usize): i32 { return dl_likely_onset(changetype<Aec>(s).delay); }
export function aec_talking(s: usize): i32 { return changetype<Aec>(s).talking ? 1 : 0; }
/** (aec-bt11) The suppressor's f32[K] of the echo dl_arrival explains per bin (-1 outside its band), whether that recognition was past the search, and the blocks the user has been judged present. */
export function aec_arrive_bins(s: usize): usize { return changetype<Suppress>(changetype<Aec>(s).sup).arrive; }
export function aec_arrival_far(s: usize): i32 { return changetype<Suppress>(changetype<Aec>(s).sup).arrivalFar ? 1 : 0; }
export function aec_present_blocks(s: usize): i32 { return changetype<Suppress>(changetype<Aec>(s).sup).presentBlocks; }
/** (onset19) The delay decision's state (./aec-delay dl_debug): 0 candidate, 1 its updates, 2 re-arm left, 3 lag l's age, 4 its updates since resumed, 5 its silent run. */
export function aec_delay_debug(s: usize, which: i32, l: i32): i32 { return dl_debug(changetype<Aec>(s).delay, which, l); }
/** The lags its onset is searched in (maxLag + 2). */
export function aec_delay_search_lags(s: usize): i32 { return dl_search_lags(changetype<Aec>(s).delay); }
/** (soakworst18) Sets the lags its onset is searched in: 1 the reach (as a widening past the search leaves them for the run), 0 the initial search. */
export function aec_delay_search_set(s: usize, wide: i32): void { dl_search_set(changetype<Aec>(s).delay, wide != 0); }

// ---- the presence oracle (aec-open9, bench/echo-lab.mjs openings --oracle): per suppressor block
// (its frame count) a byte from the scene's labels; where it is set, a presence starts (the hang
// restarts) whatever the suppressor judged: what the openings would be with no decision latency
let orBase: usize = 0;
let orN: i32 = 0;
/** Starts the presence oracle from `n` bytes at `ptr` (one per block; 0 at `ptr`: off). */
export function aec_oracle_set(ptr: usize, n: i32): void { orBase = ptr; orN = n; }
/** In sup_process after the presence decision: the oracle's presence. */
export function ab_present(s: Suppress): void {
  if (orBase != 0 && s.frames < orN && load<u8>(orBase + <usize>s.frames) != 0) s.hang = s.hangBlocks;
}

// ---- the residual oracle (aec-open11, bench/echo-lab.mjs openings --oracle with ECHO_RESID_ORACLE):
// the scene's true near end (user + noise, f32 per mic sample from `ptr`); per block the true residual
// echo in the suppressor's frame, |E - T|^2 with T the near end's spectrum over the same frame (E as the
// gain sees it), replaces the gain's residual: `mode` 1 while the user is present (residNear), 2 with no
// user (residFar), 3 both; x `scale`. What the openings would be with an exact residual estimate.
let roBase: usize = 0;
let roN: i32 = 0;
let roMode: i32 = 0;
let roScale: f32 = 1;
// scratch allocated by the first call (static arrays here would be allocated in the release build too)
let roPrev: usize = 0; // f32[512]: the last block's true near end
let roFrame: usize = 0; // f32[1024]
let roRe: usize = 0; // f32[528]
let roIm: usize = 0;
/** Starts the residual oracle over `n` samples at `ptr` (0: off). */
export function aec_resid_oracle_set(ptr: usize, n: i32, mode: i32, scale: f32): void {
  roBase = ptr; roN = n; roMode = mode; roScale = scale;
  if (roPrev == 0) {
    roPrev = alloc(512 << 2);
    roFrame = alloc(1024 << 2);
    roRe = alloc(528 << 2);
    roIm = alloc(528 << 2);
  }
  memory.fill(roPrev, 0, 512 << 2);
}
/** In sup_process before the gain (after the presence decision): the true residual in place of the gain's. */
export function ab_resid(s: Suppress, fft: usize, work: usize, overFar: f32): void {
  if (roBase == 0) return;
  const b = s.b;
  const at = s.frames * b;
  const fr = roFrame;
  for (let i = 0; i < b; i++) {
    const o = <usize>i << 2;
    const t: f32 = at + i < roN ? load<f32>(roBase + (<usize>(at + i) << 2)) : 0;
    store<f32>(fr + o, load<f32>(roPrev + o) * load<f32>(s.win + o));
    store<f32>(fr + (<usize>(b + i) << 2), t * load<f32>(s.win + (<usize>(b + i) << 2)));
    store<f32>(roPrev + o, t);
  }
  const re = roRe;
  const im = roIm;
  fft_forward(fft, fr, re, im, work);
  for (let j = 0; j < s.k; j++) {
    const o = <usize>j << 2;
    const dr = load<f32>(s.eRe + o) - load<f32>(re + o);
    const di = load<f32>(s.eIm + o) - load<f32>(im + o);
    const r = roScale * (dr * dr + di * di) / max<f32>(load<f32>(s.gainScale + o), 1.0e-20);
    if ((roMode & 1) != 0) store<f32>(s.residNear + o, r / s.overNear);
    if ((roMode & 2) != 0) store<f32>(s.residFar + o, r / overFar);
  }
}

// ---- the double-talk flag's oracle (aec-open11): per block (the canceller's count) a byte; where set
// the linear stage's flag (`talking`) is up whatever the mic's excess said; elsewhere as judged
let tkBase: usize = 0;
let tkN: i32 = 0;
/** Starts the flag oracle from `n` bytes at `ptr` (0: off). */
export function aec_talk_oracle_set(ptr: usize, n: i32): void { tkBase = ptr; tkN = n; }
/** In the block after the flag is judged: the oracle's flag. */
export function ab_talking(a: Aec, judged: bool): bool {
  return tkBase != 0 && a.blocks < tkN && load<u8>(tkBase + <usize>a.blocks) != 0 ? true : judged;
}

// ---- the room's decay as measureDecay (./aec-block) last fitted it: the partitions' energy (dB) and the fit,
// the background's uncertainty per partition (dB, summed over bins: the misadjustment its Kalman state
// predicts, in the units of the energy), and a log of the fits (block, T60 ms) for bench/echo-decay-read.mjs
const decayDb = new StaticArray<f32>(80);
const decayP = new StaticArray<f32>(80);
let decayPeak: i32 = 0;
let decayEnd: i32 = 0;
let decayM: i32 = 0;
const FIT_LOG: i32 = 256; // (a 30 s call at 48 kHz fits ~90 times; larger static arrays left the oracle's trace out of bounds)
const FIT_PARTS: i32 = 40;
const fitBlock = new StaticArray<i32>(FIT_LOG);
const fitT60 = new StaticArray<f32>(FIT_LOG);
const fitDb = new StaticArray<f32>(FIT_LOG * FIT_PARTS); // per fit the partitions' energy (dB)
const fitP = new StaticArray<f32>(FIT_LOG * FIT_PARTS); // and uncertainty (dB)
let fitN: i32 = 0;
/** In measureDecay: the energies in dB per partition (scratch at `db`), the fit's first and end partitions. */
export function trace_decay(a: Aec, db: usize, m: i32, peak: i32, end: i32): void {
  decayM = min(m, 80); decayPeak = peak; decayEnd = end;
  const row = <usize>a.k << 2;
  for (let q = 0; q < decayM; q++) {
    decayDb[q] = load<f32>(db + (<usize>q << 2));
    let sum: f32 = 0;
    const p = a.unc + <usize>q * row;
    for (let j = 0; j < a.k; j++) sum += load<f32>(p + (<usize>j << 2));
    decayP[q] = <f32>10 * Mathf.log10(sum + <f32>1.0e-30);
  }
}
/** In measureDecay: the T60 the fit read (ms; 0: no fit). */
export function trace_decay_fit(a: Aec, t60Ms: f32): void {
  if (fitN >= FIT_LOG) return;
  fitBlock[fitN] = a.blocks; fitT60[fitN] = t60Ms;
  for (let q = 0; q < min(decayM, FIT_PARTS); q++) { fitDb[fitN * FIT_PARTS + q] = decayDb[q]; fitP[fitN * FIT_PARTS + q] = decayP[q]; }
  fitN++;
}
/**
 * The last fit: i < 80 the energy of partition i (dB), 100 the partitions, 101 the peak, 102 the fit's end,
 * 200 + q the uncertainty of partition q (dB); 1000 the fits logged since aec_decay_log_reset, 2000 + n the
 * block of fit n, 10000 + n its T60 (ms, 0 where the fit was refused); 100000 + 80 n + q fit n's energy of
 * partition q (dB), 200000 + 80 n + q its uncertainty (dB) (q < 40, n < 256).
 */
export function aec_decay_info(i: i32): f32 {
  if (i >= 200000) { const n = (i - 200000) / 80; const q = (i - 200000) % 80; return n < fitN && q < FIT_PARTS ? fitP[n * FIT_PARTS + q] : 0; }
  if (i >= 100000) { const n = (i - 100000) / 80; const q = (i - 100000) % 80; return n < fitN && q < FIT_PARTS ? fitDb[n * FIT_PARTS + q] : 0; }
  if (i >= 10000) return i - 10000 < fitN ? fitT60[i - 10000] : 0;
  if (i >= 2000) return i - 2000 < fitN ? <f32>fitBlock[i - 2000] : 0;
  if (i == 1000) return <f32>fitN;
  if (i >= 200 && i < 280) return decayP[i - 200];
  return i == 100 ? <f32>decayM : i == 101 ? <f32>decayPeak : i == 102 ? <f32>decayEnd : i < 80 ? decayDb[i] : 0;
}
/** Empties the log of fits. */
export function aec_decay_log_reset(): void { fitN = 0; }

// ---- the shift trace (bench/echo-path-trace.mjs): per louder error of a young filter judged (./aec-change: takeShift) 5 floats
let stBase: usize = 0;
let stCap: i32 = 0;
let stN: i32 = 0;
/** Starts a shift trace into `cap` entries at `ptr` (5 floats each: block, shift in samples, the moved and the unmoved model's ERLE over the louder blocks in dB, taken). */
export function aec_strace_set(ptr: usize, cap: i32): void { stBase = ptr; stCap = cap; stN = 0; }
/** Entries traced since aec_strace_set. */
export function aec_strace_count(): i32 { return stN; }
export function trace_shift(a: Aec, tau: f32, movedDb: f32, stillDb: f32, taken: bool): void {
  if (stBase == 0 || stN >= stCap) return;
  const tb = stBase + <usize>stN * 32;
  stN++;
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, tau); store<f32>(tb + 8, movedDb); store<f32>(tb + 12, stillDb); store<f32>(tb + 16, taken ? 1 : 0);
  store<f32>(tb + 20, a.skewOn ? a.skew * 1.0e6 : 0); store<f32>(tb + 24, <f32>((a.skewOn ? 1 : 0) + (a.skewByDelay ? 2 : 0) + (a.skewFromFilter ? 4 : 0))); store<f32>(tb + 28, <f32>10 * Mathf.log10(a.bestErle));
}

// ---- the skew trace (bench/echo-skew-probe.mjs --trace): per skew interval (./aec-skew: sk_block) 16 floats
let ktBase: usize = 0;
let ktCap: i32 = 0;
let ktN: i32 = 0;
let ktUngated: bool = false;
/** Starts a skew trace into `cap` entries at `ptr` (16 floats each); `ungated`: the early rule's convergence gate held open. */
export function aec_ktrace_set(ptr: usize, cap: i32, ungated: bool): void { ktBase = ptr; ktCap = cap; ktN = 0; ktUngated = ungated; }
/** Entries traced since aec_ktrace_set. */
export function aec_ktrace_count(): i32 { return ktN; }
/** The early rule's gate (./aec-skew: decide), held open by aec_ktrace_set's `ungated`. */
export function ab_early_gate(gate: bool): bool { return gate || ktUngated; }
/** In sk_block, once the interval's movements are in the lines: block, the delay statistics' snapshot lag and peak lag, their peak, movement (samples), line (slope ppm, error ppm, seconds), the filter's movement and line (slope ppm, error ppm, seconds), the skew followed (ppm), flags, best sustained heard ERLE, interval played (s). */
export function trace_skew(a: Aec, snapLag: i32, byDelay: f64, byFilter: f64, played: f64): void {
  if (ktBase == 0 || ktN >= ktCap) return;
  const tb = ktBase + <usize>ktN * 64;
  ktN++;
  const rate = <f64>a.sampleRate;
  const ld = changetype<Line>(a.lineDelay);
  const lf = changetype<Line>(a.lineFilter);
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, <f32>snapLag); store<f32>(tb + 8, <f32>dl_peak_lag(a.delay)); store<f32>(tb + 12, dl_peak(a.delay));
  store<f32>(tb + 16, <f32>byDelay); store<f32>(tb + 20, <f32>(ld.slope / rate * 1e6)); store<f32>(tb + 24, <f32>(ld.error / rate * 1e6)); store<f32>(tb + 28, <f32>ld.seconds);
  store<f32>(tb + 32, <f32>byFilter); store<f32>(tb + 36, <f32>(lf.slope / rate * 1e6)); store<f32>(tb + 40, <f32>(lf.error / rate * 1e6)); store<f32>(tb + 44, <f32>lf.seconds);
  store<f32>(tb + 48, a.skewOn ? a.skew * 1.0e6 : 0); store<f32>(tb + 52, <f32>((a.skewOn ? 1 : 0) + (a.skewByDelay ? 2 : 0) + (a.skewFromFilter ? 4 : 0)));
  store<f32>(tb + 56, a.bestHeardDb); store<f32>(tb + 60, <f32>(played / rate));
}

// ---- the skew's decisions (bench/echo-path-trace.mjs, ECHO_SKEW_TRACE=1): per judgement of ./aec-skew's decide 8 floats
let skBase: usize = 0;
let skCap: i32 = 0;
let skN: i32 = 0;
/** Starts a skew trace into `cap` entries at `ptr` (8 floats each: block, the filter's line's reading in ppm, its seconds, sure (1) or not, the delay statistics' in ppm, its seconds, sure (1), the outcome (0 nothing taken, 1 the early proposal, 2 the proposal, 3 the filter's) + 4 x the flags (skewOn 1, byDelay 2, fromFilter 4) after it). */
export function aec_sktrace_set(ptr: usize, cap: i32): void { skBase = ptr; skCap = cap; skN = 0; }
/** Entries traced since aec_sktrace_set. */
export function aec_sktrace_count(): i32 { return skN; }
/** (aec-drift7) decide's judgement, one entry per judgement. */
export function trace_skew_decision(a: Aec, byFilterPpm: f64, filterS: f64, filterSure: bool, byDelayPpm: f64, delayS: f64, delaySure: bool, outcome: i32): void {
  if (skBase == 0 || skN >= skCap) return;
  const tb = skBase + <usize>skN * 32;
  skN++;
  const flags = (a.skewOn ? 1 : 0) + (a.skewByDelay ? 2 : 0) + (a.skewFromFilter ? 4 : 0);
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, <f32>byFilterPpm); store<f32>(tb + 8, <f32>filterS); store<f32>(tb + 12, filterSure ? 1 : 0);
  store<f32>(tb + 16, <f32>byDelayPpm); store<f32>(tb + 20, <f32>delayS); store<f32>(tb + 24, delaySure ? 1 : 0); store<f32>(tb + 28, <f32>(outcome + 4 * flags));
}

// ---- (aec-msbc7) the onset lift's reading (assembly/aec-suppress.ts, OL_*), one entry of 32 floats per block of a
// reply's onset (olIndex >= 0): frames, olIndex, hang, presentBlocks, live (warm and placed), lo, hi, olLift, then per
// octave (LG_OCTAVES 6) the block's sums <|E|^2>, <|Y|^2>, <Re E Y*> and the noise floor's sum
let olBase: usize = 0;
let olCap: i32 = 0;
let olN: i32 = 0;
/** Starts the onset lift's trace into `cap` entries of 32 floats at `ptr`. */
export function aec_oltrace_set(ptr: usize, cap: i32): void { olBase = ptr; olCap = cap; olN = 0; }
/** Entries traced since aec_oltrace_set. */
export function aec_oltrace_count(): i32 { return olN; }
/** One onset block's reading: the scalars; the octaves' sums are read from `lg` (block sums at 3 (band + 6)) and `noise`. */
export function trace_onset(s: Suppress, olIndex: i32, live: bool, lo: f32, hi: f32, olLift: f32): void {
  if (olBase == 0 || olN >= olCap) return;
  const tb = olBase + <usize>olN * 128;
  olN++;
  store<f32>(tb, <f32>s.frames); store<f32>(tb + 4, <f32>olIndex); store<f32>(tb + 8, <f32>s.hang); store<f32>(tb + 12, <f32>s.presentBlocks);
  store<f32>(tb + 16, live ? 1 : 0); store<f32>(tb + 20, lo); store<f32>(tb + 24, hi); store<f32>(tb + 28, olLift);
  let from = 0;
  for (let band = 0; band < 6; band++) {
    const q = s.lg + (<usize>(3 * (band + 6)) << 2);
    const edge = band == 0 ? s.edge1 : band == 1 ? s.edge2 : band == 2 ? s.edge3 : band == 3 ? s.edge4 : band == 4 ? s.edge5 : s.k;
    const to = min<i32>(edge, s.k);
    let nn: f32 = 0;
    for (let j = from; j < to; j++) nn += load<f32>(s.noise + (<usize>j << 2));
    const o = tb + 32 + (<usize>band << 4);
    store<f32>(o, load<f32>(q, 8)); store<f32>(o + 4, load<f32>(q, 4)); store<f32>(o + 8, load<f32>(q)); store<f32>(o + 12, nn);
    from = to;
  }
}

// ---- the suppressor's trace: per block 16 scalars, the linear stage's output e (B) and 15 arrays of K (11: the held tail `late`;
// 12: the hall's cap on the gain's residual with the user, HALL_NEAR x ./aec-late's fitted echo, 0 where none: aec-hall8;
// 13: rho A, the echo the reference predicts at the mic (MIC_OVER's yardstick); 14: the part of E coherent with Y,
// |<E Y*>|^2 / <|Y|^2> as smoothed for the coherent cap: aec-open16)
let traceBase: usize = 0;
let traceCap: i32 = 0;
let traceN: i32 = 0;
let traceAt: usize = 0; // the block being written (0: none)
/** Starts a trace into `cap` blocks at `ptr` (16 + B + 15 K floats each). */
export function aec_trace_set(ptr: usize, cap: i32): void { traceBase = ptr; traceCap = cap; traceN = 0; }
/** Blocks traced since aec_trace_set. */
export function aec_trace_count(): i32 { return traceN; }

/** (knife25) the last presence test's figures, for aec_state_field 82-86. */
let lastShare: f32 = 0;
let lastBandsOver: i32 = 0;
let lastMicOver: i32 = 0;
let lastBandsLow: i32 = 0;
let lastExcessDb: f32 = 0;
// the same at the last presence's first block (presentBlocks 1), 88-94
let onsetShare: f32 = 0;
let onsetBandsOver: i32 = 0;
let onsetMicOver: i32 = 0;
let onsetBandsLow: i32 = 0;
let onsetExcessDb: f32 = 0;
let onsetA: f32 = 0;
let onsetFrame: i32 = 0;
/** Before the gain: the presence decision's state and the per-bin spectra and residuals (`share`: excess / total). */
/** (user34) `--use AEC_TRACE_RR=1` hooked builds: a scalar into the block's trace row (slot 7 frames, 8 forgot: overwritten). */
export function trace_note(slot: i32, v: f32): void {
  if (traceAt != 0) store<f32>(traceAt + (<usize>slot << 2), v);
}

export function trace_suppress(
  s: Suppress, e: usize, a: usize, af: usize, reverb: usize, suspect: bool, excessDb: f32, rising: bool, modelledEcho: bool, placed: bool, unlatch: bool,
  bandsOver: i32, micOver: bool, bandsLow: i32, share: f32,
): void {
  traceAt = 0;
  lastShare = share; lastBandsOver = bandsOver; lastMicOver = micOver ? 1 : 0; lastBandsLow = bandsLow; lastExcessDb = excessDb;
  if (s.presentBlocks == 1) {
    onsetShare = share; onsetBandsOver = bandsOver; onsetMicOver = micOver ? 1 : 0; onsetBandsLow = bandsLow; onsetExcessDb = excessDb;
    onsetA = s.aPrev; onsetFrame = s.frames;
  }
  if (traceBase == 0 || traceN >= traceCap) return;
  const b = s.b;
  const k = s.k;
  const tb = traceBase + <usize>traceN * (<usize>(16 + b + 16 * k) << 2);
  traceAt = tb;
  traceN++;
  store<f32>(tb, <f32>s.hang); store<f32>(tb + 4, <f32>s.presentBlocks); store<f32>(tb + 8, s.warm ? 1 : 0);
  store<f32>(tb + 12, suspect ? 1 : 0); store<f32>(tb + 16, excessDb); store<f32>(tb + 20, rising ? 1 : 0);
  store<f32>(tb + 24, modelledEcho ? 1 : 0); store<f32>(tb + 28, <f32>s.frames); store<f32>(tb + 32, s.forgot ? 1 : 0);
  store<f32>(tb + 36, <f32>bandsOver); store<f32>(tb + 40, micOver ? 1 : 0); store<f32>(tb + 44, <f32>bandsLow);
  store<f32>(tb + 48, share); store<f32>(tb + 52, placed ? 1 : 0); store<f32>(tb + 56, unlatch ? 1 : 0); store<f32>(tb + 60, s.decay);
  memory.copy(tb + 64, e, <usize>b << 2);
  const q = tb + 64 + (<usize>b << 2);
  const kb = <usize>k << 2;
  for (let j = 0; j < k; j++) {
    const o = <usize>j << 2;
    const er = load<f32>(s.eRe + o); const ei = load<f32>(s.eIm + o);
    const yr = load<f32>(s.yRe + o); const yi = load<f32>(s.yIm + o);
    const py = yr * yr + yi * yi;
    store<f32>(q + o, er * er + ei * ei);
    store<f32>(q + kb + o, py);
    store<f32>(q + 2 * kb + o, load<f32>(s.eta + o) * py);
    store<f32>(q + 3 * kb + o, load<f32>(s.zeta + o) * load<f32>(a + o));
    store<f32>(q + 4 * kb + o, load<f32>(s.kappa + o) * load<f32>(af + o));
    store<f32>(q + 5 * kb + o, load<f32>(s.resid + o));
    store<f32>(q + 6 * kb + o, load<f32>(s.residNear + o));
    store<f32>(q + 7 * kb + o, load<f32>(s.residFar + o));
    store<f32>(q + 9 * kb + o, load<f32>(reverb + o));
    store<f32>(q + 10 * kb + o, load<f32>(s.noise + o));
    store<f32>(q + 11 * kb + o, load<f32>(s.late + o));
    store<f32>(q + 12 * kb + o, s.hallFit != 0 && s.longTail ? HALL_NEAR * load<f32>(s.hallFit + o) : 0);
    store<f32>(q + 13 * kb + o, load<f32>(s.rho + o) * load<f32>(a + o));
    const cr = load<f32>(s.cohRe + o);
    const ci = load<f32>(s.cohIm + o);
    store<f32>(q + 14 * kb + o, (cr * cr + ci * ci) / (load<f32>(s.cohYy + o) + 1e-20));
    store<f32>(q + 15 * kb + o, j < 4096 && traceExcess != 0 ? load<f32>(traceExcess + o) : 0);
  }
}

/** (coh34) 15: the presence test's per-bin excess (|E|^2 over its echo bound and twice the noise), as the test sums it. */
let traceExcess: usize = 0;
/** The buffer the presence test stores its per-bin excess into (bins under 4096). */
export function trace_excess_at(): usize {
  if (traceExcess == 0) traceExcess = heap.alloc(4096 * 4);
  return traceExcess;
}

/** After the gain: the gain per bin into the block's array 8. */
export function trace_gain(s: Suppress): void {
  if (traceAt != 0) memory.copy(traceAt + 64 + (<usize>s.b << 2) + 8 * (<usize>s.k << 2), s.gain, <usize>s.k << 2);
}

// ---- the cost split: parts of a block run twice (bits of `dbl`): 1 constraint, 2 Kalman update (on a
// copy of the weights), 4 the filters' pass, 8 the echo IFFTs, 16 delay statistics (odd blocks too),
// 32 the error FFT; and a non-uniform partitioned tail emulated (aec_emulate)
let dbl: i32 = 0;
let dblReady: bool = false;
let emuTail: i32 = 0; // short partitions the tail stands for
let emuLong: i32 = 4; // long partition = emuLong x B
let emuFfts: i32 = 6; // long transforms per long block
let emuReady: i32 = 0;
// scratch for the doubled parts and the emulated tail, allocated by the first call that needs it
let EMU_W: usize = 0; // weights (1 << 18 bytes)
let EMU_U: usize = 0; // uncertainties (1 << 17)
let EMU_S: usize = 0; // spectra and sums (1 << 14 each)
let EMU_S2: usize = 0;
let EMU_R: usize = 0;
let EMU_T: usize = 0;
let EMU: usize = 0; // the emulated tail (1 << 20)
/** Runs the parts in `mask` (bits above) twice from the next block on; 0: none. */
export function aec_double(mask: i32): void {
  dbl = mask;
  dblReady = false;
  if (EMU_W != 0) return;
  EMU_W = alloc(1 << 18);
  EMU_U = alloc(1 << 17);
  EMU_S = alloc(1 << 14);
  EMU_S2 = alloc(1 << 14);
  EMU_R = alloc(1 << 14);
  EMU_T = alloc(1 << 14);
}
/** Emulates a tail of `tail` short partitions as partitions of `long` blocks with `ffts` long transforms per long block; 0: off. */
export function aec_emulate(tail: i32, long: i32, ffts: i32): void {
  emuTail = tail;
  emuLong = long;
  emuFfts = ffts;
  emuReady = 0;
  if (EMU == 0) EMU = alloc(1 << 20);
}
function emuPrep(a: Aec): void {
  if (dblReady) return;
  memory.copy(EMU_W, a.wb, <usize>a.m * <usize>(8 * a.k));
  memory.copy(EMU_U, a.unc, <usize>a.m * <usize>(4 * a.k));
  dblReady = true;
}

/** In the adaptation, after the Kalman update (bits 2 and 32). */
export function ab_adapt(a: Aec, fh: i32, quiet: bool): void {
  const kb = <usize>a.k << 2;
  if (!quiet && (dbl & 2)) { emuPrep(a); kf_update(EMU_W, a.x, EMU_U, a.runs, a.nRuns, a.k, a.sG, a.sG + kb, a.invT, a.rScale, LAMBDA, INFO, load<f32>(a.floors), load<f32>(a.caps)); }
  if (dbl & 32) pf_block_spectrum(a.eb, a.b, a.fft, a.tmp, a.work, EMU_S, EMU_S + kb);
}
/** In the constraint's loop, before `constrainNext` moves on (bit 1). */
export function ab_constrain(a: Aec): void {
  if (dbl & 1) pf_constrain(a.wb + <usize>a.constrainNext * <usize>(8 * a.k), a.k, a.b, a.fft, a.tmp, a.work);
}
/** After the filters' pass and the echo IFFTs (bits 4 and 8). */
export function ab_filter(a: Aec, fh: i32): void {
  const kb = <usize>a.k << 2;
  if (dbl & 4) { emuPrep(a); kf_filter_residual(a.wb, a.wf, EMU_S, EMU_S2, a.x, a.unc, a.m, a.runs, a.nRuns, a.k, a.profile, EMU_R, EMU_R + kb, EMU_R + 2 * kb); }
  if (dbl & 8) { pf_last_half(a.sY, a.sY + kb, a.b, a.fft, a.tmp, a.work, EMU_T); pf_last_half(a.sG, a.sG + kb, a.b, a.fft, a.tmp, a.work, EMU_T); }
}
/** Before the delay statistics (bit 16: on the odd blocks too). */
export function ab_delay(a: Aec, echoing: bool, heard: bool): void {
  const kb = <usize>a.k << 2;
  if ((dbl & 16) && (a.blocks & 1) == 1) dl_update(a.delay, a.x, a.xz, a.slots, a.head, a.k, a.sD, a.sD + kb, echoing, heard);
}

/** After the adaptation: every emuLong blocks, the emulated tail's pass, update and long transforms. */
export function ab_tail(a: Aec, fh: i32, quiet: bool): void {
  if (quiet || emuTail == 0 || (a.blocks % emuLong) != 0) return;
  const k = a.k;
  const kb = <usize>k << 2;
  const spec = <usize>(8 * k);
  const nLong = 2 * emuLong * a.b;
  let p = EMU;
  const table = p; p += (fft_table_bytes(nLong) + 15) & ~15;
  const work = p; p += (fft_work_bytes(nLong) + 15) & ~15;
  const timeBuf = p; p += <usize>(4 * nLong);
  const sre = p; p += <usize>(4 * (nLong / 2 + 4));
  const sim = p; p += <usize>(4 * (nLong / 2 + 4));
  const wbT = p; p += <usize>emuTail * spec;
  const wfT = p; p += <usize>emuTail * spec;
  const uT = p; p += <usize>emuTail * kb;
  const qT = p; p += <usize>(4 * emuTail);
  const capsT = p; p += <usize>(4 * emuTail);
  const floorsT = p; p += <usize>(4 * emuTail);
  const o1 = p; p += spec;
  const o2 = p; p += spec;
  const o3 = p; p += kb;
  const o4 = p; p += kb;
  const o5 = p; p += kb;
  const runsT = p; p += <usize>(16 * (emuTail + 1));
  if (emuReady != nLong) {
    memory.fill(EMU, 0, p - EMU);
    fft_init(table, nLong);
    const cap = ECHO_GAIN / <f32>(a.m + emuTail);
    for (let q = 0; q < emuTail; q++) {
      store<f32>(capsT + (<usize>q << 2), cap);
      store<f32>(floorsT + (<usize>q << 2), cap * 1.0e-5);
      store<f32>(qT + (<usize>q << 2), 0);
      for (let j = 0; j < k; j++) store<f32>(uT + <usize>q * kb + (<usize>j << 2), cap);
    }
    emuReady = nLong;
  }
  const th = (fh + a.m) % a.slots;
  const nT = kf_runs(a.xz, a.slots, th, emuTail, spec, runsT);
  kf_filter_residual(wbT, wfT, o1, o2, a.x, uT, emuTail, runsT, nT, k, qT, o3, o4, o5);
  kf_update(wbT, a.x, uT, runsT, nT, k, a.sG, a.sG + kb, a.invT, a.rScale, LAMBDA, INFO, load<f32>(floorsT), load<f32>(capsT));
  for (let f = 0; f < emuFfts; f++) {
    if (f & 1) fft_inverse(table, sre, sim, timeBuf, work);
    else fft_forward(table, timeBuf, sre, sim, work);
  }
}

// ---- the step control's trace per octave (aec-return, bench/echo-step-trace.mjs): per block ST_STRIDE floats:
// the block, the double-talk flag, the echo gain bound (dB), the bins' count per band, then per band
// (ST_BANDS: octaves from 88 Hz, the last to Nyquist) sums over its bins of: the residual R capped,
// R before the cap, the error's |E|^2 / gamma, the step R / T, the live bins (stepped), the
// background's summed uncertainty, the window's weighted reference xw
const ST_BANDS: i32 = 8;
const ST_FIELDS: i32 = 7;
const ST_STRIDE: i32 = 4 + ST_BANDS * ST_FIELDS;
let sbBase: usize = 0;
let sbCap: i32 = 0;
let sbN: i32 = 0;
/** Starts a step trace into `cap` blocks at `ptr` (ST_STRIDE floats each: 60). */
export function aec_steptrace_set(ptr: usize, cap: i32): void { sbBase = ptr; sbCap = cap; sbN = 0; }
/** Blocks traced since aec_steptrace_set. */
export function aec_steptrace_count(): i32 { return sbN; }
/** In adapt, after kf_scale: the step control's state per octave. */
export function trace_step(a: Aec, echoBound: f32, xFloor: f32, gamma: f32): void {
  if (sbBase == 0 || sbN >= sbCap) return;
  const tb = sbBase + <usize>sbN * (<usize>ST_STRIDE << 2);
  sbN++;
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, a.talking ? 1 : 0); store<f32>(tb + 8, a.gainDb); store<f32>(tb + 12, <f32>a.b);
  const kb = <usize>a.k << 2;
  const binHz: f32 = <f32>a.sampleRate / (<f32>2 * <f32>a.b);
  for (let band = 0; band < ST_BANDS; band++) {
    const lo = <i32>Mathf.ceil(<f32>(88 << band) / binHz);
    const hi = band == ST_BANDS - 1 ? a.b + 1 : <i32>Mathf.ceil(<f32>(88 << (band + 1)) / binHz);
    let rc: f32 = 0; let ru: f32 = 0; let pe: f32 = 0; let st: f32 = 0; let live: f32 = 0; let pu: f32 = 0; let xs: f32 = 0;
    for (let j = lo; j < min(hi, a.b + 1); j++) {
      const o = <usize>j << 2;
      const r = load<f32>(a.resid + o);
      const sc = load<f32>(a.rScale + o);
      rc += r;
      ru += r / max<f32>(sc, 1.0e-30);
      const er = load<f32>(a.sE + o);
      const ei = load<f32>(a.sE + kb + o);
      pe += (er * er + ei * ei) / gamma;
      st += r * load<f32>(a.invT + o);
      const x = load<f32>(a.xw + o);
      xs += x;
      if (x > xFloor && x * echoBound > load<f32>(a.errNoise + o)) live += 1;
      for (let q = 0; q < a.m; q++) pu += load<f32>(a.unc + <usize>q * kb + o);
    }
    const fb = tb + 16 + (<usize>(band * ST_FIELDS) << 2);
    store<f32>(fb, rc); store<f32>(fb + 4, ru); store<f32>(fb + 8, pe); store<f32>(fb + 12, st);
    store<f32>(fb + 16, live); store<f32>(fb + 20, pu); store<f32>(fb + 24, xs);
  }
}
// ---- the background's convergence by its own uncertainty (aec-speed10): for a hold keyed on it
/** This block's residual the background could remove, `sum resid` (sum P |X|^2 under the echo bound), over its echo spectrum's power (`sY`); -1 when nothing played. Bit 0 of `aec_fg_zero`: the foreground's weights all zero. */
export function aec_hold_resid(s: usize): f32 {
  const a = changetype<Aec>(s);
  const y = energy(a.sY, 2 * a.k);
  if (!(y > 0)) return -1;
  let r: f32 = 0;
  for (let j = 0; j < a.k; j++) r += load<f32>(a.resid + (<usize>j << 2));
  return r / y;
}
/** 1 while the foreground's weights are all zero (none copied to it since the reset or its restart). */
export function aec_fg_zero(s: usize): i32 {
  const a = changetype<Aec>(s);
  const floats = a.m * 2 * a.k;
  for (let i = 0; i < floats; i++) if (load<f32>(a.wf + (<usize>i << 2)) != 0) return 0;
  return 1;
}
/** (living20) offerKept's last offer, for aec_state_field 50-52. */
let keptTraceFit: f32 = 0;
let keptTraceBy: i32 = 0;
let keptTraceOffers: i32 = 0;
export function trace_kept(fit: f32, by: i32): void {
  keptTraceFit = fit;
  keptTraceBy = by;
  keptTraceOffers++;
}
/**
 * aec-speed11's probe of the filter's state per block (bench/aec-state-probe.mjs, read only): 0 the
 * talk flag, 1 heardErleDb, 2 sdiff / syf (the two filters' disagreement), 3 relearning, 4 relaxBlocks,
 * 5 skewOn, 6 narrowband, 7 wrong + misfit + diverged + emerged + shift blocks, 8 1 while quiet (the
 * filter's window all zeros), 9 bestErle (ratio), 10 moves, 11 pathChanges, 12 overBlocks (living20), 13 sdd, 14 sff, 15 sddFloor
 * (the mic's, the foreground error's smoothed energies and the mic's noise floor), 18 syf, 19 divergedBlocks (living20),
 * 53 liveHold, 54 deadRun (alive21).
 */
export function aec_state_field(s: usize, i: i32): f32 {
  const a = changetype<Aec>(s);
  if (i == 0) return a.talking ? 1 : 0;
  if (i == 1) return a.heardErleDb;
  if (i == 2) return a.syf > 0 ? a.sdiff / a.syf : -1;
  if (i == 3) return a.relearning ? 1 : 0;
  if (i == 4) return <f32>a.relaxBlocks;
  if (i == 5) return a.skewOn ? 1 : 0;
  if (i == 6) return a.narrowband ? 1 : 0;
  if (i == 7) return <f32>(a.wrongBlocks + a.misfitBlocks + a.divergedBlocks + a.emergedBlocks + a.shiftBlocks);
  if (i == 8) return a.zeroFrames >= a.offset + a.m ? 1 : 0;
  if (i == 9) return a.bestErle;
  if (i == 10) return <f32>a.moves;
  if (i == 11) return <f32>a.pathChanges;
  if (i == 13) return a.sdd;
  if (i == 14) return a.sff;
  if (i == 15) return a.sddFloor;
  if (i == 17) return <f32>a.returnFits;
  // (living20) the foreground's estimate energy and the divergence's and over-the-mic counts (detectPathChange's rule 1)
  if (i == 18) return a.syf;
  if (i == 19) return <f32>a.divergedBlocks;
  if (i == 12) return <f32>a.overBlocks;
  // (aec-soakhist17) the state a long run carries across rooms: the skew's, the lines', the late fit's
  if (i == 20) return a.skew * <f32>1.0e6;
  if (i == 21) return <f32>((a.skewOn ? 1 : 0) + (a.skewByDelay ? 2 : 0) + (a.skewFromFilter ? 4 : 0) + (a.skewFilterOwn ? 8 : 0));
  if (i == 22) return <f32>a.skewBoosts;
  if (i == 23) return <f32>a.skewPending;
  if (i == 24) return <f32>a.onsetMoved;
  if (i == 25) return <f32>a.keptMoved;
  if (i >= 26 && i <= 35) {
    const l = changetype<Line>(i < 31 ? a.lineDelay : a.lineFilter);
    const j = i < 31 ? i - 26 : i - 31;
    if (j == 0) return <f32>l.seconds;
    if (j == 1) return <f32>l.tau;
    if (j == 2) return <f32>(l.slope / <f64>a.sampleRate * 1.0e6);
    if (j == 3) return <f32>(l.error / <f64>a.sampleRate * 1.0e6);
    return <f32>l.w;
  }
  if (i == 36) return a.skewHold;
  if (i == 37) return <f32>a.onsetFollowed;
  if (i == 38) return a.reverbDecay;
  if (i == 39) return a.lateScore;
  if (i == 40) return a.lateShare;
  if (i == 41) return <f32>a.rdBlocks;
  if (i == 42) return a.rdMic;
  if (i == 43) return a.rdOut;
  if (i == 44) return <f32>a.shifts;
  if (i == 45) return <f32>a.keptOnset;
  if (i == 46) return <f32>a.keptOffset;
  if (i == 47) return a.keptModel ? 1 : 0;
  if (i == 48) return <f32>a.blocks;
  if (i == 49) return a.keptFresh ? 1 : 0;
  // (living20) offerKept's last offer: the fit (-1: not judged, the background under 1 dB), the lay (partitions), the offers made
  if (i == 50) return keptTraceFit;
  if (i == 51) return <f32>keptTraceBy;
  if (i == 52) return <f32>keptTraceOffers;
  // (alive21) the placement's hold after a dead stretch (liveHold, blocks left) and the mic's dead run (blocks)
  if (i == 53) return <f32>a.liveHold;
  if (i == 54) return <f32>a.deadRun;
  // (knife25) the suppressor's state: 55 hang, 56 presentBlocks, 57 forgot + 2 warm, 58 learned, 59 refused, then the
  // per-bin arrays summed over the bins (dB): 60 eta, 61 zeta, 62 kappa, 63 rho, 64 resid, 65 residNear, 66 residFar,
  // 67 late, 68 noise, 69 cnoise; 70-75 zeta, 76-81 rho summed per octave (dB; the presence test's edges)
  const sp = changetype<Suppress>(a.sup);
  if (i == 55) return <f32>sp.hang;
  if (i == 56) return <f32>sp.presentBlocks;
  if (i == 57) return <f32>((sp.forgot ? 1 : 0) + (sp.warm ? 2 : 0));
  if (i == 58) return <f32>sp.learned;
  if (i == 59) return <f32>sp.refused;
  if (i >= 60 && i <= 69) {
    const arr = i == 60 ? sp.eta : i == 61 ? sp.zeta : i == 62 ? sp.kappa : i == 63 ? sp.rho : i == 64 ? sp.resid : i == 65 ? sp.residNear : i == 66 ? sp.residFar : i == 67 ? sp.late : i == 68 ? sp.noise : sp.cnoise;
    let sum: f32 = 0;
    for (let j = 0; j < sp.k; j++) sum += load<f32>(arr + (<usize>j << 2));
    return <f32>10 * Mathf.log10(sum + <f32>1e-30);
  }
  if (i >= 70 && i <= 81) {
    const arr = i < 76 ? sp.zeta : sp.rho;
    const band = i < 76 ? i - 70 : i - 76;
    const lo = band == 0 ? 0 : band == 1 ? sp.edge1 : band == 2 ? sp.edge2 : band == 3 ? sp.edge3 : band == 4 ? sp.edge4 : sp.edge5;
    const hi = band == 0 ? sp.edge1 : band == 1 ? sp.edge2 : band == 2 ? sp.edge3 : band == 3 ? sp.edge4 : band == 4 ? sp.edge5 : sp.k;
    let sum: f32 = 0;
    for (let j = lo; j < min<i32>(hi, sp.k); j++) sum += load<f32>(arr + (<usize>j << 2));
    return <f32>10 * Mathf.log10(sum + <f32>1e-30);
  }
  // (knife25) the last presence test: 82 the unexplained share, 83 octaves over, 84 micOver, 85 low octaves, 86 the
  // canceller's excess (dB), 87 the weighted reference predictor summed (dB, the suppressor's aPrev)
  if (i == 82) return lastShare;
  if (i == 83) return <f32>lastBandsOver;
  if (i == 84) return <f32>lastMicOver;
  if (i == 85) return <f32>lastBandsLow;
  if (i == 86) return lastExcessDb;
  if (i == 87) return <f32>10 * Mathf.log10(sp.aPrev + <f32>1e-30);
  if (i == 88) return onsetShare;
  if (i == 89) return <f32>onsetBandsOver;
  if (i == 90) return <f32>onsetMicOver;
  if (i == 91) return <f32>onsetBandsLow;
  if (i == 92) return onsetExcessDb;
  if (i == 93) return <f32>10 * Mathf.log10(onsetA + <f32>1e-30);
  if (i == 94) return <f32>onsetFrame;
  // (knife25) the reference's rise at the placed onset (dB, ./aec-change onsetRiseDb) and the rise hold's refusals so far (all cancellers)
  if (i == 95) return sup_ref_rise_db();
  if (i == 96) return <f32>sup_rise_holds();
  // (cold27) the background's smoothed error, the smoothed energy of the two estimates' difference, the flags word
  if (i == 97) return a.sbb;
  if (i == 98) return a.sdiff;
  if (i == 99) return <f32>a.alivePending;
  // (first35) RETURN_BOUND 3's shadow placement (its lag at the last block in the window, else -1)
  if (i == 100) return <f32>returnLag;
  return <f32>a.m;
}
/** The energy of partition q of the background (which 0) or the foreground (1)'s weights. */
export function aec_part_energy(s: usize, which: i32, q: i32): f32 {
  const a = changetype<Aec>(s);
  const w = (which == 0 ? a.wb : a.wf) + <usize>q * <usize>(8 * a.k);
  return energy(w, 2 * a.k);
}

// ---- aec-tail12: the filter's length fitted to the room, emulated (compiled in only with `--use TAIL_FIT_DB=<dB>`,
// e.g. ECHO_HOOK_USE='TAIL_FIT_DB=20' for bench/echo-lab/hooked-build.mjs). Every 32 blocks, once the foreground
// has removed 10 dB (bestErle) and while nothing is being relearned, the filter's active length becomes the last
// partition whose weights stand within TAIL_FIT_DB of the strongest partition's in either filter, plus TAIL_MARGIN
// partitions (the probe: they adapt, so an echo longer than the active length shows in them and the length grows
// by up to TAIL_MARGIN per 32 blocks); the partitions past it are neither filtered nor adapted nor constrained
// (their weights and uncertainty frozen). The whole window again at a reset, a filter move, a path change, a
// relearning or a relaxed bound. One canceller at a time per module instance (the lab's runs, one CHAIN_BASE case).
// @ts-ignore: decorator
@inline const TAIL_FIT: f32 = isDefined(TAIL_FIT_DB) ? <f32>TAIL_FIT_DB : -1;
// @ts-ignore: decorator
@inline const TAIL_MARGIN: i32 = 2;
// (`--use TAIL_FIT_HOLD=n`) the length shrinks only to the longest of the last n fits' (n x 32 blocks): a tail
// that wanders about the threshold stays active; 1 (the default): each fit's length as it stands
// @ts-ignore: decorator
@inline const TAIL_HOLD: i32 = isDefined(TAIL_FIT_HOLD) ? <i32>TAIL_FIT_HOLD : 1;
let tfFits: usize = 0; // i32[64], allocated by the first call with the rule (a static array would be in the release build too)
let tfFitAt: i32 = 0;
let tfState: usize = 0;
let tfActive: i32 = 0;
let tfMoves: i32 = -1;
let tfChanges: i32 = -1;
let tfIdle: f64 = 0; // partition-blocks idle since aec_tail_fit_reset
let tfAll: f64 = 0; // partition-blocks in all
/** Forgets the idle counts. */
export function aec_tail_fit_reset(): void { tfIdle = 0; tfAll = 0; }
/** The share of partition-blocks left idle since aec_tail_fit_reset (-1: the rule is not compiled in). */
export function aec_tail_fit_idle(): f64 { return TAIL_FIT < 0 ? -1 : tfAll > 0 ? tfIdle / tfAll : 0; }
/** In aec_block, once per block before the filters' pass: the partitions filtered and adapted, [0, active). */
export function ab_active(a: Aec): i32 {
  if (TAIL_FIT < 0) return a.m;
  const s = changetype<usize>(a);
  if (s != tfState || a.blocks == 0) {
    tfState = s;
    tfActive = a.m;
    tfMoves = a.moves;
    tfChanges = a.pathChanges;
    if (tfFits == 0) tfFits = alloc(64 << 2);
    for (let i = 0; i < 64; i++) store<i32>(tfFits + (<usize>i << 2), a.m);
  }
  if (a.moves != tfMoves || a.pathChanges != tfChanges || a.relearning || a.relaxBlocks > 0 || !(a.bestErle > 10)) {
    tfMoves = a.moves;
    tfChanges = a.pathChanges;
    tfActive = a.m;
    for (let i = 0; i < 64; i++) store<i32>(tfFits + (<usize>i << 2), a.m);
  } else if ((a.blocks & 31) == 0) {
    const spec = <usize>(8 * a.k);
    let pb: f32 = 0;
    let pf: f32 = 0;
    for (let q = 0; q < a.m; q++) {
      pb = max(pb, energy(a.wb + <usize>q * spec, 2 * a.k));
      pf = max(pf, energy(a.wf + <usize>q * spec, 2 * a.k));
    }
    const r: f32 = Mathf.pow(10, -TAIL_FIT / 10);
    let last = 0;
    for (let q = 0; q < a.m; q++) {
      if (energy(a.wb + <usize>q * spec, 2 * a.k) > pb * r || energy(a.wf + <usize>q * spec, 2 * a.k) > pf * r) last = q;
    }
    store<i32>(tfFits + (<usize>tfFitAt << 2), min(a.m, last + 1 + TAIL_MARGIN));
    tfFitAt = tfFitAt + 1 >= min(TAIL_HOLD, 64) ? 0 : tfFitAt + 1;
    let longest = 0;
    for (let i = 0; i < min(TAIL_HOLD, 64); i++) longest = max(longest, load<i32>(tfFits + (<usize>i << 2)));
    tfActive = longest;
  }
  tfIdle += <f64>(a.m - tfActive);
  tfAll += <f64>a.m;
  return tfActive;
}
/** The active length ab_active last returned (a.m without the rule). */
export function ab_active_now(a: Aec): i32 { return TAIL_FIT < 0 ? a.m : min(tfActive, a.m); }
/** The pointer of the background's (which 0) or the foreground's (1) weights (M partitions of 2K floats: re K, im K) and K (aec-tail12's probe). */
export function aec_weights(s: usize, which: i32): usize { const a = changetype<Aec>(s); return which == 0 ? a.wb : a.wf; }
export function aec_bins(s: usize): i32 { return changetype<Aec>(s).k; }

// ---- the louder error's judge (aec-moving18, bench/echo-lab/louder-judge.mjs): over each run of louder
// blocks (detectPathChange's wrongBlocks) the mic's spectrum against the foreground's estimate's, and at
// each change or shift taken the features that might tell a swaying device from a drift not followed:
// the lag at which the estimate fits the mic best and how much of the cross-spectrum that one lag
// explains (a drift: a phase ramp; a sway: a changed shape), the ERLE per band (a delay error grows with
// frequency), the error louder than the mic in what share of bins, the skew followed and its lines.
let ljBase: usize = 0;
let ljCap: i32 = 0;
let ljN: i32 = 0;
let ljScratch: usize = 0;
let ljBlocks: i32 = 0;
/** LJ_STRIDE floats per entry. */
const LJ_STRIDE: i32 = 28;
/** Starts a judge trace into `cap` entries at `ptr` (LJ_STRIDE floats each) with `scratch` (>= 36 x K bytes: 9 f32[K]). */
export function aec_ljtrace_set(ptr: usize, cap: i32, scratch: usize): void { ljBase = ptr; ljCap = cap; ljN = 0; ljScratch = scratch; ljBlocks = 0; }
/** Entries traced since aec_ljtrace_set. */
export function aec_ljtrace_count(): i32 { return ljN; }
/** In detectPathChange after wrongBlocks is counted: gathers this louder block (the mic's and the estimate's spectra; a.sY, a.sE kept as they were). */
export function judge_gather(a: Aec): void {
  if (ljScratch == 0 || a.wrongBlocks == 0) return;
  const k = a.k;
  const kb = <usize>k << 2;
  const s = ljScratch;
  if (a.wrongBlocks == 1) {
    memory.fill(s, 0, kb * 5);
    ljBlocks = 0;
  }
  memory.copy(s + 5 * kb, a.sY, kb << 1);
  memory.copy(s + 7 * kb, a.sE, kb << 1);
  pf_block_spectrum(a.micBlock, a.b, a.fft, a.tmp, a.work, a.sY, a.sY + kb);
  pf_block_spectrum(a.yf, a.b, a.fft, a.tmp, a.work, a.sE, a.sE + kb);
  for (let j = 0; j <= a.b; j++) {
    const o = <usize>j << 2;
    const dr = load<f32>(a.sY + o);
    const di = load<f32>(a.sY + kb + o);
    const yr = load<f32>(a.sE + o);
    const yi = load<f32>(a.sE + kb + o);
    store<f32>(s + o, load<f32>(s + o) + dr * yr + di * yi);
    store<f32>(s + kb + o, load<f32>(s + kb + o) + di * yr - dr * yi);
    store<f32>(s + 2 * kb + o, load<f32>(s + 2 * kb + o) + dr * dr + di * di);
    store<f32>(s + 3 * kb + o, load<f32>(s + 3 * kb + o) + yr * yr + yi * yi);
    const er = dr - yr;
    const ei = di - yi;
    store<f32>(s + 4 * kb + o, load<f32>(s + 4 * kb + o) + er * er + ei * ei);
  }
  memory.copy(a.sY, s + 5 * kb, kb << 1);
  memory.copy(a.sE, s + 7 * kb, kb << 1);
  ljBlocks++;
}
/** The gathered cross-spectrum turned by `tau` samples: its real part, and (into ljAbs) the sum of its magnitudes, bins lo..hi. */
let ljAbs: f64 = 0;
function ljCross(a: Aec, tau: f64, lo: i32, hi: i32): f64 {
  const kb = <usize>a.k << 2;
  const s = ljScratch;
  let sum: f64 = 0;
  let mag: f64 = 0;
  for (let j = lo; j <= hi; j++) {
    const w: f64 = j == 0 || j == a.b ? 1 : 2;
    const ph = 2 * Math.PI * tau * <f64>j / <f64>(2 * a.b);
    const re = <f64>load<f32>(s + (<usize>j << 2));
    const im = <f64>load<f32>(s + kb + (<usize>j << 2));
    sum += w * (re * Math.cos(ph) - im * Math.sin(ph));
    mag += w * Math.sqrt(re * re + im * im);
  }
  ljAbs = mag;
  return sum;
}
/** The ERLE (dB) over bins lo..hi of the gathered blocks; into ljOver the share of those bins whose error is louder than the mic. */
let ljOver: f32 = 0;
function ljBand(a: Aec, lo: i32, hi: i32): f32 {
  const kb = <usize>a.k << 2;
  const s = ljScratch;
  let p: f64 = 0;
  let e: f64 = 0;
  let over = 0;
  for (let j = lo; j <= hi; j++) {
    const pj = <f64>load<f32>(s + 2 * kb + (<usize>j << 2));
    const ej = <f64>load<f32>(s + 4 * kb + (<usize>j << 2));
    p += pj;
    e += ej;
    if (ej > pj) over++;
  }
  ljOver = <f32>over / <f32>(hi - lo + 1);
  return <f32>(10 * Math.log10((p + 1e-30) / (e + 1e-30)));
}
/** At a change (rule: ab_veto's bit; 16: a shift taken instead): the features over the louder run before it. */
export function trace_judge(a: Aec, rule: i32): void {
  if (ljBase == 0 || ljN >= ljCap || ljScratch == 0) return;
  const tb = ljBase + <usize>ljN * (<usize>LJ_STRIDE << 2);
  ljN++;
  const b = a.b;
  // the best lag within +-SHIFT_MAX (16) samples, refined between lags
  let best: f64 = -Infinity;
  let at = 0;
  for (let l = -16; l <= 16; l++) {
    const c = ljCross(a, <f64>l, 0, b);
    if (c > best) {
      best = c;
      at = l;
    }
  }
  const lo = ljCross(a, <f64>(at - 1), 0, b);
  const hi = ljCross(a, <f64>(at + 1), 0, b);
  const curve = lo - 2 * best + hi;
  const tau = curve < 0 ? <f64>at + 0.5 * (lo - hi) / curve : <f64>at;
  const fitTau = ljCross(a, tau, 1, b);
  const fitTauShare = fitTau / (ljAbs + 1e-30);
  const fit0 = ljCross(a, 0, 1, b);
  const fit0Share = fit0 / (ljAbs + 1e-30);
  // ERLE of the moved and the unmoved estimate over the run (Parseval, as takeShift's)
  const kb = <usize>a.k << 2;
  let dd: f64 = 0;
  let yy: f64 = 0;
  for (let j = 0; j <= b; j++) {
    const w: f64 = j == 0 || j == b ? 1 : 2;
    dd += w * <f64>load<f32>(ljScratch + 2 * kb + (<usize>j << 2));
    yy += w * <f64>load<f32>(ljScratch + 3 * kb + (<usize>j << 2));
  }
  const moved = 10 * Math.log10(dd / max(1e-30, dd + yy - 2 * ljCross(a, tau, 0, b)));
  const still = 10 * Math.log10(dd / max(1e-30, dd + yy - 2 * ljCross(a, 0, 0, b)));
  const q = b >> 2;
  const low = ljBand(a, 1, q);
  const lowOver = ljOver;
  const mid = ljBand(a, q + 1, 2 * q);
  const high = ljBand(a, 2 * q + 1, b);
  const highOver = ljOver;
  ljBand(a, 1, b);
  const allOver = ljOver;
  // the squared correlation of the moved estimate with the mic (./aec-change takeMove's), at tau and at 0; and over +-2 ms
  const c0 = ljCross(a, 0, 0, b);
  const ct = ljCross(a, tau, 0, b);
  const rho0 = c0 > 0 ? c0 * c0 / (dd * yy + 1e-30) : 0;
  const rhoT = ct > 0 ? ct * ct / (dd * yy + 1e-30) : 0;
  const range = a.sampleRate / 500;
  let best2: f64 = -Infinity;
  let at2 = 0;
  for (let l = -range; l <= range; l++) {
    const c = ljCross(a, <f64>l, 0, b);
    if (c > best2) {
      best2 = c;
      at2 = l;
    }
  }
  const rho2ms = best2 > 0 ? best2 * best2 / (dd * yy + 1e-30) : 0;
  const rate = <f64>a.sampleRate;
  const lf = changetype<Line>(a.lineFilter);
  const ld = changetype<Line>(a.lineDelay);
  store<f32>(tb, <f32>a.blocks); store<f32>(tb + 4, <f32>rule); store<f32>(tb + 8, <f32>ljBlocks); store<f32>(tb + 12, <f32>tau);
  store<f32>(tb + 16, <f32>fitTauShare); store<f32>(tb + 20, <f32>fit0Share); store<f32>(tb + 24, <f32>moved); store<f32>(tb + 28, <f32>still);
  store<f32>(tb + 32, low); store<f32>(tb + 36, mid); store<f32>(tb + 40, high); store<f32>(tb + 44, allOver);
  store<f32>(tb + 48, lowOver); store<f32>(tb + 52, highOver); store<f32>(tb + 56, <f32>10 * Mathf.log10(a.bestErle)); store<f32>(tb + 60, a.bestHeardDb);
  store<f32>(tb + 64, a.skewOn ? a.skew * 1.0e6 : 0); store<f32>(tb + 68, <f32>((a.skewOn ? 1 : 0) + (a.skewByDelay ? 2 : 0) + (a.skewFromFilter ? 4 : 0)));
  store<f32>(tb + 72, <f32>(lf.slope / rate * 1e6)); store<f32>(tb + 76, <f32>(lf.error / rate * 1e6)); store<f32>(tb + 80, <f32>(ld.slope / rate * 1e6));
  store<f32>(tb + 84, <f32>dl_peak_lag(a.delay)); store<f32>(tb + 88, <f32>dl_onset(a.delay)); store<f32>(tb + 92, <f32>a.offset);
  store<f32>(tb + 96, <f32>rhoT); store<f32>(tb + 100, <f32>rho0); store<f32>(tb + 104, <f32>at2); store<f32>(tb + 108, <f32>rho2ms);
}

// (hand35) RESTART_BACK's trial traced (bench/echo-lab/louder-judge.mjs prints it when the build has it): per event
// BK_STRIDE floats: block, kind (1 the shadow stored at a change, 2 a trial's end kept the relearned model, 3 gave the
// shadow back, 4 a trial's end with no onset), the old best heard ERLE, the relearned one's, the onset, the skew followed (0/1),
// the foreground's and the background's best ERLE then (dB), extra (a variant's measure).
let bkBase: usize = 0;
let bkCap: i32 = 0;
let bkN: i32 = 0;
const BK_STRIDE: i32 = 9;
/** Starts the trial's trace into `cap` entries at `ptr`. */
export function aec_bktrace_set(ptr: usize, cap: i32): void { bkBase = ptr; bkCap = cap; bkN = 0; }
/** Entries traced since aec_bktrace_set. */
export function aec_bktrace_count(): i32 { return bkN; }
export function trace_back(a: Aec, kind: i32, oldDb: f32, nowDb: f32, extra: f32): void {
  if (bkBase == 0 || bkN >= bkCap) return;
  const t = bkBase + <usize>bkN * (<usize>BK_STRIDE << 2);
  bkN++;
  store<f32>(t, <f32>a.blocks);
  store<f32>(t + 4, <f32>kind);
  store<f32>(t + 8, oldDb);
  store<f32>(t + 12, nowDb);
  store<f32>(t + 16, <f32>dl_onset(a.delay));
  store<f32>(t + 20, a.skewOn ? 1 : 0);
  store<f32>(t + 24, <f32>(10 * Math.log10(<f64>max<f32>(a.bestErle, 1e-10))));
  store<f32>(t + 28, <f32>a.offset);
  store<f32>(t + 32, extra);
}
