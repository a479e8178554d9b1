// ArrivalStats: the arrival side of the playback jitter buffer (NetEq's packet arrival history, for
// a stream without timestamps). Each item is anchored at the clock of its first audio; an arrival
// that brings the item's frames from position `writtenBefore` at clock `now` has the relative delay
//   r = (now - firstArrival) - writtenBefore        (device frames)
// which is how late it came for a playout that started at the first arrival and never paused:
// negative when the audio came ahead (faster than realtime), positive when it came late. Two
// summaries feed the DelayManager:
// - a histogram of r in 10 ms buckets, weighted by the frames each arrival brought, over the last
//   HISTORY_EPOCHS x EPOCH_MS of audio (older epochs drop out whole): its quantiles say how late
//   most of the audio comes;
// - each item's latest arrival (`peakDelayFrames` on the item): what that item needed to play
//   without a pause.
// Counts are integers (frames), so quantiles are exact and the worklet and Node agree; the clock
// is the playback's own (frames read out). Allocation-free after construction.
import type { PlaybackItem } from './playback-items.js';

const BUCKET_MS = 10;
/** Audio per epoch of the histogram, ms. */
export const EPOCH_MS = 5000;
/** Epochs kept: the histogram covers the last 30 s of audio. */
export const HISTORY_EPOCHS = 6;

export class ArrivalStats {
  /** Arrivals seen (pushes that made frames available), and those that came after their playout time. */
  arrivals = 0;
  lateArrivals = 0;
  private readonly bucketFrames: number;
  private readonly buckets: number;
  private readonly epochFrames: number;
  /** Frames per bucket per epoch (rows), and their sum over the epochs. */
  private readonly epochs: Float64Array;
  private readonly totals: Float64Array;
  private epoch = 0;
  private epochFill = 0;
  private totalFrames = 0;

  constructor(sampleRate: number, maxDelayFrames: number) {
    this.bucketFrames = Math.max(1, Math.round((BUCKET_MS * sampleRate) / 1000));
    this.buckets = Math.ceil(maxDelayFrames / this.bucketFrames) + 2;
    this.epochFrames = Math.round((EPOCH_MS * sampleRate) / 1000);
    this.epochs = new Float64Array(this.buckets * HISTORY_EPOCHS);
    this.totals = new Float64Array(this.buckets);
  }

  /** Anchors `item` at `nowFrames` when this is its first audio. */
  begin(item: PlaybackItem, nowFrames: number): void {
    if (item.firstArrivalFrame < 0) item.firstArrivalFrame = nowFrames;
  }

  /**
   * `frames` frames of `item` from position `writtenBeforeFrames` became available at
   * `nowFrames`: returns the arrival's relative delay, keeps the item's peak and the histogram.
   */
  arrive(item: PlaybackItem, nowFrames: number, writtenBeforeFrames: number, frames: number): number {
    const relative = nowFrames - item.firstArrivalFrame - writtenBeforeFrames;
    if (relative > item.peakDelayFrames) item.peakDelayFrames = relative;
    this.arrivals++;
    if (relative > 0) this.lateArrivals++;
    const bucket = relative <= 0 ? 0 : Math.min(this.buckets - 1, Math.ceil(relative / this.bucketFrames));
    const at = this.epoch * this.buckets + bucket;
    this.epochs[at] = this.epochs[at]! + frames;
    this.totals[bucket] = this.totals[bucket]! + frames;
    this.totalFrames += frames;
    this.epochFill += frames;
    if (this.epochFill >= this.epochFrames) this.nextEpoch();
    return relative;
  }

  /** The relative delay (frames, a bucket's upper edge, 0 or more) that `quantile` of the recent audio came within. */
  quantileFrames(quantile: number): number {
    const want = quantile * this.totalFrames;
    let sum = 0;
    for (let b = 0; b < this.buckets; b++) {
      sum += this.totals[b]!;
      if (sum >= want) return b * this.bucketFrames;
    }
    return (this.buckets - 1) * this.bucketFrames;
  }

  private nextEpoch(): void {
    this.epoch = (this.epoch + 1) % HISTORY_EPOCHS;
    this.epochFill = 0;
    const row = this.epoch * this.buckets;
    for (let b = 0; b < this.buckets; b++) {
      const frames = this.epochs[row + b]!;
      this.totals[b] = this.totals[b]! - frames;
      this.totalFrames -= frames;
      this.epochs[row + b] = 0;
    }
  }
}
