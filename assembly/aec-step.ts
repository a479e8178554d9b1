// Step-size control of the adaptive filter (./echo-canceller): how far each coefficient moves this
// block, so that the filter converges fast on the echo and holds still while the user talks.
//
// Each coefficient W_m(k) (partition m, bin k) carries the expected power of its error,
// P_m(k) = E|H_m(k) - W_m(k)|^2, as in the diagonalised frequency-domain Kalman filter. Per bin:
//   R = sum_m P_m |X_m|^2          the residual echo the filter could still remove
//   T = max(R, |E|^2 / gamma)      the error power it will see (residual echo + the user + noise;
//                                  gamma = B / 2B, the share of a gated error frame that is error)
//   W_m += s (P_m / T) conj(X_m) E      (s = 1: a full step, the NLMS step of 1, when R >= |E|^2)
//   P_m <- P_m (1 - P_m |X_m|^2 / T) + lambda |W_m|^2 + floor_m,  at most cap_m
// so the step is the expected residual-echo-to-error ratio spread over the coefficients by their
// uncertainty (Valin 2007 argues this ratio is the optimal step; the Kalman form learns it without
// needing an echo estimate first). While the user talks, |E|^2 grows and the steps shrink; the
// process noise lambda |W|^2 + floor keeps the filter able to track a room that changes.
// References: G. Enzner and P. Vary, "Frequency-domain adaptive Kalman filter for acoustic echo
// control in hands-free telephones", Signal Processing 86(6), 2006; J.-M. Valin, "On adjusting the
// learning rate in frequency domain echo cancellation with double-talk", IEEE TASLP 15(3), 2007.
// Latency: none.

/**
 * The canceller's three block sizes (B 128, 256, 512: 16, 24 and 48 kHz) as types for the two
 * passes over partitions x bins (kf_filter_residual, kf_update): u8, u16, u32 stand for K = 132,
 * 260, 516, any other type for K at run time. Specialised, the imaginary half's offset (K floats on)
 * is a load's immediate instead of an address computed per load (V8 cannot fold a run-time offset
 * into the access: 4-5 integer additions per 4 coefficients fewer), and the strides constants; the
 * same vector operations in the same order, so the same output bit for bit. Returns K x 4 bytes, or
 * 0 for run time.
 */
// @ts-ignore: decorator
@inline function specialisedIm<T>(): usize {
  return sizeof<T>() == 1 ? 132 * 4 : sizeof<T>() == 2 ? 260 * 4 : sizeof<T>() == 4 ? 516 * 4 : 0;
}

/**
 * (aec-speed12, an emulation compiled in only with `--use AEC_LOWBAND=1`) the linear stage below 8 kHz only, as
 * WebRTC AEC3's linear filter runs on its lowest band: the bins under 8 kHz at 24 and 48 kHz (172 of 260 / 516; at
 * 16 kHz all) are filtered and adapted, the others left to the suppressor. K bins otherwise.
 */
// @ts-ignore: decorator
@inline export const LOWBAND: bool = isDefined(AEC_LOWBAND);
/** (AEC_LOWBAND) whether a spectrum of k bins is split at 8 kHz: 24 kHz (K 260), and 48 kHz (516) unless `--use AEC_LOWBAND_24_ONLY=1`. */
// @ts-ignore: decorator
@inline export function lowbandSplit(k: i32): bool {
  return LOWBAND && (k == 260 || (!isDefined(AEC_LOWBAND_24_ONLY) && k == 516));
}
/** (AEC_LOWBAND) the first bin left to the suppressor: 172 (8.06 kHz), or `--use AEC_LOWBAND_BINS=N` (a multiple of 8). */
// @ts-ignore: decorator
@inline export const LOW_EDGE: i32 = isDefined(AEC_LOWBAND_BINS) ? <i32>AEC_LOWBAND_BINS : 172;
// @ts-ignore: decorator
@inline export function linearBins(k: i32): i32 {
  return lowbandSplit(k) ? LOW_EDGE : k;
}

