// Residual echo suppressor and comfort noise for the echo canceller (./echo-canceller): removes,
// bin by bin, what the linear filter left of the echo, and fills what it removes with noise like
// the mic's own, so the session never hears holes.
//
// How, per block of B samples (frames of 2B with a sqrt-Hann window, hop B, overlap-add):
// - E = spectrum of the linear stage's output (the user + noise + residual echo), Y = spectrum of
//   the linear echo estimate over the same frame.
// - Noise N: per bin, the minimum of the smoothed |E|^2 (rising 3 dB/s at most): minimum statistics
//   (R. Martin, "Noise power spectral density estimation based on optimal smoothing and minimum
//   statistics", IEEE TSAP 9(5), 2001, much simplified).
// - Leakage eta: per bin, the ratio of what is left (|E|^2 - N) to the echo estimate |Y|^2 where the
//   echo estimate stands above the noise and the user is not present, its median tracked in dB
//   (ratio above: +step, below: -step). A converged filter leaves a small, steady share of its own estimate in the error
//   (Valin 2007's "leakage", here per bin); the user talking raises the ratio only for as long as
//   the step lets the median move.
// - Reference predictor: A, the reference power over the filter's window weighted by the echo's
//   energy per lag (from the delay estimator), and zeta, the median of (|E|^2 - N) / A tracked like
//   eta: what the echo leaves per unit of reference, whether or not the filter has learned that bin.
// - Residual echo R = max(eta x |Y|^2, zeta x A, decay x R of the last block): the decay holds the
//   room's reverberation after the estimates fall (tailMs per 60 dB).
// - The user is present when what neither the echo (overestimated x `over`) nor the noise can
//   explain is a share (`presence`) of the frame's power; then for `hang` blocks more.
// - Gain G = max(floor, sqrt(1 - o R / |E|^2)) (power subtraction) with o = `overNear` while the
//   user is present and `over` otherwise, smoothed over neighbouring bins.
// - Output = G E + comfort noise of power N (1 - G^2) with random phase (xorshift32).
// Latency: one block (the overlap-add completes a block when the next frame arrives).

import { fft_forward, fft_inverse } from "./fft";

@unmanaged class Suppress {
  b: i32;
  k: i32; // bins stored (B + 4)
  seed: u32;
  frames: i32;
  floorGain: f32;
  over: f32; // overestimation of the residual
  decay: f32; // residual hold per block
  noiseRise: f32; // noise minimum rise per block (factor)
  etaStep: f32; // median tracker step per block, dB
  cnGain: f32; // comfort noise level re the noise estimate
  overNear: f32; // overestimation while the user is present
  presence: f32; // share of the frame's power the echo and noise cannot explain, above which the user is present
  hangBlocks: i32;
  etaUp: f32; // up step re the down step (the tracked percentile: up / (up + 1))
  hang: i32; // blocks left of user presence
  win: usize; // f32[2B] sqrt-Hann
  ePrev: usize; // f32[B]
  yPrev: usize; // f32[B]
  frame: usize; // f32[2B]
  tail: usize; // f32[B] overlap-add tail
  eRe: usize;
  eIm: usize;
  yRe: usize;
  yIm: usize;
  pSmooth: usize; // f32[K] smoothed |E|^2
  noise: usize; // f32[K]
  etaDb: usize; // f32[K]
  zetaDb: usize; // f32[K] residual over the reference predictor, dB
  resid: usize; // f32[K]
  gain: usize; // f32[K]
}

/** Bytes of the suppressor's state for blocks of `b` samples. */
export function sup_bytes(b: i32): usize {
  const k = b + 4;
  return ((offsetof<Suppress>() + 15) & ~15) + <usize>(4 * (2 * b + 2 * b + 2 * b + b + 4 * k + 6 * k));
}

