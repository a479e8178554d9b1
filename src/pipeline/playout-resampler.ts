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
import { FloatRing } from './ring-buffer.js';

export class PlayoutResampler {
  /** Session frames per block. */
  readonly blockFrames: number;
  /** The block to fill (all `blockFrames` frames) before `push`. */
  readonly block: Float32Array;
  /** Group delay of the resampler, in session frames (may be fractional). */
  readonly latencyFrames: number;
  private readonly resampler: Resampler;
  private readonly resampled: Float32Array;
  private readonly fifo: FloatRing;
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
    const most = this.resampled.length * 2;
    this.fifo = new FloatRing(most, most);
  }

  /** Copies FIFO frames into output[pos..]; returns the new position (output.length when filled). */
  drain(output: Float32Array, pos: number): number {
    return pos + this.fifo.read(output, pos, output.length - pos);
  }

  /** Resamples `block` into the FIFO; `audible` says whether it carried any played audio (for `heldSessionFrames`). */
  push(audible: boolean): void {
    const n = this.resampler.processInto(this.block, this.resampled);
    this.fifo.write(this.resampled, 0, n); // room by construction: drained below one block's output before a push
    this.quietFrames = audible ? 0 : this.quietFrames + this.blockFrames;
  }

  /**
   * Session frames of audio pushed but not yet out to the speaker: the resampler's delay and the
   * FIFO, less the silent blocks pushed since the last audio (rounded up: never under).
   */
  get heldSessionFrames(): number {
    const pending = this.latencyFrames + (this.fifo.availableFrames * this.inputRate) / this.outputRate;
    return Math.max(0, Math.ceil(pending - this.quietFrames));
  }

  /** Returns the resampler's kernel memory. Idempotent. */
  free(): void {
    this.resampler.free();
  }
}