/**
 * One pass over the filter's window of the history (history ring from `head`, partitions in
 * order), reading each reference spectrum once for what four passes read it for:
 * - the two filters' echo spectra: yb = sum over partitions of Wb_m X_m, yf = sum of Wf_m X_m
 *   (complex, per bin; re at yb / yf, im K floats on);
 * - out[k] = sum over partitions of P_m(k) |X_m(k)|^2 (P in partition order),
 *   xw[k] = sum of q_m |X_m(k)|^2 with the per-partition weights q, and xf[k] = the mean of |X_m(k)|^2.
 * Each sum runs in partition order, as separate passes would (same figures, bit for bit); fused,
 * the canceller's block ran 1.2x faster (24 kHz: the history is ~100 KB, read once instead of 3x).
 * Only the partitions in `runs` (kf_runs: those whose reference frame is not all zeros) are read:
 * a zero spectrum adds +-0 to every sum, which leaves it as it was, bit for bit.
 */
export function kf_filter_residual(wb: usize, wf: usize, yb: usize, yf: usize, x: usize, p: usize, m: i32, runs: usize, nRuns: i32, k: i32, q: usize, out: usize, xw: usize, xf: usize, rot: usize = 0): void {
  if (rot != 0) {
    // the clock skew's turn of both filters (./aec-skew: each coefficient times the bin's phasor at
    // rot, re then im K floats on) done in the same pass, on the partitions it reads; the caller
    // turns the others (sk_turn_gaps)
    if (k == 132) filterResidual<u8>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, true, rot);
    else if (k == 260) filterResidual<u16>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, true, rot);
    else if (k == 516) filterResidual<u32>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, true, rot);
    else filterResidual<u64>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, true, rot);
  } else if (k == 132) filterResidual<u8>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, false, 0);
  else if (k == 260) filterResidual<u16>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, false, 0);
  else if (k == 516) filterResidual<u32>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, false, 0);
  else filterResidual<u64>(wb, wf, yb, yf, x, p, m, runs, nRuns, k, q, out, xw, xf, false, 0);
}

