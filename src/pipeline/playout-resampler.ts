// PlayoutResampler: the playback's one resampler when the playout runs at the session rate
// (PlaybackPipeline with `sessionReference`): the played session stream in, the device's stream
// out, as one continuous stream for the whole session (never reset between items, at barge-in or
// on reset: the fades reach the speaker as they were played, and the device stream is exactly
// this resampler's output of the session stream, whatever the read sizes).
//
// How: the caller fills `block` (`blockFrames` session frames: 64 at 24 -> 48 kHz, one 128-frame
// render quantum of output) and calls `push`, which resamples it into a small device-rate FIFO;
// `drain` copies from the FIFO into a read's output. A read takes what the FIFO holds, then pushes
// whole blocks until it is filled; the FIFO keeps the rest (nothing at 48 kHz in 128-frame reads;
// less than one block's output at 44.1 kHz, or in reads the block does not divide).
//
// Latency: the resampler's (`latencyMs`: 44 session frames, 1.8 ms, at 24 -> 48 kHz 'high') plus
// what the FIFO holds. `heldSessionFrames` says how much of the played session stream has not yet
// reached the speaker, so an interruption never reports it as heard. Allocation-free per block.
import { Resampler, type ResamplerQuality } from '../kernels/resampler.js';
import { BLOCK_FRAMES } from '../constants.js';

export class PlayoutResampler {
  /** Session frames per block. */
  readonly blockFrames: number;
  /** The block to fill (all `blockFrames` frames) before `push`. */
  readonly block: Float32Array;
  /** Group delay of the resampler, in session frames (may be fractional). */
  readonly latencyFrames: number;
  private readonly resampler: Resampler;
  /** The last block's output: the FIFO (frames `taken`..`resampledFrames` still to go out). */
  private readonly resampled: Float32Array;
  private resampledFrames = 0;
  private taken = 0;
  private readonly inputRate: number;
  private readonly outputRate: number;
  /** Session frames pushed since the last block that carried audio (whole blocks). */
  private quietFrames = Number.POSITIVE_INFINITY;

  constructor(inputRate: number, outputRate: number, quality: ResamplerQuality) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.resampler = new Resampler({ inputRate, outputRate, quality });
    this.blockFrames = Math.max(1, Math.ceil((BLOCK_FRAMES * inputRate) / outputRate));
    this.block = new Float32Array(this.blockFrames);
    this.latencyFrames = (this.resampler.latencyMs * inputRate) / 1000;
    this.resampled = new Float32Array(this.resampler.maxOutputFrames(this.blockFrames));
  }

  /** Copies FIFO frames into output[pos..]; returns the new position (output.length when filled). */
  drain(output: Float32Array, pos: number): number {
    const n = Math.min(output.length - pos, this.resampledFrames - this.taken);
    const from = this.resampled;
    const at = this.taken;
    for (let i = 0; i < n; i++) output[pos + i] = from[at + i]!;
    this.taken = at + n;
    return pos + n;
  }

  /** Resamples `block` into the FIFO; `audible` says whether it carried any played audio (for `heldSessionFrames`). */
  push(audible: boolean): void {
    // called once the FIFO is empty (a read drains it first)
    this.resampledFrames = this.resampler.processInto(this.block, this.resampled);
    this.taken = 0;
    this.quietFrames = audible ? 0 : this.quietFrames + this.blockFrames;
  }

  /**
   * Session frames of audio pushed but not yet out to the speaker: the resampler's delay and the
   * FIFO, less the silent blocks pushed since the last audio (rounded up: never under).
   */
  get heldSessionFrames(): number {
    const pending = this.latencyFrames + ((this.resampledFrames - this.taken) * this.inputRate) / this.outputRate;
    return Math.max(0, Math.ceil(pending - this.quietFrames));
  }

  /** Returns the resampler's kernel memory. Idempotent. */
  free(): void {
    this.resampler.free();
  }
}
