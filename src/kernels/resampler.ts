// Streaming resampler (assembly/resample.ts): polyphase Kaiser-windowed sinc, any pair of the
// supported rates, state carried across calls so that the output is identical for any chunking.
// The kernel (assembly/resample-lanes.ts for ratios with few rows, resample-double.ts for exact
// doublings, resample-half.ts for exact halvings, resample-taps.ts for the others, or a copy at
// equal rates) is chosen here once, at construction.
//
// Time alignment and length law: output frame n is the input's value at time n / outputRate (the
// filter's delay is compensated), and process() emits it as soon as the input it depends on has
// arrived, i.e. `latencyMs` later. flush() continues the input with silence, emits what the filter
// still holds and resets, so that one stream (process calls + flush) yields exactly
// ceil(inputFrames * outputRate / inputRate) output frames.
//
// Three levels of API: process()/flush() allocate their result; processInto()/flushInto() write
// into a caller-owned buffer and allocate nothing once each output length has been seen (inputs
// longer than maxFramesPerCall cost a few array views per call); processPtr()/flushPtr() work on wasm memory
// (input window `inputPtr`, output window `outputPtr`, up to `maxFramesPerCall` input frames per
// call) for pipelines that keep their data inside the kernel module.
import { kernels, type Heap } from '../wasm/load.js';
import { KernelObject } from '../wasm/blocks.js';
import { OptionsError, RealtimePcmError } from '../errors.js';
import { checkQuality, checkRate, designResampler, type ResamplerDesign, type ResamplerMode, type ResamplerQuality } from './resampler-design.js';

export { SUPPORTED_SAMPLE_RATES, QUALITY_PRESETS } from './resampler-design.js';
export type { ResamplerQuality } from './resampler-design.js';

interface ResampleExports {
  rs_state_bytes(mode: number, taps: number, down: number, maxFrames: number): number;
  rs_init(state: number, mode: number, coefPtr: number, taps: number, up: number, down: number, delay: number, maxFrames: number): void;
  rs_reset(state: number): void;
  rs_input_window(state: number): number;
  rs_output_frames(state: number, frames: number): number;
  rs_flush_frames(state: number): number;
  rs_process(state: number, inPtr: number, frames: number, outPtr: number): number;
  rs_flush(state: number, outPtr: number): number;
}

/** The kernel's mode numbers (assembly/resample-state.ts). */
const MODE_NUMBER: Readonly<Record<ResamplerMode, number>> = { copy: 0, lanes: 1, taps: 2, double: 3, half: 4 };

/** Options of `new Resampler(...)`. */
export interface ResamplerOptions {
  /** Input sample rate in Hz: 8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000 or 96000. */
  inputRate: number;
  /** Output sample rate in Hz, from the same list. */
  outputRate: number;
  /** 'high' (default): >= 96 dB rejection, flat to 0.45 x the lower rate. 'voice': >= 70 dB, flat to 0.42 x, half the latency. */
  quality?: ResamplerQuality;
}

/** Most output frames one processPtr call may write, bounding the output window. */
const OUTPUT_WINDOW_FRAMES = 16384;
const MAX_INPUT_FRAMES = 8192;

// Designs are pure numbers (shared by every heap); coefficient tables are copied once per heap.
const designs = new Map<string, ResamplerDesign>();
const tables = new WeakMap<Heap, Map<string, number>>();

function design(inputRate: number, outputRate: number, quality: ResamplerQuality): { key: string; design: ResamplerDesign } {
  const key = `${inputRate}:${outputRate}:${quality}`;
  let d = designs.get(key);
  if (d === undefined) {
    d = designResampler(inputRate, outputRate, quality);
    designs.set(key, d);
  }
  return { key, design: d };
}

function tableIn(heap: Heap, key: string, d: ResamplerDesign): number {
  let perHeap = tables.get(heap);
  if (perHeap === undefined) {
    perHeap = new Map();
    tables.set(heap, perHeap);
  }
  let ptr = perHeap.get(key);
  if (ptr === undefined) {
    ptr = d.table.length === 0 ? 0 : heap.alloc(d.table.byteLength);
    if (ptr !== 0) heap.write(ptr, d.table);
    perHeap.set(key, ptr);
  }
  return ptr;
}

