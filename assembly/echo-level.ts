// Level statistics of the echo gate (assembly/echo-gate.ts): how loud the echo is, how loud the
// mic's own noise is, and the threshold the user must rise above.
//
// How: the predicted echo envelope is the reference energy around the delay (+-3 blocks) released
// no faster than 60 dB per `tailMs`; the mic-to-envelope ratio x (dB) has a learned mean and
// deviation (winsorized at 1.5 deviations), and the threshold is mean + max(marginDb,
// 3 deviations). Before the delay is trusted the envelope spans all lags (a Geigel detector) and
// the threshold is the 90th percentile of x (a stochastic quantile, seeded from the largest ratio
// after 80 learned blocks; after 1 s of far end with fewer, the echo hides under the mic noise and
// it starts where a block at the noise threshold would sit under the loudest far end; a 6 dB echo
// return loss prior before that) + marginDb. The mic must also rise above its own noise (mean +
// max(10 dB, 4 deviations) of the levels near its floor), power-summed with the echo threshold.
// Learning only on echo-like blocks (the caller checks far end playing, gate closed, nothing
// found), above the noise, and not within 100 ms of a block 2 deviations (3 dB over the
// percentile) above the learned level: a user too quiet to open the gate must not teach it that
// the echo is loud.
// References: D. L. Duttweiler, "A twelve-channel digital echo canceler", IEEE Trans. Commun. 1978
// (Geigel double-talk detector); ITU-T G.168 (echo return loss).
// Latency: decisions per completed 2.5 ms block.

import { GateState, FLOOR_DB } from "./echo-gate-state";
import { MeanDeviation, dbPower, follow, powerDb, quantileStep } from "./shared";

// @ts-ignore: decorator
@inline const STAT_ADAPT: f64 = 0.02; // ratio statistics weight per block (~125 ms)
// @ts-ignore: decorator
@inline const WINSOR_DEVS: f64 = 1.5;
// @ts-ignore: decorator
@inline const DEV_FACTOR: f64 = 3.0;
// @ts-ignore: decorator
@inline const NOISE_MARGIN_DB: f64 = 10.0; // 2.5 ms blocks of noise fluctuate by several dB
// @ts-ignore: decorator
@inline const NARROW_GUARD_DEVS: f64 = 3.0;
// @ts-ignore: decorator
@inline const SUSPECT_DEVS: f64 = 2.0;
// @ts-ignore: decorator
@inline const SUSPECT_ABOVE_Q_DB: f64 = 3.0;
// @ts-ignore: decorator
@inline const SUSPECT_BLOCKS: i32 = 40;
// @ts-ignore: decorator
@inline const Q_LEVEL: f64 = 0.9;
// @ts-ignore: decorator
@inline const Q_STEP_DB: f64 = 0.1; // up 0.09 dB, down 0.01 dB per learned block
// @ts-ignore: decorator
@inline const Q_WARM_BLOCKS: f64 = 80.0;
// @ts-ignore: decorator
@inline const Q_WARM_ACTIVE: f64 = 400.0;

/** Level in dB of a mean square, floored at FLOOR_DB. */
// @ts-ignore: decorator
@inline export function blockDb(energy: f64): f64 {
  return max(FLOOR_DB, powerDb(energy + 1.0e-30));
}

/**
 * Mic noise floor (fast down, 3 dB/s up), the level smoothed over two blocks (pitch pulses make
 * single 2.5 ms blocks jumpy), and the noise statistics of the levels near the floor. Returns the
 * smoothed level; `noiseThreshold` reads the rest.
 */
export function micLevel(st: GateState, micBlock: f64, micDb: f64): f64 {
  let micFloor = st.micFloor;
  if (micBlock == 0.0) micFloor = micDb;
  else if (micDb < micFloor) micFloor = follow(micFloor, micDb, 0.3);
  else micFloor += 3.0 * 0.0025;
  st.micFloor = micFloor;
  const prevDb = st.prevMicDb;
  st.prevMicDb = micDb;
  const micSmooth = blockDb(0.5 * (dbPower(micDb) + dbPower(prevDb)));
  const noise = st.noise;
  if (micBlock == 0.0) noise.mean = micSmooth;
  if (micSmooth < micFloor + 12.0) noise.update(micSmooth, 0.02);
  return micSmooth;
}

