// BlockResampler: the one resampling stage of the pipelines (capture, playback, telephony). Input
// arrives in pieces of any size, as float32 or as PCM16 (converted here, x / 32768, exact, as
// pcm16ToFloat); the Resampler is called on fixed blocks of `blockFrames` input frames (only a
// stream's last block may be shorter), so the output is the same however the input was cut.
// `end()` runs the partial block and the filter's tail (the input continued with silence), then
// starts a new stream.
//
// Output is pulled, in the style of speex's in/out counts: a push consumes input up to the end of
// the next block and says where it stopped; the block's output is then in `output` (its first
// `outputFrames` frames), a buffer made once, until the next call. Callers loop:
//
//   for (let at = 0; at < samples.length; ) {
//     at = stage.pushFloat(samples, at);
//     if (stage.outputFrames > 0) use(stage.output, stage.outputFrames);
//   }
//
// (No callback: the pipelines' own loops stay monomorphic, which keeps the JIT's code small in an
// AudioWorklet that runs both.) Latency: the Resampler's `latencyMs`, plus up to one block of
// input waiting for the block to fill. Nothing allocates per block; a partial block
// (`processPending`, `end`) makes one array view.
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
  /** Runs on each input block before resampling. */
  prefilter?: BlockPrefilter;
}

export class BlockResampler {
  /** Input frames per Resampler call. */
  readonly blockFrames: number;
  /** Group delay of the filter, ms (the block wait comes on top). */
  readonly latencyMs: number;
  /**
   * The output of the last call: its first `outputFrames` frames, valid until the next call (the
   * buffer is reused). Room for a block's output and the stream's tail.
   */
  readonly output: Float32Array;
  /** Frames the last call wrote to `output` (0: the block is not full yet). */
  outputFrames = 0;

  private readonly resampler: Resampler;
  private readonly prefilter: BlockPrefilter | undefined;
  private readonly block: Float32Array;
  private readonly filtered: Float32Array;
  private fill = 0;

  constructor(options: BlockResamplerOptions) {
    this.resampler = new Resampler({ inputRate: options.inputRate, outputRate: options.outputRate, quality: options.quality });
    this.blockFrames = options.blockFrames;
    this.latencyMs = this.resampler.latencyMs;
    this.prefilter = options.prefilter;
    this.block = new Float32Array(this.blockFrames);
    this.filtered = new Float32Array(this.prefilter === undefined ? 0 : this.blockFrames);
    // a block's output, and after it the tail `end()` flushes (at most the filter's delay)
    const tailFrames = Math.ceil((this.latencyMs * options.outputRate) / 1000) + 1;
    this.output = new Float32Array(this.resampler.maxOutputFrames(this.blockFrames) + tailFrames + 16);
  }

  /** Input frames waiting for their block to fill. */
  get pendingFrames(): number {
    return this.fill;
  }

  /**
   * Takes float32 samples from index `start` until they end or a block fills (then resampled into
   * `output`); returns the index where it stopped: call again from there.
   */
  pushFloat(samples: Float32Array, start = 0): number {
    // a whole block with nothing pending (every render quantum of a worklet): no copy needed
    if (this.fill === 0 && start === 0 && samples.length === this.blockFrames) {
      this.outputFrames = this.run(samples);
      return samples.length;
    }
    return this.take(samples, start, 1);
  }

  /**
   * As `pushFloat`, but a full block's output goes to byte offset `outPtr` of kernel memory (room
   * for `output.length` frames: another kernel's window, e.g. the capture pipeline's echo
   * canceller) instead of `output`; `outputFrames` counts it. One copy fewer per block.
   */
  pushFloatTo(samples: Float32Array, start: number, outPtr: number): number {
    if (this.fill === 0 && start === 0 && samples.length === this.blockFrames) {
      this.outputFrames = this.run(samples, outPtr);
      return samples.length;
    }
    return this.take(samples, start, 1, outPtr);
  }

  /** As `pushFloat`, for PCM16 samples (taken as x / 32768). */
  pushPcm16(samples: Int16Array, start = 0): number {
    return this.take(samples, start, 1 / 32768); // a power of two: exact, as pcm16ToFloat
  }

  /** Resamples the pending frames now as a short block, without ending the stream; returns `outputFrames`. */
  processPending(): number {
    this.outputFrames = this.runPending();
    return this.outputFrames;
  }

  /**
   * Ends the stream: the pending frames, then the filter's tail, both into `output`; returns
   * `outputFrames`. The next push starts a new stream.
   */
  end(): number {
    const resampler = this.resampler;
    const frames = this.runPending();
    const tail = resampler.flushInto(this.output.subarray(frames)); // room by construction
    resampler.reset();
    this.outputFrames = frames + tail;
    return this.outputFrames;
  }

  /** Drops the pending frames and the filter's history (e.g. on barge-in). */
  reset(): void {
    this.fill = 0;
    this.outputFrames = 0;
    this.resampler.reset();
  }

  /** Returns the Resampler's wasm memory; the stage is unusable afterwards. Idempotent. */
  free(): void {
    this.resampler.free();
  }

  /** Fills the block from `samples`; a full block is resampled into `output`, or to kernel memory at `outPtr` (>= 0). */
  private take(samples: Float32Array | Int16Array, start: number, scale: number, outPtr = -1): number {
    const size = this.blockFrames;
    const block = this.block;
    const total = samples.length;
    let fill = this.fill;
    let i = start;
    while (i < total && fill < size) block[fill++] = samples[i++]! * scale;
    if (fill === size) {
      this.fill = 0;
      this.outputFrames = this.run(block, outPtr);
    } else {
      this.fill = fill;
      this.outputFrames = 0;
    }
    return i;
  }

  private runPending(): number {
    if (this.fill === 0) return 0;
    const frames = this.fill;
    this.fill = 0;
    return this.run(this.block.subarray(0, frames));
  }

  /** Resamples `input` (after the prefilter) into `output`, or to kernel memory at `outPtr` (>= 0); returns the frames written. */
  private run(input: Float32Array, outPtr = -1): number {
    let source = input;
    if (this.prefilter !== undefined) {
      this.prefilter.processInto(input, this.filtered);
      source = input.length === this.blockFrames ? this.filtered : this.filtered.subarray(0, input.length);
    }
    return outPtr < 0 ? this.resampler.processInto(source, this.output) : this.resampler.processToPtr(source, outPtr);
  }
}