/** kf_filter_residual's pass for the block size T stands for (specialised). */
// @ts-ignore: decorator
@inline function filterResidual<T>(wb: usize, wf: usize, yb: usize, yf: usize, x: usize, p: usize, m: i32, runs: usize, nRuns: i32, kRun: i32, q: usize, out: usize, xw: usize, xf: usize, turning: bool, rot: usize): void {
  const IM = specialisedIm<T>();
  const k = IM != 0 ? <i32>(IM >> 2) : kRun;
  const imr: usize = IM != 0 ? 0 : <usize>k << 2; // the imaginary half's offset when not an immediate
  const invM = f32x4.splat(<f32>1 / <f32>m);
  const stride = <usize>(2 * k) << 2;
  const im = <usize>k << 2;
  const pstride = <usize>k << 2;
  const runsEnd = runs + (<usize>nRuns << 4);
  const kLin = LOWBAND && !isDefined(AEC_LOWBAND_PASS_FULL) ? linearBins(k) : k; // (a diagnosis: the pass over every bin, the update under 8 kHz)
  if (LOWBAND && kLin < k) residualOnly<T>(x, p, runs, nRuns, kRun, kLin, q, out, xw, xf, yb, yf, invM);
  for (let j = 0; j < kLin; j += 4) {
    const o = <usize>j << 2;
    let acc = f32x4.splat(0);
    let accw = f32x4.splat(0);
    let accf = f32x4.splat(0);
    let br = f32x4.splat(0);
    let bi = f32x4.splat(0);
    let fr = f32x4.splat(0);
    let fi = f32x4.splat(0);
    // the bin's phasor (turning only: its operations are ./aec-skew's turn, in the same order)
    const rr = turning ? v128.load(rot + o) : f32x4.splat(0);
    const ri = turning ? v128.load(rot + o + imr, IM) : f32x4.splat(0);
    for (let r = runs; r < runsEnd; r += 16) {
      // a run of partitions [i, end) in consecutive history slots from xp
      let i = load<i32>(r);
      const end = load<i32>(r, 4);
      let xp = x + <usize>load<i32>(r, 8) + o;
      let wo = <usize>i * stride + o;
      let pp = p + <usize>i * pstride + o;
      for (; i < end; i++) {
        const xr = v128.load(xp);
        const xi = v128.load(xp + imr, IM);
        let wbr = v128.load(wb + wo);
        let wbi = v128.load(wb + wo + imr, IM);
        if (turning) {
          const tr = f32x4.sub(f32x4.mul(wbr, rr), f32x4.mul(wbi, ri));
          const ti = f32x4.add(f32x4.mul(wbr, ri), f32x4.mul(wbi, rr));
          v128.store(wb + wo, tr);
          v128.store(wb + wo + imr, ti, IM);
          wbr = tr;
          wbi = ti;
        }
        br = f32x4.add(br, f32x4.sub(f32x4.mul(wbr, xr), f32x4.mul(wbi, xi)));
        bi = f32x4.add(bi, f32x4.add(f32x4.mul(wbr, xi), f32x4.mul(wbi, xr)));
        let wfr = v128.load(wf + wo);
        let wfi = v128.load(wf + wo + imr, IM);
        if (turning) {
          const tr = f32x4.sub(f32x4.mul(wfr, rr), f32x4.mul(wfi, ri));
          const ti = f32x4.add(f32x4.mul(wfr, ri), f32x4.mul(wfi, rr));
          v128.store(wf + wo, tr);
          v128.store(wf + wo + imr, ti, IM);
          wfr = tr;
          wfi = ti;
        }
        fr = f32x4.add(fr, f32x4.sub(f32x4.mul(wfr, xr), f32x4.mul(wfi, xi)));
        fi = f32x4.add(fi, f32x4.add(f32x4.mul(wfr, xi), f32x4.mul(wfi, xr)));
        const px = f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi));
        acc = f32x4.add(acc, f32x4.mul(v128.load(pp), px));
        accw = f32x4.add(accw, f32x4.mul(v128.load32_splat(q + (<usize>i << 2)), px));
        accf = f32x4.add(accf, px);
        pp += pstride;
        wo += stride;
        xp += stride;
      }
    }
    v128.store(yb + o, br);
    v128.store(yb + o + im, bi);
    v128.store(yf + o, fr);
    v128.store(yf + o + im, fi);
    v128.store(out + o, acc);
    v128.store(xw + o, accw);
    v128.store(xf + o, f32x4.mul(accf, invM));
  }
}

/** (AEC_LOWBAND) filterResidual's sums over bins [from, K) without the filters: the echo spectra zero there. */
// @ts-ignore: decorator
@inline function residualOnly<T>(x: usize, p: usize, runs: usize, nRuns: i32, kRun: i32, from: i32, q: usize, out: usize, xw: usize, xf: usize, yb: usize, yf: usize, invM: v128): void {
  const IM = specialisedIm<T>();
  const k = IM != 0 ? <i32>(IM >> 2) : kRun;
  const imr: usize = IM != 0 ? 0 : <usize>k << 2;
  const stride = <usize>(2 * k) << 2;
  const im = <usize>k << 2;
  const pstride = <usize>k << 2;
  const runsEnd = runs + (<usize>nRuns << 4);
  const zero = f32x4.splat(0);
  for (let j = from; j < k; j += 4) {
    const o = <usize>j << 2;
    let acc = f32x4.splat(0);
    let accw = f32x4.splat(0);
    let accf = f32x4.splat(0);
    for (let r = runs; r < runsEnd; r += 16) {
      let i = load<i32>(r);
      const end = load<i32>(r, 4);
      let xp = x + <usize>load<i32>(r, 8) + o;
      let pp = p + <usize>i * pstride + o;
      for (; i < end; i++) {
        const xr = v128.load(xp);
        const xi = v128.load(xp + imr, IM);
        const px = f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi));
        acc = f32x4.add(acc, f32x4.mul(v128.load(pp), px));
        accw = f32x4.add(accw, f32x4.mul(v128.load32_splat(q + (<usize>i << 2)), px));
        accf = f32x4.add(accf, px);
        pp += pstride;
        xp += stride;
      }
    }
    v128.store(yb + o, zero);
    v128.store(yb + o + im, zero);
    v128.store(yf + o, zero);
    v128.store(yf + o + im, zero);
    v128.store(out + o, acc);
    v128.store(xw + o, accw);
    v128.store(xf + o, f32x4.mul(accf, invM));
  }
}