/** The level the mic's own noise stays under, dB. */
export function noiseThreshold(st: GateState): f64 {
  const noise = st.noise;
  return max(st.micFloor, noise.mean) + max(NOISE_MARGIN_DB, 4.0 * noise.dev);
}

/** The level the echo stays under: the envelope in use plus the learned ratio and margin, dB. */
export function echoThreshold(st: GateState, trusted: bool): f64 {
  const margin = st.marginDb;
  const thrWide = st.qWide + margin;
  const thrNarrow = st.narrowMean + max(margin, DEV_FACTOR * st.narrowDev);
  return trusted ? st.pNarrow + thrNarrow : st.pWide + thrWide;
}

/** Power sum of the echo and noise thresholds: the level the user must rise above, dB. */
export function userThreshold(echoThrDb: f64, noiseThrDb: f64): f64 {
  return powerDb(dbPower(echoThrDb) + dbPower(noiseThrDb));
}

/**
 * Starts the percentile once 80 blocks were learned, or after 1 s of far end with at least 10 (a
 * noisy mic hides most of the echo), from the largest ratio learned. With fewer, the echo hides
 * under the mic noise: start where a block at the noise threshold would be while the far end is
 * at its loudest, so that only the noise term counts.
 */
export function warmQuantile(st: GateState, noiseThrDb: f64): void {
  st.pMax = max(st.pWide, st.pMax);
  const learned = st.learned;
  if (learned >= Q_WARM_BLOCKS || st.activeBlocks >= Q_WARM_ACTIVE) {
    st.qReady = true;
    st.qWide = learned >= 10.0 ? st.xTop : min(-6.0, noiseThrDb - st.pMax);
  }
}

/**
 * A block well above the learned echo level (2 deviations) is suspect: it may be the user, not yet
 * loud enough to open the gate. The level statistics pause for 100 ms after one. Returns the
 * blocks left in the pause.
 */
export function updateSuspect(st: GateState, farActive: bool, trusted: bool, aboveNoise: bool, xMode: f64): i32 {
  const suspectAbove = trusted ? st.narrowMean + SUSPECT_DEVS * st.narrowDev : st.qWide + SUSPECT_ABOVE_Q_DB;
  let suspect = st.suspect;
  if (st.qReady && farActive && aboveNoise && xMode > suspectAbove) suspect = SUSPECT_BLOCKS;
  else if (suspect > 0) suspect -= 1;
  st.suspect = suspect;
  return suspect;
}

/** Mean and deviation of a mic-to-envelope ratio; winsorized: a block far above the mean (a user not yet detected) moves it only a little. */
function learn(stat: MeanDeviation, x: f64): void {
  stat.update(min(x, stat.mean + WINSOR_DEVS * max(stat.dev, 1.0)), STAT_ADAPT);
}

/** Learns the echo level from an echo-only block above the noise (ratios to the wide and narrow envelopes). */
export function learnLevels(st: GateState, trusted: bool, xWide: f64, xNarrow: f64): void {
  st.learned += 1.0;
  learn(st.wide, xWide);
  // 90th percentile of the ratio to the all-lags envelope (a stochastic quantile step): the
  // envelope's ratio is bimodal (echo, and gaps inside the window). It holds the conservative
  // prior (-6 dB) until it is ready (see warmQuantile), then steps from the largest ratio seen;
  // blocks far below the top of the range (gaps in the far end inside the envelope's window) say
  // nothing about it and are left out.
  const top = max(xWide, st.xTop - 0.05);
  st.xTop = top;
  if (st.qReady && xWide > top - 15.0) st.qWide = quantileStep(st.qWide, xWide, Q_LEVEL, Q_STEP_DB);
  learn(st.narrow, xNarrow);
  st.erlDb = -(trusted ? st.narrowMean : st.wideMean);
}

/**
 * Whether a block may teach the delay: plausible as echo to the wide model (a user not yet
 * detected is usually louder), and not well above the echo predicted at the current delay (a user
 * starting in a gap of the echo, while the far end is loud at other lags).
 */
export function plausibleEcho(st: GateState, xWide: f64, xNarrow: f64): bool {
  return xWide <= st.wideMean + st.wideDev && xNarrow <= st.narrowMean + NARROW_GUARD_DEVS * st.narrowDev;
}
