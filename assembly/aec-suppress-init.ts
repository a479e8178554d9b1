// The residual echo suppressor's (./aec-suppress) lifecycle: its state's size, set-up for a block
// size and rate (the constants turned into per-block factors, the octave edges of the presence
// test, the analysis window), the reset, and the canceller's hooks into it: forget the leakage at a
// path change, end a presence's hang, set the residual's hold to the room's measured decay, ask
// whether the user is present.
// Latency: none (no signal passes here).

import {
  Suppress, FLOOR_RETURN, FLOOR_DB, OVER, OVER_NEAR, PRESENCE, HANG_MS, TAIL_MS, ETA_DB_PER_S, LEAK_MS, FAST_MS, FLOOR_MIN_DB, LATE_HOLD_MS, TAIL_COLD_MS, COH_AFTER_MS, LG_OCTAVES,
} from "./aec-suppress-state";

/** Bytes of the suppressor's state for blocks of `b` samples. */
export function sup_bytes(b: i32): usize {
  const k = b + 4;
  return ((offsetof<Suppress>() + 15) & ~15) + <usize>(4 * (2 * b + 2 * b + 2 * b + b + b + 4 * k + 26 * k + 8 + 6 * LG_OCTAVES));
}

/** Initialises the suppressor at `p` for blocks of `b` samples at `sampleRate`. */
export function sup_init(p: usize, b: i32, sampleRate: i32): void {
  const s = changetype<Suppress>(p);
  const k = b + 4;
  s.b = b;
  s.k = k;
  const blockMs = <f32>b * 1000 / <f32>sampleRate;
  s.floorGain = Mathf.pow(10, FLOOR_DB / 20);
  s.over = OVER;
  s.decay = Mathf.pow(10, -6 * blockMs / TAIL_MS);
  s.coldDecay = Mathf.pow(10, -6 * blockMs / TAIL_COLD_MS);
  s.noiseRise = Mathf.pow(10, 0.3 * blockMs / 1000);
  // white noise of power p per sample: p x B in a block, and p x B per bin under the sqrt-Hann frame of 2B (unscaled FFT)
  s.floorMin = <f32>b * Mathf.pow(10, FLOOR_MIN_DB / 10);
  s.lateDecay = Mathf.pow(10, -6 * blockMs / LATE_HOLD_MS);
  s.etaUpF = Mathf.pow(10, ETA_DB_PER_S * blockMs / 1000 / 10);
  s.etaDownF = 1 / s.etaUpF;
  s.leakSmooth = <f32>1 - Mathf.exp(-blockMs / LEAK_MS);
  s.fastBlocks = <i32>Mathf.round(FAST_MS / blockMs);
  s.overNear = OVER_NEAR;
  s.presence = PRESENCE;
  s.hangBlocks = <i32>Mathf.round(HANG_MS / blockMs);
  s.cohBlocks = <i32>Mathf.round(COH_AFTER_MS / blockMs);
  // the presence test's octaves: edges at 250 Hz x 2^i, at the f32x4 loop's grain (4 bins)
  s.edge1 = bandEdge(250, b, sampleRate);
  s.edge2 = bandEdge(500, b, sampleRate);
  s.edge3 = bandEdge(1000, b, sampleRate);
  s.edge4 = bandEdge(2000, b, sampleRate);
  s.edge5 = bandEdge(4000, b, sampleRate);
  let q = (p + offsetof<Suppress>() + 15) & ~(<usize>15);
  s.win = q; q += <usize>(8 * b);
  s.ePrev = q; q += <usize>(4 * b);
  s.yPrev = q; q += <usize>(4 * b);
  s.dPrev = q; q += <usize>(4 * b);
  s.frame = q; q += <usize>(8 * b);
  s.tail = q; q += <usize>(4 * b);
  s.eRe = q; q += <usize>(4 * k);
  s.eIm = q; q += <usize>(4 * k);
  s.yRe = q; q += <usize>(4 * k);
  s.yIm = q; q += <usize>(4 * k);
  s.pSmooth = q; q += <usize>(4 * k);
  s.noise = q; q += <usize>(4 * k);
  s.eta = q; q += <usize>(4 * k);
  s.zeta = q; q += <usize>(4 * k);
  s.kappa = q; q += <usize>(4 * k);
  s.resid = q; q += <usize>(4 * k);
  s.late = q; q += <usize>(4 * k);
  s.cnoise = q; q += <usize>(4 * k);
  s.noiseKept = q; q += <usize>(4 * k);
  s.cnoiseKept = q; q += <usize>(4 * k);
  s.rho = q; q += <usize>(4 * k);
  s.residNear = q; q += <usize>(4 * k);
  s.residFar = q; q += <usize>(4 * k);
  s.cohRe = q; q += <usize>(4 * k);
  s.cohIm = q; q += <usize>(4 * k);
  s.cohYy = q; q += <usize>(4 * k);
  s.dRe = q; q += <usize>(4 * k);
  s.dIm = q; q += <usize>(4 * k);
  s.gainScale = q; q += <usize>(4 * k);
  s.leakNum = q; q += <usize>(4 * k);
  s.leakDen = q; q += <usize>(4 * k);
  s.arrive = q; q += <usize>(4 * k);
  s.etaKept = q; q += <usize>(12 * k);
  s.gain = q + 16;
  s.lg = q + <usize>(4 * (k + 8));
  const n = 2 * b;
  for (let i = 0; i < n; i++) store<f32>(s.win + (<usize>i << 2), <f32>Math.sqrt(0.5 - 0.5 * Math.cos(2 * Math.PI * <f64>i / <f64>n)));
  sup_reset(p);
}