/** Initialises the suppressor at `p` for blocks of `b` samples at `sampleRate`. */
export function sup_init(p: usize, b: i32, sampleRate: i32, tailMs: f32, floorDb: f32, over: f32): void {
  const s = changetype<Suppress>(p);
  const k = b + 4;
  s.b = b;
  s.k = k;
  const blockMs = <f32>b * 1000 / <f32>sampleRate;
  s.floorGain = Mathf.pow(10, floorDb / 20);
  s.over = over;
  s.decay = Mathf.pow(10, -6 * blockMs / tailMs);
  s.noiseRise = Mathf.pow(10, 0.3 * blockMs / 1000);
  s.etaStep = 30 * blockMs / 1000; // dB per block: 30 dB/s
  s.cnGain = 1;
  s.overNear = 1.5;
  s.presence = 0.2;
  s.hangBlocks = <i32>Mathf.round(60 / blockMs);
  s.etaUp = 1;
  let q = (p + offsetof<Suppress>() + 15) & ~(<usize>15);
  s.win = q; q += <usize>(8 * b);
  s.ePrev = q; q += <usize>(4 * b);
  s.yPrev = q; q += <usize>(4 * b);
  s.frame = q; q += <usize>(8 * b);
  s.tail = q; q += <usize>(4 * b);
  s.eRe = q; q += <usize>(4 * k);
  s.eIm = q; q += <usize>(4 * k);
  s.yRe = q; q += <usize>(4 * k);
  s.yIm = q; q += <usize>(4 * k);
  s.pSmooth = q; q += <usize>(4 * k);
  s.noise = q; q += <usize>(4 * k);
  s.etaDb = q; q += <usize>(4 * k);
  s.zetaDb = q; q += <usize>(4 * k);
  s.resid = q; q += <usize>(4 * k);
  s.gain = q;
  const n = 2 * b;
  for (let i = 0; i < n; i++) store<f32>(s.win + (<usize>i << 2), <f32>Math.sqrt(0.5 - 0.5 * Math.cos(2 * Math.PI * <f64>i / <f64>n)));
  sup_reset(p);
}

/** Forgets the signal history, the noise and the leakage. */
export function sup_reset(p: usize): void {
  const s = changetype<Suppress>(p);
  const b = s.b;
  const k = s.k;
  memory.fill(s.ePrev, 0, <usize>(4 * (b + b + 2 * b + b + 4 * k)));
  for (let j = 0; j < k; j++) {
    store<f32>(s.pSmooth + (<usize>j << 2), 0);
    store<f32>(s.noise + (<usize>j << 2), 1);
    store<f32>(s.etaDb + (<usize>j << 2), 0);
    store<f32>(s.zetaDb + (<usize>j << 2), 0);
    store<f32>(s.resid + (<usize>j << 2), 0);
    store<f32>(s.gain + (<usize>j << 2), 1);
  }
  s.seed = 0x9e3779b9;
  s.frames = 0;
  s.hang = 0;
}

/** Forgets the leakage (the linear filter no longer matches the room): eta back to 0 dB. */
export function sup_forget(p: usize): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) store<f32>(s.etaDb + (<usize>j << 2), 0);
}

/** Sets a tunable (measurement): 0 floor dB, 1 overestimation, 2 tail ms, 3 comfort noise gain, 4 eta step dB/s, 5 overestimation with the user, 6 presence share, 7 hangover ms. */
export function sup_set(p: usize, i: i32, v: f32, sampleRate: i32): void {
  const s = changetype<Suppress>(p);
  const blockMs = <f32>s.b * 1000 / <f32>sampleRate;
  if (i == 0) s.floorGain = Mathf.pow(10, v / 20);
  else if (i == 1) s.over = v;
  else if (i == 2) s.decay = Mathf.pow(10, -6 * blockMs / v);
  else if (i == 3) s.cnGain = v;
  else if (i == 4) s.etaStep = v * blockMs / 1000;
  else if (i == 5) s.overNear = v;
  else if (i == 6) s.presence = v;
  else if (i == 7) s.hangBlocks = <i32>Mathf.round(v / blockMs);
  else if (i == 8) s.etaUp = v;
}

function windowed(s: Suppress, prev: usize, cur: usize): void {
  const b = s.b;
  for (let i = 0; i < b; i++) {
    store<f32>(s.frame + (<usize>i << 2), load<f32>(prev + (<usize>i << 2)) * load<f32>(s.win + (<usize>i << 2)));
    store<f32>(s.frame + (<usize>(i + b) << 2), load<f32>(cur + (<usize>i << 2)) * load<f32>(s.win + (<usize>(i + b) << 2)));
  }
  memory.copy(prev, cur, <usize>b << 2);
}

// @ts-ignore: decorator
@inline function uniform(s: Suppress): f32 {
  let x = s.seed;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  s.seed = x;
  return <f32>(<i32>x) * <f32>4.656612873e-10; // -1..1
}

/**
 * One block: `e` (B samples, the linear stage's output), `y` (its echo estimate) and `a` (f32[K],
 * the reference predictor) in; `out`
 * (B samples) receives the suppressed block that ends where the previous call's input ended.
 */
