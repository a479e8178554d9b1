// OutputLimiter: keeps the speaker signal within a ceiling, so that a hot delta (or the resampler's
// overshoot on a full-scale one) cannot clip the device. A peak limiter with no lookahead: an
// envelope follows |x| up at once and decays with `releaseMs`; the gain is ceiling / envelope
// when the envelope is above the ceiling, else 1. The output never exceeds the ceiling; the gain
// falls within one sample at a new peak and recovers smoothly. Latency: none. Off by default in
// the pipeline; allocation-free.

/** The playback pipeline's `limiter` option as an object: the ceiling and how fast the gain recovers. */
export interface OutputLimiterOptions {
  /** Ceiling, dBFS (-30..0). Default -1. */
  thresholdDb?: number;
  /** Time for the gain to recover by 1/e after a peak, ms (1..5000). Default 100. */
  releaseMs?: number;
}

/** The peak limiter the playback pipeline runs last on its output when `limiter` is set. */
export class OutputLimiter {
  readonly threshold: number;
  private readonly releaseCoefficient: number;
  private envelope = 0;
  /** Frames whose gain was below 1. */
  limitedFrames = 0;

  constructor(sampleRate: number, thresholdDb: number, releaseMs: number) {
    this.threshold = 10 ** (thresholdDb / 20);
    this.releaseCoefficient = Math.exp(-1000 / (releaseMs * sampleRate));
  }

  /** Limits `frames` samples of `buffer` from `offset`, in place. */
  process(buffer: Float32Array, offset: number, frames: number): void {
    const threshold = this.threshold;
    const release = this.releaseCoefficient;
    let envelope = this.envelope;
    for (let i = offset; i < offset + frames; i++) {
      const x = buffer[i]!;
      const magnitude = x < 0 ? -x : x;
      envelope = magnitude > envelope ? magnitude : envelope * release;
      if (envelope > threshold) {
        buffer[i] = x * (threshold / envelope);
        this.limitedFrames++;
      }
    }
    this.envelope = envelope;
  }
}