/**
 * The runs of the filter's m partitions (from history slot `head`, the ring of `slots`) whose
 * reference frame is not all zeros (`zero`: i32 per slot), at `runs` (16 bytes each: first
 * partition, end, the first's byte offset into the history of spectra of `stride` bytes). A run ends
 * at a zero frame or where the ring wraps. Returns the number of runs.
 */
export function kf_runs(zero: usize, slots: i32, head: i32, m: i32, stride: usize, runs: usize): i32 {
  let n = 0;
  let q = 0;
  let slot = head;
  while (q < m) {
    if (load<i32>(zero + (<usize>slot << 2)) != 0) {
      q++;
      slot = slot + 1 == slots ? 0 : slot + 1;
      continue;
    }
    const r = runs + (<usize>n << 4);
    store<i32>(r, q);
    store<i32>(r, <i32>(<usize>slot * stride), 8);
    do {
      q++;
      slot++;
    } while (q < m && slot < slots && load<i32>(zero + (<usize>slot << 2)) == 0);
    if (slot == slots) slot = 0;
    store<i32>(r, q, 4);
    n++;
  }
  return n;
}

/** The largest of xw[0..k). */
export function kf_max(xw: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  for (let j = 0; j < k; j += 4) acc = f32x4.pmax(v128.load(xw + (<usize>j << 2)), acc); // pmax: see kf_update
  return max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
}

/**
 * Caps the residual by the echo bound: R[k] = min(R[k], bound x xw[k]); scale[k] = the factor
 * applied (<= 1), by which kf_update shrinks that bin's uncertainties so that the steps stay a
 * consistent Kalman step. Returns the sum of xw over the bins.
 */
export function kf_apply_bound(xw: usize, k: i32, bound: f32, r: usize, scale: usize): f32 {
  const vb = f32x4.splat(bound);
  const one = f32x4.splat(1);
  const tiny = f32x4.splat(1.0e-30);
  let sum = f32x4.splat(0);
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const x = v128.load(xw + o);
    sum = f32x4.add(sum, x);
    const rm = v128.load(r + o);
    const rb = f32x4.pmin(rm, f32x4.mul(vb, x)); // pmin / pmax: see kf_update
    v128.store(r + o, rb);
    v128.store(scale + o, f32x4.pmin(f32x4.div(f32x4.add(rb, tiny), f32x4.add(rm, tiny)), one));
  }
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}

/**
 * Per bin: T = max(R, |E|^2 / gamma) + delta; writes G = stepGain E / T, 0 where the window's
 * reference power xw is at most xFloor or where the largest plausible echo (echoBound x xw) stays
 * under the error's noise floor (tracked here in `noise`): there the error is not the echo, and
 * adapting on it only teaches the filter noise that a rare burst of reference would replay. over the error spectrum's
 * place in gRe/gIm and 1 / T into invT. Returns the mean over bins of R / T (the average step).
 */
