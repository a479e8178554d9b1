// BlockResampler: the one resampling stage of the pipelines (capture, playback, telephony). Input
// arrives in pieces of any size, as float32 or as PCM16 (converted here, x / 32768, exact, as
// pcm16ToFloat); the Resampler is called on fixed blocks of `blockFrames` input frames (only a
// stream's last block may be shorter), so the output is the same however the input was cut.
// Each block's output goes to `onOutput`, from a buffer made once. `end()` runs the partial block
// and the filter's tail (the input continued with silence), then starts a new stream.
//
// Latency: the Resampler's `latencyMs`, plus up to one block of input waiting for the block to
// fill. Nothing allocates per block; a partial block (`processPending`, `end`) makes one view.
import { Resampler, type ResamplerQuality } from '../kernels/resampler.js';

/** A stage run on each input block before resampling, at the input rate (an `EchoGate` fits). */
export interface BlockPrefilter {
  /** Writes `input.length` filtered frames into `output`. */
  processInto(input: Float32Array, output: Float32Array): number;
}

export interface BlockResamplerOptions {
  /** Input rate, Hz (a rate the Resampler supports; equal rates give its NaN/Inf-cleaning copy). */
  inputRate: number;
  /** Output rate, Hz. */
  outputRate: number;
  /** Resampler quality. Default 'high'. */
  quality?: ResamplerQuality;
  /** Input frames per Resampler call (e.g. one 128-frame render quantum, or 10 ms). */
  blockFrames: number;
  /**
   * Receives each block's output: the first `frames` frames of `output`, valid only during the
   * call (the buffer is reused). It must not call back into this stage.
   */
  onOutput: (output: Float32Array, frames: number) => void;
  /** Runs on each input block before resampling. */
  prefilter?: BlockPrefilter;
}

export class BlockResampler {
  /** Input frames per Resampler call. */
  readonly blockFrames: number;
  /** Group delay of the filter, ms (the block wait comes on top). */
  readonly latencyMs: number;

  private readonly resampler: Resampler;
  private readonly onOutput: (output: Float32Array, frames: number) => void;
  private readonly prefilter: BlockPrefilter | undefined;
  private readonly block: Float32Array;
  private readonly filtered: Float32Array;
  private output: Float32Array;
  private fill = 0;

  constructor(options: BlockResamplerOptions) {
    this.resampler = new Resampler({ inputRate: options.inputRate, outputRate: options.outputRate, quality: options.quality });
    this.blockFrames = options.blockFrames;
    this.latencyMs = this.resampler.latencyMs;
    this.onOutput = options.onOutput;
    this.prefilter = options.prefilter;
    this.block = new Float32Array(this.blockFrames);
    this.filtered = new Float32Array(this.prefilter === undefined ? 0 : this.blockFrames);
    // room for one block's output, and for the tail `end()` flushes (at most the filter's delay)
    const tailFrames = Math.ceil((this.latencyMs * options.outputRate) / 1000) + 1;
    this.output = new Float32Array(Math.max(this.resampler.maxOutputFrames(this.blockFrames), tailFrames) + 16);
  }

  /** Input frames waiting for their block to fill. */
  get pendingFrames(): number {
    return this.fill;
  }

  /** Takes float32 samples (any length). */
  pushFloat(samples: Float32Array): void {
    // a whole block with nothing pending (every render quantum of a worklet): no copy needed
    if (this.fill === 0 && samples.length === this.blockFrames) this.run(samples);
    else this.take(samples, 1);
  }

  /** Takes PCM16 samples (any length), as float x / 32768. */
  pushPcm16(samples: Int16Array): void {
    this.take(samples, 1 / 32768); // a power of two: exact, as pcm16ToFloat
  }

  /** Runs the pending frames now as a short block, without ending the stream (allocates a view). */
  processPending(): void {
    if (this.fill === 0) return;
    const frames = this.fill;
    this.fill = 0;
    this.run(this.block.subarray(0, frames));
  }

  /** Ends the stream: the pending frames, then the filter's tail; the next input starts a new stream. */
  end(): void {
    this.processPending();
    const resampler = this.resampler;
    const tailFrames = resampler.flushFrames();
    if (tailFrames > this.output.length) this.output = new Float32Array(tailFrames); // not expected: sized for the delay
    const frames = resampler.flushInto(this.output);
    if (frames > 0) this.onOutput(this.output, frames);
    resampler.reset();
  }

  /** Drops the pending frames and the filter's history (e.g. on barge-in). */
  reset(): void {
    this.fill = 0;
    this.resampler.reset();
  }

  /** Returns the Resampler's wasm memory; the stage is unusable afterwards. Idempotent. */
  free(): void {
    this.resampler.free();
  }

  private take(samples: Float32Array | Int16Array, scale: number): void {
    const size = this.blockFrames;
    const block = this.block;
    const total = samples.length;
    let fill = this.fill;
    for (let i = 0; i < total; i++) {
      block[fill++] = samples[i]! * scale;
      if (fill === size) {
        this.run(block);
        fill = 0;
      }
    }
    this.fill = fill;
  }

  private run(input: Float32Array): void {
    let source = input;
    if (this.prefilter !== undefined) {
      this.prefilter.processInto(input, this.filtered);
      source = input.length === this.blockFrames ? this.filtered : this.filtered.subarray(0, input.length);
    }
    const frames = this.resampler.processInto(source, this.output);
    if (frames > 0) this.onOutput(this.output, frames);
  }
}
