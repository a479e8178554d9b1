// EchoCanceller: removes from the microphone the echo of what the speaker plays
// (assembly/echo-canceller.ts and the files it names: the design, the figures, the latency). Audio
// goes through one window in wasm memory (Heap.through); `pushReference` and `processInto`
// allocate nothing, `process` allocates its result.
import { kernels, type Heap, type KernelExports } from '../wasm/load.js';
import { OptionsError, RealtimePcmError, checkOptionRange } from '../errors.js';
import { KernelObject } from '../wasm/blocks.js';

interface AecExports extends KernelExports {
  aec_state_bytes(sampleRate: number, blockSamples: number, partitions: number, maxLag: number): number;
  aec_init(s: number, sampleRate: number, blockSamples: number, partitions: number, maxLag: number, searchLag: number, suppress: number): void;
  aec_reset(s: number): void;
  aec_push_reference(s: number, inPtr: number, samples: number): void;
  aec_process(s: number, micPtr: number, outPtr: number, samples: number): number;
  aec_latency_blocks(s: number): number;
  aec_onset_blocks(s: number): number;
  aec_beyond_blocks(s: number): number;
  aec_erle_db(s: number): number;
  aec_converged(s: number): number;
  aec_user_present(s: number): number;
  aec_path_changes(s: number): number;
  aec_dropped_reference(s: number): number;
  aec_skew_ppm(s: number): number;
  aec_discard_reference(s: number, samples: number): number;
  aec_echo_reduction_db(s: number): number;
  aec_echo_only_blocks(s: number): number;
}

/** Options of `new EchoCanceller(...)` (docs/echo-canceller.md); only `sampleRate` is required. */
export interface EchoCancellerOptions {
  /** Rate of both the mic and the reference, Hz, 8000..48000: the session rate (16000 or 24000) is the one to use. */
  sampleRate: number;
  /** Longest delay before the echo starts (output and input buffers, Bluetooth...), ms, 0..500. Default 250. */
  maxDelayMs?: number;
  /** Length of the echo modelled after it starts (the room's reverberation), ms, 50..1000. Default 250. */
  tailMs?: number;
  /**
   * Residual echo suppression and comfort noise after the adaptive filter. Default true; false
   * gives the filter's output alone (what a later suppressor of your own would want), one block
   * sooner.
   */
  residualSuppression?: boolean;
}

const DEFAULTS = { maxDelayMs: 250, tailMs: 250, residualSuppression: true };
const WINDOW_SAMPLES = 4096;
/** The filter starts this many blocks before the estimated echo onset (assembly/aec-state.ts PRE_BLOCKS). */
const PRE_BLOCKS = 2;
/**
 * How far the search for the echo widens when it is seen past `maxDelayMs` (echoBeyondMaxDelayMs):
 * the option's own limit, so that a Bluetooth speaker's 280-420 ms is found under the default 250
 * (aec-bt). The state is sized for it from the start (no allocation later).
 */
const REACH_MS = 500;

// The option checks, the window size and the class layout mirror the other kernel wrappers' by design.
const checkRange = (name: string, value: unknown, low: number, high: number, integer = false): number =>
  checkOptionRange('EchoCanceller', name, value, low, high, integer);

/** Throws unless `frames` is a whole number of samples within the array's `length`. */
function checkFrames(method: string, frames: number, length: number): void {
  if (!(Number.isInteger(frames) && frames >= 0 && frames <= length)) {
    throw new RealtimePcmError(
      'invalid_frames',
      `EchoCanceller.${method}: frames must be an integer in 0..${length} (the array's length, or maxFramesPerCall), got ${String(frames)}`,
    );
  }
}

/** Block length: the power of two nearest to 8 ms at the rate (64 at 8 kHz, 128 at 16 kHz, 256 at 24 to 48 kHz). */
function blockFor(sampleRate: number): number {
  return 2 ** Math.round(Math.log2(sampleRate * 0.008));
}

/**
 * Acoustic echo canceller with residual echo suppression. Call `pushReference` with each block the
 * speaker plays (at `sampleRate`) and `processInto` (or `process`) with each mic block, in step:
 * reference samples pair with mic samples in order (zeros where no reference was pushed: nothing
 * played), so push the reference no later than the mic it echoes into; the canceller finds the
 * echo's delay (0..maxDelayMs) itself. The output lags the mic by `latencySamples`.
 * Lifecycle: construct, pushReference/processInto, reset, free.
 */
export class EchoCanceller extends KernelObject {
  readonly sampleRate: number;
  readonly maxDelayMs: number;
  readonly tailMs: number;
  readonly residualSuppression: boolean;
  /** Samples per block of the adaptive filter. */
  readonly blockSamples: number;
  /** Output delay relative to the mic, samples: two blocks (one without residual suppression). */
  readonly latencySamples: number;