export function kf_scale(eRe: usize, eIm: usize, r: usize, xw: usize, xFloor: f32, echoBound: f32, noise: usize, noiseRise: f32, k: i32, bins: i32, gamma: f32, stepGain: f32, delta: f32, gRe: usize, gIm: usize, invT: usize): f32 {
  const vInvGamma = f32x4.splat(<f32>1 / gamma);
  const vDelta = f32x4.splat(delta);
  const vStep = f32x4.splat(stepGain);
  const vFloor = f32x4.splat(xFloor);
  const vBound = f32x4.splat(echoBound);
  const vRise = f32x4.splat(noiseRise);
  const one = f32x4.splat(1);
  let stepSum = f32x4.splat(0);
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const er = v128.load(eRe + o);
    const ei = v128.load(eIm + o);
    const rr = v128.load(r + o);
    const pe = f32x4.mul(f32x4.add(f32x4.mul(er, er), f32x4.mul(ei, ei)), vInvGamma);
    // the error's noise floor: a minimum rising by noiseRise per block
    const nz = f32x4.pmin(f32x4.mul(v128.load(noise + o), vRise), f32x4.add(pe, vDelta)); // pmin / pmax: see kf_update
    v128.store(noise + o, nz);
    const t = f32x4.add(f32x4.pmax(rr, pe), vDelta);
    const inv = f32x4.div(one, t);
    v128.store(invT + o, inv);
    stepSum = f32x4.add(stepSum, f32x4.mul(rr, inv));
    // no step where the reference has (almost) nothing: the error there is not its echo
    const x = v128.load(xw + o);
    const live = v128.and(f32x4.gt(x, vFloor), f32x4.gt(f32x4.mul(x, vBound), nz));
    const s = v128.and(f32x4.mul(inv, vStep), live);
    v128.store(gRe + o, f32x4.mul(s, er));
    v128.store(gIm + o, f32x4.mul(s, ei));
  }
  return (f32x4.extract_lane(stepSum, 0) + f32x4.extract_lane(stepSum, 1) + f32x4.extract_lane(stepSum, 2) + f32x4.extract_lane(stepSum, 3)) / <f32>bins;
}

/**
 * kf_update for partitions [from, to) whose reference spectrum is zero (all of them when nothing
 * played for the filter's window): W stays and P_m <- min(cap_m, P_m scale + lambda |W_m|^2 +
 * floor_m), what kf_update computes there bit for bit (its information term is 0), without reading
 * the history (`scale`: kf_apply_bound's, 1 in every bin when the whole window is zero; 0: none).
 * `blocks` > 1: that many quiet blocks in a row with the weights unchanged and the scale 1 (./aec-state,
 * flushDrift): each coefficient's drift computed once and added block by block, as they would
 * have (bit for bit), stopping where the whole vector has reached its cap (it stays).
 */