export function sup_process(p: usize, fft: usize, work: usize, e: usize, y: usize, a: usize, out: usize): void {
  const s = changetype<Suppress>(p);
  const b = s.b;
  windowed(s, s.yPrev, y);
  fft_forward(fft, s.frame, s.yRe, s.yIm, work);
  windowed(s, s.ePrev, e);
  fft_forward(fft, s.frame, s.eRe, s.eIm, work);
  const first = s.frames == 0;
  // pass 1: noise, leakage, residual (with the high overestimation), the power nothing explains
  let total: f32 = 0;
  let excess: f32 = 0;
  for (let j = 0; j <= b; j++) {
    const o = <usize>j << 2;
    const er = load<f32>(s.eRe + o);
    const ei = load<f32>(s.eIm + o);
    const yr = load<f32>(s.yRe + o);
    const yi = load<f32>(s.yIm + o);
    const pe = er * er + ei * ei;
    const py = yr * yr + yi * yi;
    let ps = load<f32>(s.pSmooth + o);
    ps = first ? pe : ps + <f32>0.3 * (pe - ps);
    store<f32>(s.pSmooth + o, ps);
    let nz = load<f32>(s.noise + o) * s.noiseRise;
    if (ps < nz) nz = ps;
    store<f32>(s.noise + o, nz);
    let eta = load<f32>(s.etaDb + o);
    if (py > 2 * nz && s.hang == 0) {
      const left = max<f32>(pe - nz, <f32>1.0e-3 * py);
      const ratioDb = <f32>10 * Mathf.log10(left / py);
      eta += ratioDb > eta ? s.etaStep * s.etaUp : -s.etaStep;
      eta = min<f32>(10, max<f32>(-60, eta));
      store<f32>(s.etaDb + o, eta);
    }
    // the reference predictor: what the echo leaves per unit of weighted reference power
    const pa = load<f32>(a + o);
    let zeta = load<f32>(s.zetaDb + o);
    if (pa > 1.0e-12 && s.hang == 0) {
      const ratioDb = <f32>10 * Mathf.log10(max<f32>(pe - nz, <f32>1.0e-6 * pa) / pa);
      zeta += ratioDb > zeta ? s.etaStep : -s.etaStep;
      zeta = min<f32>(10, max<f32>(-80, zeta));
      store<f32>(s.zetaDb + o, zeta);
    }
    const r = max<f32>(max<f32>(Mathf.pow(10, <f32>0.1 * eta) * py, Mathf.pow(10, <f32>0.1 * zeta) * pa), s.decay * load<f32>(s.resid + o));
    store<f32>(s.resid + o, r);
    total += pe;
    excess += max<f32>(0, pe - s.over * r - 2 * nz);
  }
  // the user is present when the echo (overestimated) and the noise leave a share of the frame
  if (excess > s.presence * total) s.hang = s.hangBlocks;
  else if (s.hang > 0) s.hang--;
  const over = s.hang > 0 ? s.overNear : s.over;
  for (let j = 0; j <= b; j++) {
    const o = <usize>j << 2;
    const er = load<f32>(s.eRe + o);
    const ei = load<f32>(s.eIm + o);
    const pe = er * er + ei * ei;
    const g = max<f32>(s.floorGain, Mathf.sqrt(max<f32>(0, 1 - over * load<f32>(s.resid + o) / (pe + <f32>1.0e-20))));
    store<f32>(s.gain + o, g);
  }
  // smooth the gains over neighbouring bins, apply, add comfort noise
  let prev = load<f32>(s.gain);
  for (let j = 0; j <= b; j++) {
    const o = <usize>j << 2;
    const cur = load<f32>(s.gain + o);
    const next = j < b ? load<f32>(s.gain + o + 4) : cur;
    const g = <f32>0.25 * prev + <f32>0.5 * cur + <f32>0.25 * next;
    prev = cur;
    const cn = Mathf.sqrt(max<f32>(0, s.cnGain * load<f32>(s.noise + o) * (1 - g * g)) * <f32>1.5);
    store<f32>(s.eRe + o, g * load<f32>(s.eRe + o) + cn * uniform(s));
    store<f32>(s.eIm + o, g * load<f32>(s.eIm + o) + cn * uniform(s));
  }
  fft_inverse(fft, s.eRe, s.eIm, s.frame, work);
  for (let i = 0; i < b; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(s.tail + o) + load<f32>(s.frame + o) * load<f32>(s.win + o));
    store<f32>(s.tail + o, load<f32>(s.frame + (<usize>(i + b) << 2)) * load<f32>(s.win + (<usize>(i + b) << 2)));
  }
  s.frames++;
}

/** Diagnostics: 0 mean gain (dB), 1 mean leakage (dB), 2 mean noise (dB per bin). */
export function sup_stat(p: usize, i: i32): f32 {
  const s = changetype<Suppress>(p);
  let acc: f32 = 0;
  for (let j = 0; j <= s.b; j++) {
    const o = <usize>j << 2;
    if (i == 0) acc += load<f32>(s.gain + o);
    else if (i == 1) acc += load<f32>(s.etaDb + o);
    else acc += load<f32>(s.noise + o);
  }
  acc /= <f32>(s.b + 1);
  if (i == 1) return acc;
  return <f32>10 * Mathf.log10(acc + <f32>1.0e-30);
}