  private readonly heap: Heap;
  private readonly k: AecExports;
  private readonly window: number;
  /** The kernel on one window of reference, and on one window of mic (cancelled in place). */
  private readonly referenceWindow = (inPtr: number, _outPtr: number, samples: number) => this.k.aec_push_reference(this.state, inPtr, samples);
  private readonly micWindow = (inPtr: number, outPtr: number, samples: number) => this.k.aec_process(this.state, inPtr, outPtr, samples);

  constructor(options: EchoCancellerOptions) {
    super('EchoCanceller');
    if (typeof options !== 'object' || options === null) throw new OptionsError('EchoCanceller: options must be an object with sampleRate');
    const o = { ...DEFAULTS, ...options };
    this.sampleRate = checkRange('sampleRate', o.sampleRate, 8000, 48000, true);
    this.maxDelayMs = checkRange('maxDelayMs', o.maxDelayMs, 0, 500);
    this.tailMs = checkRange('tailMs', o.tailMs, 50, 1000);
    if (typeof o.residualSuppression !== 'boolean') {
      throw new OptionsError(`EchoCanceller: residualSuppression must be true or false, got ${String(o.residualSuppression)}`);
    }
    this.residualSuppression = o.residualSuppression;
    this.blockSamples = blockFor(this.sampleRate);
    const blockMs = (1000 * this.blockSamples) / this.sampleRate;
    const partitions = Math.ceil(this.tailMs / blockMs) + PRE_BLOCKS;
    const searchLag = Math.ceil(this.maxDelayMs / blockMs);
    const maxLag = Math.ceil(Math.max(this.maxDelayMs, REACH_MS) / blockMs);
    this.heap = kernels();
    this.k = this.heap.exports as unknown as AecExports;
    const stateBytes = (this.k.aec_state_bytes(this.sampleRate, this.blockSamples, partitions, maxLag) + 15) & ~15;
    this.allocate(this.heap, stateBytes + WINDOW_SAMPLES * 4);
    this.window = this.state + stateBytes;
    this.k.aec_init(this.state, this.sampleRate, this.blockSamples, partitions, maxLag, searchLag, this.residualSuppression ? 1 : 0);
    this.latencySamples = this.k.aec_latency_blocks(this.state) * this.blockSamples;
  }

  // Getters over the kernel's state, one each: the same shape in every kernel wrapper, by design.
  /** Output delay relative to the mic, ms. */
  get latencyMs(): number {
    return (1000 * this.latencySamples) / this.sampleRate;
  }
  /** Estimated delay before the echo starts, ms, within one block (-1 until estimated). */
  get delayMs(): number {
    const onset = this.k.aec_onset_blocks(this.live());
    return onset < 0 ? -1 : (onset * this.blockSamples * 1000) / this.sampleRate;
  }
  /**
   * Where the echo was last seen to start beyond `maxDelayMs`, ms, within one block; -1 if never
   * (since construction or reset). Seen after about 0.5 s of such echo (a Bluetooth speaker's
   * 280-420 ms under the default 250); the search then widens to 500 ms and the filter is placed
   * there, but until then the echo passes: where this is not -1, set `maxDelayMs` over it from the
   * start (docs/echo-canceller.md, Using it). Only up to 500 ms (the reach; -1 always with
   * `maxDelayMs` 500): past it the echo cannot be cancelled.
   */
  get echoBeyondMaxDelayMs(): number {
    const lag = this.k.aec_beyond_blocks(this.live());
    return lag < 0 ? -1 : (lag * this.blockSamples * 1000) / this.sampleRate;
  }
  /** How much echo the adaptive filter removes (echo return loss enhancement), over the last ~1 s of playback, dB. */
  get erleDb(): number {
    return this.k.aec_erle_db(this.live());
  }
  /**
   * How much echo the whole canceller removes (filter, suppression and comfort noise): the echo at
   * the mic (its energy over the mic's noise floor) over the output, in the blocks it judges echo
   * only (the reply's echo heard, no user heard within 80 ms), both smoothed over ~3 s of such
   * blocks from 2 s after the first (and after a path change: convergence is not counted), dB; held
   * while there are none, 0 before. `erleDb` is the filter's part alone, far under this. Echo the
   * canceller takes for the user is not counted: there this reads over the truth (docs/echo-canceller.md,
   * Using it). Reads the blocks only: the output is the same with or without it.
   */
  get echoReductionDb(): number {
    return this.k.aec_echo_reduction_db(this.live());
  }
  /** Time judged echo only (as for `echoReductionDb`, from 2 s after the first such block), ms since construction or reset: what the reading stands on. */
  get echoOnlyMs(): number {
    return (this.k.aec_echo_only_blocks(this.live()) * this.blockSamples * 1000) / this.sampleRate;
  }
  /** True once the filter has removed 10 dB of echo (since the start, a reset or a detected path change). */
  get converged(): boolean {
    return this.k.aec_converged(this.live()) === 1;
  }
  /** True while the user is heard over the echo (double talk, or the user alone). */
  get userPresent(): boolean {
    return this.k.aec_user_present(this.live()) === 1;
  }
  /** Echo path changes detected (the device moved, playout jumped) since construction or reset. */
  get pathChanges(): number {
    return this.k.aec_path_changes(this.live());
  }
  /**
   * Clock skew between speaker and mic that the filter follows: ppm of echo delay gained per second
   * (> 0: the echo comes later over time); 0 while none is measured (under 10 ppm, or in the
   * first 20 s of playback).
   */
  get clockSkewPpm(): number {
    return this.k.aec_skew_ppm(this.live());
  }
  /** Reference samples dropped because more than 1 s of it was pushed ahead of the mic. */
  get droppedReferenceSamples(): number {
    return this.k.aec_dropped_reference(this.live());
  }