/** Forgets the signal history, the noise and the leakage. */
export function sup_reset(p: usize): void {
  const s = changetype<Suppress>(p);
  const b = s.b;
  const k = s.k;
  memory.fill(s.ePrev, 0, <usize>(4 * (b + b + b + 2 * b + b + 4 * k)));
  for (let j = 0; j < k; j++) {
    store<f32>(s.pSmooth + (<usize>j << 2), 0);
    store<f32>(s.noise + (<usize>j << 2), 1);
    store<f32>(s.cnoise + (<usize>j << 2), 1);
    store<f32>(s.noiseKept + (<usize>j << 2), Infinity); // (nothing kept: no bound)
    store<f32>(s.cnoiseKept + (<usize>j << 2), Infinity);
    store<f32>(s.eta + (<usize>j << 2), 1);
    store<f32>(s.leakNum + (<usize>j << 2), 0);
    store<f32>(s.leakDen + (<usize>j << 2), 0);
    store<f32>(s.zeta + (<usize>j << 2), 1);
    store<f32>(s.kappa + (<usize>j << 2), 1);
    store<f32>(s.rho + (<usize>j << 2), 1);
    store<f32>(s.resid + (<usize>j << 2), 0);
    store<f32>(s.late + (<usize>j << 2), 0);
    store<f32>(s.residNear + (<usize>j << 2), 0);
    store<f32>(s.residFar + (<usize>j << 2), 0);
    store<f32>(s.cohRe + (<usize>j << 2), 0);
    store<f32>(s.cohIm + (<usize>j << 2), 0);
    store<f32>(s.cohYy + (<usize>j << 2), 0);
    store<f32>(s.gainScale + (<usize>j << 2), 1);
    store<f32>(s.gain + (<usize>j << 2), 1);
  }
  s.seed0 = 0x9e3779b9;
  s.seed1 = 0x7f4a7c15;
  s.seed2 = 0x94d049bb;
  s.seed3 = 0x2545f491;
  s.frames = 0;
  s.hang = 0;
  s.longTail = false;
  s.hall = false;
  s.hallFit = 0;
  s.fitTail = false;
  s.presentBlocks = 0;
  s.refused = 0;
  s.armedLast = false;
  memory.fill(s.lg, 0, <usize>(4 * 6 * LG_OCTAVES));
  memory.fill(s.etaKept, 0, <usize>(12 * k));
  s.olIndex = -1;
  s.olHeld = 0;
  s.olRatio = 0;
  s.loudAgo = 1 << 20;
  s.codedAgo = 1 << 20;
  s.aPrev = 0;
  s.arrival = 0;
  s.arrivedLast = false;
  s.arrivalFar = false;
  s.arrivalAge = 0;
  s.learned = 0;
  s.forgot = false;
  s.warm = false;
  s.calE = 0;
  s.calR = 0;
  s.calN = 0;
  s.calAlive = false;
  if (isDefined(AEC_STALE)) {
    // (nudge33, ./aec-suppress STALE)
    s.heldRun = 0;
    s.staleLeft = 0;
  }
}

/** (sep31) The mic turned live after a silent start: the suspect cap's rule may bind (./aec-suppress SUSPECT_ALIVE). */
export function sup_alive_start(p: usize): void {
  changetype<Suppress>(p).calAlive = true;
}

/** Forgets the leakage (the linear filter no longer matches the room): eta back to 1 (0 dB). */
export function sup_forget(p: usize): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) {
    store<f32>(s.eta + (<usize>j << 2), 1);
    store<f32>(s.leakNum + (<usize>j << 2), 0);
    store<f32>(s.leakDen + (<usize>j << 2), 0);
  }
  s.learned = 0;
  s.forgot = true;
}

