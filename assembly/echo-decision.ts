// Decision of the echo gate (assembly/echo-gate.ts), once per completed 2.5 ms mic block: ties the
// delay estimate (./echo-delay), the level statistics (./echo-level) and the band detector
// (./echo-bands) together into the gain target.
//
// How: the mic block's level against the user threshold (echo threshold power-summed with the
// noise threshold); two consecutive blocks above, or the band detector's two hops, open the gate
// for `holdMs`; with no far end playing it is open (transparent). Learning happens only on
// echo-like blocks: far end playing, gate closed, nothing found.
// Latency: the decision lags the mic by one block (2.5 ms); the band detector by up to one 5 ms hop.

import { GateState } from "./echo-gate-state";
import { referenceByLag, referenceNearDelay, micOnset, updateDelay } from "./echo-delay";
import { blockDb, micLevel, noiseThreshold, echoThreshold, userThreshold, warmQuantile, updateSuspect, learnLevels, plausibleEcho } from "./echo-level";
import { specStep, HOP_BLOCKS, SPEC_CONFIRM_HOPS } from "./echo-bands";

// @ts-ignore: decorator
@inline const FAR_ACTIVE_DB: f64 = -75.0; // far-end envelope above this means playback is audible
// @ts-ignore: decorator
@inline const CONFIRM_BLOCKS: i32 = 2;

/** Decides on the mic block just completed (mean square `energy`); sets the gain target. */
export function decide(s: usize, energy: f64): void {
  const st = changetype<GateState>(s);
  const micBlock = st.micBlocks;
  const micDb = blockDb(energy);
  st.micBlocks = micBlock + 1.0;
  const now = micBlock + st.offsetBlocks;

  // Predicted echo envelopes: the reference over all lags (wide) and around the delay (narrow),
  // released by the tail rate.
  const wide = referenceByLag(s, now);
  const decay = st.decayDb;
  const pWide = max(<f64>wide, st.pWide - decay);
  st.pWide = pWide;
  const pNarrow = max(<f64>referenceNearDelay(s), st.pNarrow - decay);
  st.pNarrow = pNarrow;

  const micSmooth = micLevel(st, micBlock, micDb);
  const noiseThrDb = noiseThreshold(st);
  const onset = micOnset(st, micSmooth, noiseThrDb);

  const farActive = pWide > FAR_ACTIVE_DB;
  st.farActive = farActive;
  const trusted = st.trusted;
  const xWide = micSmooth - pWide;
  const xNarrow = micSmooth - pNarrow;
  // The mic holds the predicted echo plus its own noise: the user must rise above both.
  const above = micSmooth > userThreshold(echoThreshold(st, trusted), noiseThrDb);
  // Band detector, every HOP_BLOCKS blocks: the user found in bands where the echo is weak.
  if ((<i32>micBlock + 1) % HOP_BLOCKS == 0) specStep(s, now, farActive, trusted, above);
  const specOpen = st.specRun >= SPEC_CONFIRM_HOPS;
  const aboveAny = above || st.specHit;

  let hold = st.hold;
  let cand = st.cand;
  if (farActive) {
    cand = above ? cand + 1 : 0;
    if (cand >= CONFIRM_BLOCKS || specOpen) hold = st.holdBlocks;
    else if (hold > 0) hold -= 1;
  } else {
    cand = 0;
    hold = 0;
  }
  st.cand = cand;
  st.hold = hold;
  const open = !farActive || hold > 0;
  st.open = open;
  st.target = open ? 1.0 : st.closedGain;

  if (farActive && !st.qReady) warmQuantile(st, noiseThrDb);
  const aboveNoise = micSmooth > noiseThrDb;
  const suspect = updateSuspect(st, farActive, trusted, aboveNoise, trusted ? xNarrow : xWide);
  if (farActive && !open && !aboveAny) {
    st.activeBlocks += 1.0;
    if (aboveNoise && suspect == 0) learnLevels(st, trusted, xWide, xNarrow);
    if (plausibleEcho(st, xWide, xNarrow)) updateDelay(s, onset);
  }
}
