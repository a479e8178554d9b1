// Fade: raised-cosine gain ramps for click-free transitions (start, stop, underrun, barge-in). The
// gain moves one step per frame between silence (level 0) and full gain (level `frames`), along
// sin²(π/2 · level / frames), a raised cosine: its slope is zero at both ends, so a fade adds no
// corner to the signal; a fall goes all the way down before it rises again (a dip through
// silence is smooth, a turn midway would not be). A signal cut at any point changes by at most
// its own step plus gain(1) x its value between two frames.
//
// The gains are a table made once from a fixed Taylor series (plain + and x in doubles), so every
// JavaScript engine computes the same bits (Math.sin and Math.cos may differ in the last place
// between engines). Latency: none; a fade-out needs `frames` frames of signal ahead of the stop
// (the playback pipeline keeps them buffered). Allocation-free after construction.

import { OptionsError } from '../errors.js';

/** sin(x) for x in [0, pi/2], to double precision, from its Taylor series (deterministic). */
function sinSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n <= 12; n++) {
    term = (-term * x2) / (2 * n * (2 * n + 1));
    sum += term;
  }
  return sum;
}

/**
 * A raised-cosine gain ramp, one level per frame, for click-free starts and stops of a stream:
 * `fadeIn`, `fadeOut`, `play` (rises, and falls to silence by the end of a given runway), `silence`.
 * `Fade.fromMs(5, rate)` is the playback pipeline's. Allocation-free after construction.
 */
export class Fade {
  /** Frames of a whole fade (0: no fades, the gain is always 1). */
  readonly frames: number;
  /** Where the ramp is: 0 (silent) to `frames` (full gain). */
  level = 0;
  /** Frames played below full gain so far. */
  fadedFrames = 0;
  /** A fall under way (it goes down to silence). */
  private falling = false;
  private readonly gains: Float64Array;

  /** A fade of `frames` frames (0..192000; 0: no fades). */
  constructor(frames: number) {
    if (typeof frames !== 'number' || !Number.isFinite(frames) || frames < 0 || frames > 192_000) {
      throw new OptionsError(`Fade: frames must be a number from 0 to 192000, got ${String(frames)}`);
    }
    this.frames = Math.round(frames);
    this.gains = new Float64Array(this.frames + 1);
    for (let l = 0; l <= this.frames; l++) {
      const s = sinSeries((Math.PI / 2) * (l / this.frames));
      this.gains[l] = l === this.frames ? 1 : s * s;
    }
    if (this.frames === 0) this.gains[0] = 1;
  }

  /** A fade of `fadeMs` at `sampleRate` (rounded to whole frames). */
  static fromMs(fadeMs: number, sampleRate: number): Fade {
    return new Fade((fadeMs * sampleRate) / 1000);
  }

  /** The gain at the current level (1 when fades are off). */
  get gain(): number {
    return this.gains[this.level]!;
  }

  /** The gain at `level` (0..frames). */
  gainAt(level: number): number {
    return this.gains[level]!;
  }

  /** True at full gain (or with fades off). */
  get full(): boolean {
    return this.level === this.frames;
  }

  /**
   * Plays `frames` samples of `buffer` from `offset` in place, `runwayFrames` being the frames
   * left before a stop (from `offset`). The gain rises towards full, one level per frame, until
   * the runway is no longer than the level; it then falls one level per frame and ends its last
   * frame before the stop at its lowest step. A fall, once begun, goes down to silence even if
   * the runway grew meanwhile (turning back midway would put a corner in the gain), then rises
   * again when the runway allows a whole fade in and out; otherwise it stops there. Returns the
   * frames played: `frames`, or fewer when it stopped at silence (the rest is not used). A
   * segment at full gain with a whole fade of runway after it is left untouched (bit-exact).
   */
  play(buffer: Float32Array, offset: number, frames: number, runwayFrames: number): number {
    const top = this.frames;
    if (!this.falling && this.level === top && runwayFrames - frames >= top) return frames;
    const gains = this.gains;
    let level = this.level;
    let falling = this.falling;
    let played = frames;
    let faded = 0;
    for (let i = 0; i < frames; i++) {
      const left = runwayFrames - i;
      const up = level < top ? level + 1 : top;
      if (falling) {
        level = level > 0 ? level - 1 : 0;
      } else if (up <= left) {
        level = up;
      } else {
        falling = true;
        level = Math.min(level - 1, left);
      }
      if (level < top) faded++;
      buffer[offset + i] = buffer[offset + i]! * gains[level]!;
      if (falling && level === 0) {
        falling = false;
        if (left - 1 < 2 * top + 1) {
          played = i + 1; // at silence with too little runway to come back up: stop here
          break;
        }
      }
    }
    this.level = level;
    this.falling = falling;
    this.fadedFrames += faded;
    return played;
  }

  /** Fades `frames` samples in place towards silence, one level per frame (0 once silent). */
  fadeOut(buffer: Float32Array, offset: number, frames: number): void {
    const gains = this.gains;
    let level = this.level;
    for (let i = 0; i < frames; i++) {
      level = level > 0 ? level - 1 : 0;
      buffer[offset + i] = buffer[offset + i]! * gains[level]!; // fades off: gains[0] is 1
    }
    this.level = level;
    if (this.frames > 0) this.fadedFrames += frames;
  }

  /** Fades `frames` samples in place towards full gain, one level per frame. */
  fadeIn(buffer: Float32Array, offset: number, frames: number): void {
    this.play(buffer, offset, frames, Number.POSITIVE_INFINITY);
  }

  /** Starts the next ramp from silence. */
  silence(): void {
    this.level = 0;
    this.falling = false;
  }
}

/**
 * Fades all of `pcm` out in place, for audio cut off mid-waveform whose runway is the whole array
 * (a phone carrier's buffer dropped at a barge-in): sample i of n is scaled by the raised cosine
 * (1 + cos(pi (i + 0.5) / n)) / 2 and rounded. Over 10 ms at 8 kHz (80 samples) the cut is heard
 * as an end, not a click.
 */
export function fadeOutPcm16(pcm: Int16Array): void {
  const n = pcm.length;
  for (let i = 0; i < n; i++) pcm[i] = Math.round(pcm[i]! * 0.5 * (1 + Math.cos((Math.PI * (i + 0.5)) / n)));
}