export function kf_drift(w: usize, p: usize, from: i32, to: i32, k: i32, lambda: f32, floors: usize, caps: usize, scale: usize, blocks: i32): void {
  const stride = <usize>(2 * k) << 2;
  const im = <usize>k << 2;
  const pstride = <usize>k << 2;
  const vLambda = f32x4.splat(lambda);
  for (let q = from; q < to; q++) {
    const fl = v128.load32_splat(floors + (<usize>q << 2));
    const cap = v128.load32_splat(caps + (<usize>q << 2));
    const wq = w + <usize>q * stride;
    const pq = p + <usize>q * pstride;
    let j = 0;
    // (aec-speed10) a batch four vectors at a time: four independent chains of add and min, where one
    // waited on its own latency. A coefficient at its cap stays there (the drift is at least the
    // floor, > 0: min(cap + drift, cap) is cap), so its vector going on with the other three's is the
    // same bits as stopping with its own four lanes
    if (blocks > 1 && scale == 0) {
      for (; j + 16 <= k; j += 16) {
        const o = <usize>j << 2;
        const d0 = driftOf(wq + o, im, vLambda, fl);
        const d1 = driftOf(wq + o + 16, im, vLambda, fl);
        const d2 = driftOf(wq + o + 32, im, vLambda, fl);
        const d3 = driftOf(wq + o + 48, im, vLambda, fl);
        let p0 = f32x4.pmin(f32x4.add(v128.load(pq + o), d0), cap);
        let p1 = f32x4.pmin(f32x4.add(v128.load(pq + o, 16), d1), cap);
        let p2 = f32x4.pmin(f32x4.add(v128.load(pq + o, 32), d2), cap);
        let p3 = f32x4.pmin(f32x4.add(v128.load(pq + o, 48), d3), cap);
        for (let t = 1; t < blocks && !i32x4.all_true(v128.and(v128.and(f32x4.eq(p0, cap), f32x4.eq(p1, cap)), v128.and(f32x4.eq(p2, cap), f32x4.eq(p3, cap)))); t++) {
          p0 = f32x4.pmin(f32x4.add(p0, d0), cap);
          p1 = f32x4.pmin(f32x4.add(p1, d1), cap);
          p2 = f32x4.pmin(f32x4.add(p2, d2), cap);
          p3 = f32x4.pmin(f32x4.add(p3, d3), cap);
        }
        v128.store(pq + o, p0);
        v128.store(pq + o, p1, 16);
        v128.store(pq + o, p2, 32);
        v128.store(pq + o, p3, 48);
      }
    }
    for (; j < k; j += 4) {
      const o = <usize>j << 2;
      const wr = v128.load(wq + o);
      const wi = v128.load(wq + o + im);
      const drift = f32x4.add(f32x4.mul(vLambda, f32x4.add(f32x4.mul(wr, wr), f32x4.mul(wi, wi))), fl);
      let pv = scale != 0 ? f32x4.mul(v128.load(pq + o), v128.load(scale + o)) : v128.load(pq + o);
      pv = f32x4.pmin(f32x4.add(pv, drift), cap);
      for (let t = 1; t < blocks && !i32x4.all_true(f32x4.eq(pv, cap)); t++) pv = f32x4.pmin(f32x4.add(pv, drift), cap);
      v128.store(pq + o, pv);
    }
  }
}

/** lambda |W|^2 + floor for the four coefficients at `wr` (their imaginary parts `im` bytes on). */
// @ts-ignore: decorator
@inline function driftOf(wr: usize, im: usize, lambda: v128, floor: v128): v128 {
  const re = v128.load(wr);
  const ii = v128.load(wr + im);
  return f32x4.add(f32x4.mul(lambda, f32x4.add(f32x4.mul(re, re), f32x4.mul(ii, ii))), floor);
}

/** kf_drift (one block) for the partitions of m outside the `nRuns` runs (kf_runs): their reference frame is all zeros. */
export function kf_drift_gaps(w: usize, p: usize, runs: usize, nRuns: i32, m: i32, k: i32, lambda: f32, floors: usize, caps: usize, scale: usize): void {
  let from = 0;
  for (let r = 0; r <= nRuns; r++) {
    const to = r < nRuns ? load<i32>(runs + (<usize>r << 4)) : m;
    if (to > from) kf_drift(w, p, from, to, k, lambda, floors, caps, scale, 1);
    if (r < nRuns) from = load<i32>(runs + (<usize>r << 4), 4);
  }
}

/**
 * P_m <- P_m scale (the echo bound); W_m += P_m conj(X_m) G; P_m <- min(cap, P_m (1 - info P_m |X_m|^2 invT) + lambda |W_m|^2 + floor)
 * (the prior's cap and floor are the same for every partition: ./aec-state, setPrior)
 * for every partition in `runs` (kf_runs; the others take kf_drift) and bin (bins past the last
 * real one stay zero because X is zero there).
 */
