// Playout: the decision logic of the playback pipeline (NetEq's, in spirit), run on every read.
// It takes the items' frames from the buffer to the speaker in one of three states:
// - idle: nothing playing. The head item starts once its first audio is the DelayManager's start
//   delay old and at least that much audio is buffered, or at once when it has ended (all its
//   audio is here). The start is frame-exact, inside a read;
// - playing: frames go out; the gain follows a Fade that rises to full and comes down to its
//   lowest step on the last frame before a stop: the end of an item, or the end of the buffered
//   audio of an item still arriving (the fade-out then starts one fade ahead of the end, on real
//   audio, and turns back up if more audio comes in time);
// - dry: an item still arriving ran out (an underrun once silence goes out, counted once per dry
//   spell, its silence counted in frames). It resumes when the item's schedule (first arrival + target + frames
//   played) has come and at least `resumeFrames` are buffered, rising from silence.
// `release()` (barge-in) takes the next frames of the playing item and plays them fading out
// from the current gain, so an interruption ends on a fade too; those frames are flushed, not
// counted as played. Frames read at any gain count as played. Allocation-free.
import type { DelayManager } from './playout-delay.js';
import type { Fade } from './fade.js';
import type { ItemLedger, PlaybackItem } from './playback-items.js';
import type { FloatRing } from './ring-buffer.js';

const IDLE = 0;
const PLAYING = 1;
const DRY = 2;

/** The counters the playout updates (a subset of PlaybackStats). */
export interface PlayoutCounters {
  underruns: number;
  underrunFrames: number;
}

export class Playout {
  /** The playback clock: device frames read so far (audio and silence). */
  clockFrames = 0;
  private state = IDLE;
  /** Silence went out in this dry spell (the underrun is counted once). */
  private silentWhileDry = false;
  private readonly release: Float32Array;
  private releaseFrames = 0;
  private releaseAt = 0;

  constructor(
    private readonly ring: FloatRing,
    private readonly ledger: ItemLedger,
    private readonly fade: Fade,
    private readonly delay: DelayManager,
    private readonly counters: PlayoutCounters,
    /** Audio an item needs buffered to start before it has ended, or to resume (at least 1). */
    private readonly resumeFrames: number,
  ) {
    this.release = new Float32Array(fade.frames);
  }

  /** True while an item is playing (audio going out, at any gain). */
  get playing(): boolean {
    return this.state === PLAYING;
  }

  /** True while a barge-in's fade-out (`releaseNow`) has frames left to play. */
  get releasing(): boolean {
    return this.releaseAt < this.releaseFrames;
  }

  /** True in an underrun (an item still arriving ran out). */
  get dry(): boolean {
    return this.state === DRY;
  }

  /** Fills `output`: the pending release, then the items' frames, then silence. Returns the items' frames written. */
  read(output: Float32Array): number {
    const frames = output.length;
    let pos = this.drainRelease(output, frames);
    let played = 0;
    while (pos < frames) {
      const head = this.ledger.first();
      if (head === undefined) break;
      const runway = head.bufferedFrames;
      if (runway === 0 && head.ended) {
        this.ledger.prune(); // ended with nothing buffered (its audio all dropped, or it ended while dry)
        if (this.state === DRY) this.state = IDLE;
        continue;
      }
      if (this.state !== PLAYING) {
        // the frame where it may start: its time may come within this read (no audio arrives during one)
        const at = this.startFrame(head) - this.clockFrames;
        if (at >= frames) break;
        if (at > pos) pos = this.silence(output, pos, at);
        this.state = PLAYING;
        this.silentWhileDry = false;
      }
      if (runway === 0) {
        this.stop(head);
        break;
      }
      const n = Math.min(frames - pos, runway);
      this.ring.read(output, pos, n);
      const taken = this.fade.play(output, pos, n, runway);
      if (taken < n) this.ring.unread(n - taken); // the fade stopped at silence: the rest waits
      this.ledger.consume(taken);
      pos += taken;
      played += taken;
      if (taken === runway || taken < n) this.stop(head);
    }
    this.silence(output, pos, frames);
    this.clockFrames += frames;
    return played;
  }

  /** Zero-fills output[from..to) (an underrun's silence when dry); returns `to`. */
  private silence(output: Float32Array, from: number, to: number): number {
    for (let i = from; i < to; i++) output[i] = 0;
    if (this.state === DRY && from < to) {
      if (!this.silentWhileDry) this.counters.underruns++;
      this.silentWhileDry = true;
      this.counters.underrunFrames += to - from;
    }
    return to;
  }

  /**
   * Barge-in: moves the frames the fade-out needs (at most a fade) from the buffer into the
   * release, played by the next reads; then back to idle. Call before the buffer is cleared.
   */
  releaseNow(): void {
    const head = this.ledger.first();
    if (this.state === PLAYING && head !== undefined && this.fade.level > 1) {
      const n = Math.min(this.fade.level - 1, head.bufferedFrames, this.release.length);
      this.ring.read(this.release, 0, n);
      this.fade.fadeOut(this.release, 0, n);
      this.releaseFrames = n;
      this.releaseAt = 0;
    }
    this.toIdle();
  }

  /** Forgets the state (after the buffer was cleared); a pending release still plays. */
  toIdle(): void {
    this.state = IDLE;
    this.fade.silence();
  }

  /**
   * The clock frame from which the head item may (re)start: at once when it has ended or fills the
   * largest delay; else once the time it has waited (since its first audio, less what of it played)
   * reaches the delay, with at least as much audio buffered (and `resumeFrames`). The time makes a
   * burst followed by a pause wait; the audio makes a trickle wait for its jitter.
   */
  private startFrame(head: PlaybackItem): number {
    const buffered = head.bufferedFrames;
    if (head.ended || (buffered >= this.delay.maxFrames && buffered > 0)) return Number.NEGATIVE_INFINITY;
    const delay = this.state === DRY ? this.delay.rebufferFrames : this.delay.targetFrames;
    if (buffered < Math.max(this.resumeFrames, delay)) return Number.POSITIVE_INFINITY;
    return head.firstArrivalFrame + head.playedFrames + delay;
  }

  /** The head's buffered audio is out: the item ended (idle), or it ran dry while still arriving (an underrun). */
  private stop(head: PlaybackItem): void {
    this.fade.silence();
    if (head.ended) {
      this.state = IDLE;
      return;
    }
    this.state = DRY;
  }

  private drainRelease(output: Float32Array, frames: number): number {
    const n = Math.min(frames, this.releaseFrames - this.releaseAt);
    for (let i = 0; i < n; i++) output[i] = this.release[this.releaseAt + i]!;
    this.releaseAt += n;
    return n;
  }
}
