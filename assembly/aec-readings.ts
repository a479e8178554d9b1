// The whole canceller's echo reduction, for stats (aec-stats4): the linear stage's ERLE
// (./echo-canceller aec_erle_db) is what the adaptive filter alone removes and reads far under what
// the suppressor after it takes out (6.9 dB where the canceller sends 39.3 dB less echo:
// test/transport/adapter-echo.test.ts). This reads what the session gets: the echo at the mic (its
// energy less the mic's noise floor) over the canceller's output, both smoothed over READING_S of
// the blocks the canceller judges echo only, once settled (SETTLE_S after the first such block and
// after each path change, as the echo lab skips convergence), held between them; and counts those
// blocks.
// Echo only: the reply's echo heard (what plays arriving, the mic 10x over its noise floor) and no
// user, neither the double-talk flag nor the suppressor's presence, in the block nor in the
// HOLD_MS before and after it: a user's first blocks pass before the presence rises (the lab's
// openings, 10-40 ms), and a presence falls in a word's quiet syllables and under its tail;
// counted as echo, they would read as echo passed. What the canceller takes for the user is
// never counted, so neither is echo it passes as the user (a false presence: a Bluetooth cold
// start's, a compressed speaker's): there the reading stands over the truth (docs/echo-canceller.md,
// Using it; test/quality/echo-readings.test.ts). A count of audible leaks (output over -50 dBFS in
// these blocks) was measured and not kept: blind to those false presences, it read 0 where the lab
// counts leaks, and counted a user's syllables where it counts none (What was tried, aec-stats4).
// It only reads the blocks: the output is bit-identical without it. Nothing allocates.

import { Aec, COPY_ABOVE_NOISE, RD_RING } from "./aec-state";
import { energy } from "./simd-hsum";

/** The smoothing of the reading: the time constant over echo-only blocks, s. */
// @ts-ignore: decorator
@inline const READING_S: f32 = 3;
/** Echo-only blocks are counted from this long after the first echo and after a path change, s (the lab's 2 s). */
// @ts-ignore: decorator
@inline const SETTLE_S: f32 = 2;
/** A block is judged echo only once this long after it passed with no user presence, ms. */
// @ts-ignore: decorator
@inline const HOLD_MS: f32 = 80;

/** Forgets the readings (./echo-canceller aec_reset). */
export function rd_reset(a: Aec): void {
  a.rdMic = 0;
  a.rdOut = 0;
  a.rdBlocks = 0;
  a.rdSettle = -1;
  a.rdChanges = 0;
  a.rdAt = 0;
  a.rdQuiet = 0;
  a.rdDelay = min(RD_RING, max(2, <i32>Mathf.ceil(HOLD_MS * <f32>a.sampleRate / (1000 * <f32>a.b))));
  memory.fill(a.rdRing, 0, <usize>(12 * RD_RING));
}

/**
 * After a block has written outBlock: `micEnergy` the block's mic energy, `echoOnly` whether the
 * canceller judged it echo only (rd_echo_only), `present` whether it heard the user in it. With
 * suppression the output released now answers the block before (the overlap-add's block of latency).
 */
export function rd_block(a: Aec, micEnergy: f32, echoOnly: bool, present: bool): void {
  if (a.pathChanges != a.rdChanges) {
    a.rdChanges = a.pathChanges;
    if (a.rdSettle >= 0) a.rdSettle = settleBlocks(a);
  }
  if (a.rdSettle > 0) a.rdSettle--;
  const d = a.rdDelay;
  const at = a.rdAt;
  const slot = a.rdRing + <usize>(12 * at);
  // the slot's block of rdDelay blocks ago is judged now (its output released rdDelay - 1 blocks ago at most)
  const judged = load<f32>(slot, 8) > 0;
  const mic = load<f32>(slot);
  const out = load<f32>(slot, 4);
  store<f32>(slot, micEnergy);
  store<f32>(slot, 0, 4);
  a.rdQuiet = present ? 0 : min(a.rdQuiet + 1, d); // (blocks since the user was last heard)
  store<f32>(slot, echoOnly && a.rdQuiet >= d ? 1 : 0, 8);
  const answered = a.suppress ? (at == 0 ? d - 1 : at - 1) : at; // the block whose output is outBlock
  store<f32>(a.rdRing + <usize>(12 * answered), energy(a.outBlock, a.b), 4);
  // the user heard: the blocks before it may have been the user's first (the presence's delay)
  if (present) for (let q = 0; q < d; q++) store<f32>(a.rdRing + <usize>(12 * q), 0, 8);
  a.rdAt = at + 1 == d ? 0 : at + 1;
  if (!judged) return;
  if (a.rdSettle < 0) a.rdSettle = settleBlocks(a);
  if (a.rdSettle > 0) return;
  const rate = min<f32>(1, <f32>a.b / (<f32>a.sampleRate * READING_S));
  a.rdMic += rate * (max<f32>(0, mic - a.sddFloor) - a.rdMic); // (the echo: the mic less its noise floor)
  a.rdOut += rate * (out - a.rdOut);
  a.rdBlocks++;
}

function settleBlocks(a: Aec): i32 {
  return <i32>Mathf.round(SETTLE_S * <f32>a.sampleRate / <f32>a.b);
}

/** Whether the canceller judges this block echo only, for now (rd_block waits HOLD_MS): what plays is arriving, the mic 10x over its noise floor, no user. */
export function rd_echo_only(a: Aec, echoing: bool, present: bool): bool {
  return echoing && a.sdd > COPY_ABOVE_NOISE * a.sddFloor && !present;
}
