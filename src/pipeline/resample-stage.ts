// The resampling stage of the pipelines: the Resampler kernel behind the small interface the
// pipelines need (process into fixed scratch buffers; flush the tail at the end of a stream).
import { Resampler } from '../kernels/resampler.js';

/** What the pipelines need from a resampler (the `Resampler` kernel has all of it). */
export interface ResampleStage {
  readonly latencyMs: number;
  /** Most frames `processInto` can write for `inputFrames` frames in. */
  maxOutputFrames(inputFrames: number): number;
  /** Resamples all of `input` into `output`; returns the frames written. Allocation-free. */
  processInto(input: Float32Array, output: Float32Array): number;
  /** Ends the stream: the tail held by the filter, then resets; allocates the returned array. */
  flush(): Float32Array;
  reset(): void;
}

export type ResampleQuality = 'voice' | 'high';

/** A Resampler for the pair (equal rates give its sanitising copy: NaN/Inf to 0). */
export function createResampleStage(inputRate: number, outputRate: number, quality: ResampleQuality): ResampleStage {
  return new Resampler({ inputRate, outputRate, quality });
}