/** (aec-dtpath2) The leakage eta and the reference predictors zeta, kappa kept with the canceller's snapshot of its converged model (./aec-change keepModel). */
export function sup_keep_leak(p: usize): void {
  const s = changetype<Suppress>(p);
  const row = <usize>(4 * s.k);
  memory.copy(s.etaKept, s.eta, row);
  memory.copy(s.etaKept + row, s.zeta, row);
  memory.copy(s.etaKept + 2 * row, s.kappa, row);
}

/**
 * (aec-dtpath2) The leakage eta and the reference predictors back to what they were when the model
 * was kept: after a path change the relearning filter took the model kept before it (./aec-change
 * offerKept, a playout jump), whose residual per bin is the old room's again (reset to 1 and learned
 * at BOOST x on the unremoved echo since the change, they took the user for echo: the laptop's jump
 * at 11 s lost its user for 0.6 s). The trackers stay relearning (`forgot`, their count).
 */
export function sup_restore_leak(p: usize): void {
  const s = changetype<Suppress>(p);
  const row = <usize>(4 * s.k);
  memory.copy(s.eta, s.etaKept, row);
  memory.copy(s.zeta, s.etaKept + row, row);
  memory.copy(s.kappa, s.etaKept + 2 * row, row);
}

/** (the bench's oracle, ./bench-hooks ab_veto 2048) the leakage forgotten only: eta back to 1, the trackers' learning count and state kept. */
export function sup_forget_leak(p: usize): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) {
    store<f32>(s.eta + (<usize>j << 2), 1);
    store<f32>(s.leakNum + (<usize>j << 2), 0);
    store<f32>(s.leakDen + (<usize>j << 2), 0);
  }
}

/** (aec-soakhist17) The reference stopped playing: the floors as they stand are kept (FLOOR_AWAY_MS). */
export function sup_floors_keep(p: usize): void {
  const s = changetype<Suppress>(p);
  memory.copy(s.noiseKept, s.noise, <usize>s.k << 2);
  memory.copy(s.cnoiseKept, s.cnoise, <usize>s.k << 2);
}

/**
 * (deadmic19) The mic turned live for the first time after a digitally silent start: both floors back to
 * unmeasured (the reset's), so that the mic's noise is measured as at a cold start. Fallen to floorMin
 * through the silence (unmeasured floors do not hold), they rose 3 dB a second: the call after a mic
 * zeroed for 10 s from the canceller's first block played no comfort noise for its 30 s (single talk
 * 44-48 dB against a 32 dB noise ceiling, on main 4991648's canceller too).
 */
export function sup_floors_unmeasured(p: usize): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) {
    store<f32>(s.noise + (<usize>j << 2), 1);
    store<f32>(s.cnoise + (<usize>j << 2), 1);
    store<f32>(s.noiseKept + (<usize>j << 2), Infinity);
    store<f32>(s.cnoiseKept + (<usize>j << 2), Infinity);
  }
}

/**
 * (floor30, with `--use AEC_UNMUTE_FLOORS_LOW=<percent>` only) Both floors held under the `q` quantile of the noise
 * floor over the real bins (1 .. b - 1), the quietest part of the block they were just measured on (./aec-block).
 */
export function sup_floors_low(p: usize, q: f32): void {
  const s = changetype<Suppress>(p);
  const n = s.b - 1;
  const want = <i32>(q * <f32>n);
  let level: f32 = Infinity;
  for (let i = 1; i < s.b; i++) {
    const v = load<f32>(s.noise + (<usize>i << 2));
    let under = 0;
    for (let j = 1; j < s.b; j++) if (load<f32>(s.noise + (<usize>j << 2)) < v) under++;
    if (under >= want && v < level) level = v;
  }
  level = max<f32>(level, s.floorMin);
  for (let j = 0; j < s.k; j++) {
    const o = <usize>j << 2;
    store<f32>(s.noise + o, min<f32>(load<f32>(s.noise + o), level));
    store<f32>(s.cnoise + o, min<f32>(load<f32>(s.cnoise + o), level));
  }
}

/** (floor30, with `--use AEC_UNMUTE_FLOORS_LOW=<1000 + dB>` only) Both floors scaled by `f` (their shape kept), not under floorMin. */
export function sup_floors_scale(p: usize, f: f32): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) {
    const o = <usize>j << 2;
    store<f32>(s.noise + o, max<f32>(load<f32>(s.noise + o) * f, j < s.b ? s.floorMin : 0));
    store<f32>(s.cnoise + o, max<f32>(load<f32>(s.cnoise + o) * f, j < s.b ? s.floorMin : 0));
  }
}