function tooSmall(what: string, have: number, need: number): RealtimePcmError {
  return new RealtimePcmError(
    'buffer_too_small',
    `Resampler.${what}: output holds ${have} frames, this call writes ${need}; size it with outputFrames()/flushFrames() or maxOutputFrames()`,
  );
}

/**
 * A streaming resampler for one mono float32 stream. Construction designs (or reuses) the filter
 * and allocates the kernel state; afterwards only process()/flush() allocate (their results), and
 * processInto() a few views when its input is longer than maxFramesPerCall. Coefficient tables
 * are cached per rate pair and quality, once per kernel instance (wasm memory).
 */
export class Resampler extends KernelObject {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly quality: ResamplerQuality;
  /** Group delay the filter adds, ms (0 for equal rates). */
  readonly latencyMs: number;
  /** Most input frames one processPtr call accepts (the input window's length). */
  readonly maxFramesPerCall: number;
  /** Upsampling and downsampling factors in lowest terms: output = input x up / down. */
  readonly up: number;
  readonly down: number;
  /** Taps per polyphase row (the prototype's length / up, rounded up to the kernel's step; exact doublings: the longer row, 2d + 1); 0 for equal rates. */
  readonly taps: number;

  private readonly heap: Heap;
  private readonly wasm: ResampleExports;
  private readonly inWindow: number;
  private readonly outWindow: number;

  constructor(options: ResamplerOptions) {
    super('Resampler');
    if (options === null || typeof options !== 'object') {
      throw new OptionsError('Resampler: pass { inputRate, outputRate, quality? }');
    }
    this.inputRate = checkRate('inputRate', options.inputRate);
    this.outputRate = checkRate('outputRate', options.outputRate);
    this.quality = checkQuality(options.quality);
    const { key, design: d } = design(this.inputRate, this.outputRate, this.quality);
    this.up = d.up;
    this.down = d.down;
    this.taps = d.mode === 'double' ? 2 * d.taps + 1 : d.mode === 'half' ? 4 * d.taps + 1 : d.taps;
    this.latencyMs = d.latencyMs;
    this.maxFramesPerCall = Math.min(MAX_INPUT_FRAMES, Math.floor((OUTPUT_WINDOW_FRAMES * d.down) / d.up));
    this.heap = kernels();
    this.wasm = this.heap.exports as unknown as ResampleExports;
    const coefPtr = tableIn(this.heap, key, d);
    const outFrames = Math.max(this.maxOutputFrames(this.maxFramesPerCall), Math.ceil(d.delay / d.down) + 1);
    const mode = MODE_NUMBER[d.mode];
    // One block: the kernel state (with the input window), then the output window.
    const stateBytes = (this.wasm.rs_state_bytes(mode, d.taps, d.down, this.maxFramesPerCall) + 15) & ~15;
    this.allocate(this.heap, stateBytes + outFrames * 4);
    this.outWindow = this.state + stateBytes;
    this.wasm.rs_init(this.state, mode, coefPtr, d.taps, d.up, d.down, d.delay, this.maxFramesPerCall);
    this.inWindow = this.wasm.rs_input_window(this.state);
    this.heap.refresh();
  }

  /** Input window in wasm memory (byte offset): write up to maxFramesPerCall samples, then processPtr(inputPtr, ...). */
  get inputPtr(): number {
    return this.inWindow;
  }

  /** Output window in wasm memory (byte offset), room for maxOutputFrames(maxFramesPerCall) frames and any flush. */
  get outputPtr(): number {
    return this.outWindow;
  }

  /** Upper bound of the frames `inputFrames` input frames can produce in one call: ceil(inputFrames x up / down). */
  maxOutputFrames(inputFrames: number): number {
    return Math.ceil((inputFrames * this.up) / this.down);
  }

  /** Exactly how many frames process() of `inputFrames` frames (any length, any chunking) would return now. */
  outputFrames(inputFrames: number): number {
    this.live();
    return this.wasm.rs_output_frames(this.state, inputFrames);
  }

