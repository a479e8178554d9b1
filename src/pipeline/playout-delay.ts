// DelayManager: the adaptive playout delay of the playback pipeline, from the arrival statistics
// (in the spirit of WebRTC NetEq's delay manager: a target from a quantile of the observed arrival
// delays, quick to grow, slow to shrink). Two targets, in device frames, within [min, max]:
// - the start delay: an item starts this long after its first audio (and with this much audio
//   buffered: the decision logic's rule). It covers START_QUANTILE of
//   the recent audio's relative delays, plus a reserve (one render quantum and a fade-out: the
//   audio the decision logic keeps ahead of the playhead). It grows at once when late audio
//   becomes common; after each item that got all its audio it moves SHRINK_FRACTION of the way
//   down to what the statistics ask. A rare late spell (the pause after a session's first burst)
//   is then one underrun, not a delay added to every response;
// - the rebuffer delay: after an underrun, the item resumes once it has waited (since its first
//   audio, less what played) as long as its latest arrival so far was late, plus a margin and
//   the reserve (and at least the start delay): the rest of the item then plays on a schedule
//   that the lateness seen so far, and a little more, cannot break.
// Chosen on the traces of fixtures/playback and four more seeds of each (docs/playback.md): the
// 0.9 quantile (0.8 let more Gemini-like responses underrun, 0.95 and 0.99 added 20-100 ms) and a
// 30 ms margin (0 ms: 2 responses of 20 with 2 or 3 underruns on jitter; 60 ms: +16 ms on the
// bursts, nothing gained). min = max gives a fixed delay. Integer arithmetic on frames, so the
// worklet and Node agree.
import type { ArrivalStats } from './playout-arrivals.js';

export interface DelayManagerOptions {
  /** Bounds of the targets, device frames. */
  minFrames: number;
  maxFrames: number;
  /** The start delay before anything was observed. */
  startFrames: number;
  /** Audio kept ahead of the playhead by the decision logic (quantum + fade), device frames. */
  reserveFrames: number;
  /** Added to the lateness seen when rebuffering after an underrun, device frames. */
  marginFrames: number;
}

/** The share of recent audio the start delay covers. */
export const START_QUANTILE = 0.9;
/** Margin of the rebuffer delay over the latest arrival of the item, ms. */
export const REBUFFER_MARGIN_MS = 30;
/** Fraction of the excess start delay dropped after each item. */
export const SHRINK_FRACTION = 0.25;

export class DelayManager {
  readonly minFrames: number;
  readonly maxFrames: number;
  readonly reserveFrames: number;
  readonly marginFrames: number;
  /** The start delay now, device frames. */
  targetFrames: number;
  /** What an item waits after an underrun before it resumes, device frames. */
  rebufferFrames: number;

  constructor(options: DelayManagerOptions) {
    this.minFrames = options.minFrames;
    this.maxFrames = options.maxFrames;
    this.reserveFrames = options.reserveFrames;
    this.marginFrames = options.marginFrames;
    this.targetFrames = this.clamp(options.startFrames);
    this.rebufferFrames = this.targetFrames;
  }

  /** An arrival was recorded in `arrivals`; `itemPeakFrames` is the latest of its item so far. Grows the targets when needed. */
  arrival(arrivals: ArrivalStats, itemPeakFrames: number): void {
    const start = this.startNeed(arrivals);
    if (start > this.targetFrames) this.targetFrames = start;
    this.rebufferFrames = Math.max(this.targetFrames, this.clamp(itemPeakFrames + this.marginFrames + this.reserveFrames));
  }

  /** An item got all its audio (it was not interrupted): the start delay shrinks towards what the statistics ask. */
  itemEnded(arrivals: ArrivalStats): void {
    const start = this.startNeed(arrivals);
    if (start < this.targetFrames) this.targetFrames = this.clamp(Math.round(this.targetFrames - (this.targetFrames - start) * SHRINK_FRACTION));
  }

  private startNeed(arrivals: ArrivalStats): number {
    return this.clamp(arrivals.quantileFrames(START_QUANTILE) + this.reserveFrames);
  }

  private clamp(frames: number): number {
    return Math.min(this.maxFrames, Math.max(this.minFrames, frames));
  }
}
