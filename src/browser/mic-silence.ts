// Notices a microphone that died without an `ended` event (ended21): the page's own `track.stop()`
// fires none (as specified), after which Chromium delivers its channels as exact zeros, WebKit one
// channel of exact zeros and Firefox an input with no channels at all (muted20, docs/NOTES.md); a
// device or driver that mutes itself may deliver zeros too. A live microphone never delivers exact
// zeros for long: its noise floor (thermal noise, dither) flips low bits every few samples. So, while
// not paused, every quantum whose channels are all exact zeros, or that has no channel, counts as
// silent; after `microphoneSilentMs` of them in a row `microphone_silent` is reported once, and
// `microphone_resumed` at the first quantum with a sample again. The paused processor (the app's
// own mute) counts nothing and forgets the run. Per quantum: a loop over the samples up to the first
// non-zero one; nothing allocated, two numbers of state.

/** What `observe` tells the processor to report: nothing, the mic went silent, or it came back. */
export const MIC_SAME = 0;
export const MIC_SILENT = 1;
export const MIC_RESUMED = 2;

export class MicSilence {
  /** Silent frames in a row (counted up to the threshold only, so it stays a small integer). */
  private silentFrames = 0;
  /** Frames the reported silence lasted, for `microphone_resumed`. */
  private reportedFrames = 0;
  /** True between `microphone_silent` and `microphone_resumed`. */
  silent = false;

  /** `thresholdFrames` 0 turns the watch off. */
  constructor(
    private readonly thresholdFrames: number,
    private readonly rate: number,
  ) {}

  /** How long the reported silence has lasted (at `microphone_silent`, the threshold), ms. */
  get silentMs(): number {
    return Math.round((this.reportedFrames * 1000) / this.rate);
  }

  /**
   * One render quantum of the source's input (`frames` long; `input` undefined or empty: no
   * channel). Returns MIC_SILENT or MIC_RESUMED when that is to be reported, else MIC_SAME.
   */
  observe(input: Float32Array[] | undefined, frames: number, paused: boolean): number {
    if (this.thresholdFrames <= 0) return MIC_SAME;
    if (paused) {
      this.silentFrames = 0; // the app's mute: its own silence, not the mic's; the run restarts after it
      return MIC_SAME;
    }
    if (input !== undefined && input.length > 0 && !allZero(input)) {
      this.silentFrames = 0;
      if (!this.silent) return MIC_SAME;
      this.silent = false;
      return MIC_RESUMED;
    }
    if (this.silent) {
      this.reportedFrames += frames;
      return MIC_SAME;
    }
    this.silentFrames += frames;
    if (this.silentFrames < this.thresholdFrames) return MIC_SAME;
    this.silent = true;
    this.reportedFrames = this.silentFrames;
    this.silentFrames = 0;
    return MIC_SILENT;
  }
}

function allZero(channels: Float32Array[]): boolean {
  for (let c = 0; c < channels.length; c++) {
    const x = channels[c]!;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0) return false;
  }
  return true;
}