  /** Resamples `input` (any length) and returns the frames now due, in a new array (allocates). */
  process(input: Float32Array): Float32Array {
    const out = new Float32Array(this.outputFrames(input.length));
    const n = this.processInto(input, out);
    return n === out.length ? out : out.subarray(0, n);
  }

  /**
   * Resamples `input` (any length) into `output` from index 0, returns the frames written. Allocates
   * nothing for inputs up to maxFramesPerCall frames once each output length has been seen (views
   * of the output window are cached, src/wasm/heap.ts); longer inputs make a few views per call.
   * `output` must hold outputFrames(input.length) frames (maxOutputFrames() always suffices).
   */
  processInto(input: Float32Array, output: Float32Array): number {
    this.live();
    const total = input.length;
    const need = this.wasm.rs_output_frames(this.state, total);
    if (need > output.length) throw tooSmall('processInto', output.length, need);
    const max = this.maxFramesPerCall;
    let written = 0;
    for (let done = 0; done < total; done += max) {
      const frames = Math.min(max, total - done);
      this.heap.write(this.inWindow, input, done, frames);
      const n = this.wasm.rs_process(this.state, this.inWindow, frames, this.outWindow);
      this.heap.read(this.outWindow, output, written, n);
      written += n;
    }
    return written;
  }

  /**
   * Resamples `input` (at most maxFramesPerCall frames) into byte offset `outPtr` of kernel memory
   * (room for outputFrames(input.length), e.g. another kernel's input window); returns the frames
   * written. The same kernel call as processInto's; allocates nothing.
   */
  processToPtr(input: Float32Array, outPtr: number): number {
    this.live();
    const frames = input.length;
    if (frames > this.maxFramesPerCall) {
      throw new RealtimePcmError('invalid_frames', `Resampler.processToPtr: at most ${this.maxFramesPerCall} frames per call, got ${frames}`);
    }
    this.heap.write(this.inWindow, input, 0, frames);
    return this.wasm.rs_process(this.state, this.inWindow, frames, outPtr);
  }

  /**
   * Pointer-level path: resamples `frames` (<= maxFramesPerCall) float32 samples at byte offset
   * `inPtr` of the kernel memory (e.g. `inputPtr`) into byte offset `outPtr` (e.g. `outputPtr`, or
   * any region with room for outputFrames(frames)); returns the frames written. Allocates nothing.
   */
  processPtr(inPtr: number, frames: number, outPtr: number): number {
    this.live();
    if (frames > this.maxFramesPerCall || frames < 0) {
      throw new RealtimePcmError('invalid_frames', `Resampler.processPtr: frames must be 0..${this.maxFramesPerCall} per call, got ${frames}`);
    }
    return this.wasm.rs_process(this.state, inPtr, frames, outPtr);
  }

  /** Frames flush() would return now. */
  flushFrames(): number {
    this.live();
    return this.wasm.rs_flush_frames(this.state);
  }

  /** Ends the stream: returns what the filter still holds (input continued with silence) and resets. Allocates. */
  flush(): Float32Array {
    const out = new Float32Array(this.flushFrames());
    this.flushInto(out);
    return out;
  }

  /** flush() into a caller-owned buffer (room for flushFrames()); returns the frames written. Allocates nothing. */
  flushInto(output: Float32Array): number {
    this.live();
    const count = this.wasm.rs_flush_frames(this.state);
    if (count > output.length) throw tooSmall('flushInto', output.length, count);
    const n = this.wasm.rs_flush(this.state, this.outWindow);
    this.heap.read(this.outWindow, output, 0, n);
    return n;
  }

  /** Pointer-level flush into byte offset `outPtr` (room for flushFrames()); returns the frames written. */
  flushPtr(outPtr: number): number {
    this.live();
    return this.wasm.rs_flush(this.state, outPtr);
  }

  /** Forgets the stream (history and position), as if newly constructed. */
  reset(): void {
    this.live();
    this.wasm.rs_reset(this.state);
  }
}