  /** What the speaker plays, at `sampleRate`: the first `frames` samples of `playback` (default all). Allocation-free. */
  pushReference(playback: Float32Array, frames = playback.length): void {
    this.live();
    checkFrames('pushReference', frames, playback.length);
    this.heap.through(this.referenceWindow, WINDOW_SAMPLES, playback, this.window, undefined, this.window, frames);
  }

  /**
   * Drops up to `frames` of the oldest queued reference samples (those the next mic samples would
   * pair with); returns how many were dropped (fewer when less was queued). For mic that is never
   * processed (a paused microphone while the speaker plays): drop its span of reference too, so
   * the two stay in step. Allocation-free.
   */
  discardReference(frames: number): number {
    if (!(Number.isInteger(frames) && frames >= 0)) {
      throw new RealtimePcmError('invalid_frames', `EchoCanceller.discardReference: frames must be a whole number >= 0, got ${String(frames)}`);
    }
    return this.k.aec_discard_reference(this.live(), Math.min(frames, 0x7fffffff));
  }

  /**
   * Window in kernel memory (byte offset) for the pointer-level calls below: room for
   * `maxFramesPerCall` float32 samples (a pipeline's resampler writes straight into it).
   */
  get windowPtr(): number {
    return this.window;
  }

  /** Most samples one pointer-level call takes. */
  get maxFramesPerCall(): number {
    return WINDOW_SAMPLES;
  }

  /** Pointer-level `pushReference`: `frames` (<= maxFramesPerCall) samples at byte offset `ptr` of kernel memory (e.g. `windowPtr`). */
  pushReferencePtr(ptr: number, frames: number): void {
    checkFrames('pushReferencePtr', frames, WINDOW_SAMPLES);
    this.k.aec_push_reference(this.live(), ptr, frames);
  }

  /**
   * Pointer-level `processInto`: cancels `frames` (<= maxFramesPerCall) mic samples at byte offset
   * `inPtr` of kernel memory into `outPtr` (may be `inPtr`, e.g. both `windowPtr`). Returns `frames`.
   */
  processPtr(inPtr: number, outPtr: number, frames: number): number {
    checkFrames('processPtr', frames, WINDOW_SAMPLES);
    return this.k.aec_process(this.live(), inPtr, outPtr, frames);
  }

  /** Cancels the echo in `mic` into a new array. Allocates the result; see `processInto`. */
  process(mic: Float32Array): Float32Array {
    const out = new Float32Array(mic.length);
    this.processInto(mic, out);
    return out;
  }

  /**
   * Cancels the echo in the first `frames` samples of `mic` (default all) into `output` (at least as
   * long; may be `mic`). Returns samples written. Allocation-free.
   */
  processInto(mic: Float32Array, output: Float32Array, frames = mic.length): number {
    this.live();
    checkFrames('processInto', frames, mic.length);
    if (output.length < frames) {
      throw new RealtimePcmError('buffer_too_small', `EchoCanceller.processInto: output holds ${output.length} samples, mic has ${frames}`);
    }
    this.heap.through(this.micWindow, WINDOW_SAMPLES, mic, this.window, output, this.window, frames);
    return frames;
  }

  /** Forgets the room, the delay and the queued reference (same options). */
  reset(): void {
    this.k.aec_reset(this.live());
  }
}
