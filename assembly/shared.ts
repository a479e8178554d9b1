// Small helpers the kernels share, all inlined: cleaning of non-finite samples, dB conversion and
// running statistics. One place for each, so the kernels treat bad input and levels alike.
//
// Non-finite input: NaN and +-Inf samples count as 0 in every kernel that analyses or filters
// audio (the VAD and the echo gate through finiteOrZero; the resampler's input copy, `sanitize`
// in resample-state.ts, applies the same rule). PCM16 conversion is the one exception, by
// convention: NaN -> 0, +-Inf saturate to the int16 limits (WebRTC's FloatToS16).
// Latency: none (helpers).

/** NaN and +-Inf become 0; finite values pass unchanged (|x| < Inf is false for NaN and Inf). */
// @ts-ignore: decorator
@inline export function finiteOrZero(x: f32): f32 {
  return Mathf.abs(x) < Infinity ? x : 0;
}

/** finiteOrZero on the four lanes of an f32x4. */
// @ts-ignore: decorator
@inline export function finiteOrZeroX4(v: v128): v128 {
  return v128.and(v, f32x4.lt(f32x4.abs(v), f32x4.splat(Infinity)));
}

/**
 * (aec-speed11) Each lane of `v` under f32's least normal value (2^-126, 1.2e-38) as +0, for a
 * state that decays geometrically while nothing plays (the suppressor's residuals and coherence
 * sums, the delay statistics of silent lags), stored so. Such a decay reaches the subnormal range
 * and stays there (x (1 - a) of the least subnormal rounds back to it), and every operation on a
 * subnormal takes the CPU's microcode assist (~100 cycles on x86; wasm cannot set flush-to-zero):
 * in the capture bench's call the suppressor's pass cost twice a playing block's in the reply's gaps.
 * Where such a state meets a normal power (the noise floor, >= floorMin; the error's) it is absorbed,
 * so the outputs stay the same bits (checked over the lab, not proved for every input).
 */
// @ts-ignore: decorator
@inline export function normalOrZero(v: v128): v128 {
  return v128.and(v, f32x4.ge(f32x4.abs(v), f32x4.splat(1.17549435e-38)));
}

/** 10 log10(power): the level in dB of a mean square (callers add their own floor against log 0). */
// @ts-ignore: decorator
@inline export function powerDb(power: f64): f64 {
  return 10.0 * Math.log10(power);
}

/** The mean square a level in dB stands for: 10^(db / 10). */
// @ts-ignore: decorator
@inline export function dbPower(db: f64): f64 {
  return Math.pow(10.0, db / 10.0);
}

/** One step of an exponential average: `average` moved by `rate` (0..1) of the way toward `x`. */
// @ts-ignore: decorator
@inline export function follow(average: f64, x: f64, rate: f64): f64 {
  return average + rate * (x - average);
}

/**
 * One step of a stochastic quantile tracker: up by `level` x `step` when `x` is above the estimate,
 * down by (1 - `level`) x `step` otherwise, so it settles where a fraction `level` of the values
 * lie below it.
 */
// @ts-ignore: decorator
@inline export function quantileStep(estimate: f64, x: f64, level: f64, step: f64): f64 {
  return estimate + step * (x > estimate ? level : level - 1.0);
}

/**
 * A running mean and mean absolute deviation (exponential, weight `rate` per value): two adjacent
 * f64 fields of a kernel's state, viewed through `statAt(pointer to the mean)`.
 */
@unmanaged export class MeanDeviation {
  mean: f64;
  dev: f64;

  /** Adds `x`: the deviation moves toward |x - old mean|, then the mean toward x. */
  // @ts-ignore: decorator
  @inline update(x: f64, rate: f64): void {
    this.dev = follow(this.dev, Math.abs(x - this.mean), rate);
    this.mean = follow(this.mean, x, rate);
  }
}

/** The running statistic whose mean is the f64 at `ptr` (its deviation the f64 after it). */
// @ts-ignore: decorator
@inline export function statAt(ptr: usize): MeanDeviation {
  return changetype<MeanDeviation>(ptr);
}