export function kf_update(w: usize, x: usize, p: usize, runs: usize, nRuns: i32, k: i32, gRe: usize, gIm: usize, invT: usize, scale: usize, lambda: f32, info: f32, floor: f32, capAll: f32): void {
  if (k == 132) update<u8>(w, x, p, runs, nRuns, k, gRe, gIm, invT, scale, lambda, info, floor, capAll);
  else if (k == 260) update<u16>(w, x, p, runs, nRuns, k, gRe, gIm, invT, scale, lambda, info, floor, capAll);
  else if (k == 516) update<u32>(w, x, p, runs, nRuns, k, gRe, gIm, invT, scale, lambda, info, floor, capAll);
  else update<u64>(w, x, p, runs, nRuns, k, gRe, gIm, invT, scale, lambda, info, floor, capAll);
}

/** kf_update's pass for the block size T stands for (specialised). */
// @ts-ignore: decorator
@inline function update<T>(w: usize, x: usize, p: usize, runs: usize, nRuns: i32, kRun: i32, gRe: usize, gIm: usize, invT: usize, scale: usize, lambda: f32, info: f32, floor: f32, capAll: f32): void {
  const IM = specialisedIm<T>();
  const k = IM != 0 ? <i32>(IM >> 2) : kRun;
  const imr: usize = IM != 0 ? 0 : <usize>k << 2; // the imaginary half's offset when not an immediate
  const stride = <usize>(2 * k) << 2;
  const pstride = <usize>k << 2;
  const vLambda = f32x4.splat(lambda);
  const one = f32x4.splat(1);
  const vInfo = f32x4.splat(info);
  const fl = f32x4.splat(floor);
  const cap = f32x4.splat(capAll);
  const runsEnd = runs + (<usize>nRuns << 4);
  // bins outer, partitions inner: the bin's G, 1/T and bound scale stay in registers across the
  // partitions (the same operations per coefficient as partition by partition)
  const kLin = LOWBAND ? linearBins(k) : k; // (AEC_LOWBAND: the update under 8 kHz)
  for (let j = 0; j < kLin; j += 4) {
    const o = <usize>j << 2;
    const gr = v128.load(gRe + o);
    const gi = v128.load(gIm + o);
    const sc = v128.load(scale + o);
    const it = v128.load(invT + o);
    for (let r = runs; r < runsEnd; r += 16) {
      // a run of partitions [q, end) in consecutive history slots from xp (kf_runs)
      let q = load<i32>(r);
      const end = load<i32>(r, 4);
      let xp = x + <usize>load<i32>(r, 8) + o;
      let wp = w + <usize>q * stride + o;
      let pp = p + <usize>q * pstride + o;
      for (; q < end; q++) {
        const xr = v128.load(xp);
        const xi = v128.load(xp + imr, IM);
        const pv = f32x4.mul(v128.load(pp), sc);
        // conj(X) G = (xr gr + xi gi) + i (xr gi - xi gr)
        const ur = f32x4.mul(pv, f32x4.add(f32x4.mul(xr, gr), f32x4.mul(xi, gi)));
        const ui = f32x4.mul(pv, f32x4.sub(f32x4.mul(xr, gi), f32x4.mul(xi, gr)));
        const wr = f32x4.add(v128.load(wp), ur);
        const wi = f32x4.add(v128.load(wp + imr, IM), ui);
        v128.store(wp, wr);
        v128.store(wp + imr, wi, IM);
        const px = f32x4.mul(pv, f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)));
        const keep = f32x4.sub(one, f32x4.mul(vInfo, f32x4.mul(px, it)));
        const drift = f32x4.add(f32x4.mul(vLambda, f32x4.add(f32x4.mul(wr, wr), f32x4.mul(wi, wi))), fl);
        // keep needs no clamp at 0: P_m sc |X_m|^2 <= R (capped) <= T, so keep >= 1 - INFO (0.9).
        // pmin / pmax (here and in this file): one x86 instruction each where min / max take seven
        // (their NaN and signed zero rules); the same result here: no operand is -0, the bound is
        // positive, and a NaN in the first operand propagates as before
        v128.store(pp, f32x4.pmin(f32x4.add(f32x4.mul(pv, keep), drift), cap));
        wp += stride;
        pp += pstride;
        xp += stride;
      }
    }
  }
}