/**
 * (alive23) The reference predictors (zeta, kappa, rho) back to the reset's priors and their learning count to 0 (BOOST
 * again, cold): a mic alive after a silent start in a reply's tail learned them down over a tail with no echo left (./aec-block ALIVE_TAIL).
 */
export function sup_trackers_fresh(p: usize): void {
  const s = changetype<Suppress>(p);
  for (let j = 0; j < s.k; j++) {
    store<f32>(s.zeta + (<usize>j << 2), 1);
    store<f32>(s.kappa + (<usize>j << 2), 1);
    store<f32>(s.rho + (<usize>j << 2), 1);
  }
  s.learned = 0;
}

/** (aec-soakhist17) The reference returned after FLOOR_AWAY_MS: each bin's floors at most FLOOR_RETURN x the kept ones. */
export function sup_floors_return(p: usize): void {
  const s = changetype<Suppress>(p);
  const up = f32x4.splat(FLOOR_RETURN);
  for (let j = 0; j < s.k; j += 4) {
    const o = <usize>j << 2;
    v128.store(s.noise + o, f32x4.pmin(v128.load(s.noise + o), f32x4.mul(up, v128.load(s.noiseKept + o))));
    v128.store(s.cnoise + o, f32x4.pmin(v128.load(s.cnoise + o), f32x4.mul(up, v128.load(s.cnoiseKept + o))));
  }
}

/** The trackers have learned the room once (the bench's oracle, ./aec-change). */
export function sup_warm(p: usize): bool {
  return changetype<Suppress>(p).warm;
}

/** Relearning a room it had learned: the trackers warmed, then forgot at a path change (./aec-change), not yet relearned. */
export function sup_relearning(p: usize): bool {
  const s = changetype<Suppress>(p);
  return s.warm && s.forgot;
}

/** Ends the user-presence hang: the echo moved into the predictors' window, judge the next frame afresh. */
export function sup_release(p: usize): void {
  changetype<Suppress>(p).hang = 0;
  changetype<Suppress>(p).refused = 0;
}

function bandEdge(hz: f32, b: i32, sampleRate: i32): i32 {
  const bins: f32 = hz * <f32>b * 2 / <f32>sampleRate;
  return max<i32>(4, <i32>Mathf.round(bins / 4) * 4);
}

/** A tail of seconds (./aec-delay dl_long_tail): the comfort noise's floor is held by the held tail `late`, not the residual alone. */
export function sup_set_long_tail(p: usize, on: bool): void {
  changetype<Suppress>(p).longTail = on;
}

/** A hall: ./aec-late's fitted late echo is in use (its score latched): the presence test takes the residual at HALL_OVER x at most (./aec-suppress); `fitted` (0: none) its whole fitted echo, the cap on the gain's residual with the user (HALL_NEAR, in a tail of seconds). */
export function sup_set_hall(p: usize, on: bool, fitted: usize): void {
  changetype<Suppress>(p).hall = on;
  changetype<Suppress>(p).hallFit = on ? fitted : 0;
}

/** A reply's tail (./aec-block): the gain applies to the mic less the echo estimate fitted per bin (./aec-suppress). */
export function sup_set_fit_tail(p: usize, on: bool): void {
  changetype<Suppress>(p).fitTail = on;
}

/** (aec-drc6) The block of a reply's onset after a pause (0..OL_SPAN - 1), or -1. */
export function sup_set_onset(p: usize, index: i32): void {
  changetype<Suppress>(p).olIndex = index;
}

/** Sets the residual's hold to the room's decay: 60 dB per `t60Ms` (the canceller measures it). */
export function sup_set_decay(p: usize, t60Ms: f32, sampleRate: i32): void {
  const s = changetype<Suppress>(p);
  s.decay = Mathf.pow(10, -6 * (<f32>s.b * 1000 / <f32>sampleRate) / t60Ms);
}

/** True while the user is judged present (the last frame showed it, or the hangover holds). */
export function sup_user_present(p: usize): bool {
  return changetype<Suppress>(p).hang > 0;
}

/** The call's first echo before a first onset (./aec-delay dl_arrival writes `sup_arrive`): its share of the mic, 0 when none recognised this block. */
export function sup_set_arrival(p: usize, share: f32, far: bool, age: i32): void {
  changetype<Suppress>(p).arrival = share;
  changetype<Suppress>(p).arrivalFar = far;
  changetype<Suppress>(p).arrivalAge = age;
}

/** f32[K]: where dl_arrival writes the echo it explains per bin. */
export function sup_arrive(p: usize): usize {
  return changetype<Suppress>(p).arrive;
}
