// The capture pipeline's echo canceller stage: an EchoCanceller at the session rate, after the
// microphone's resampler, whose reference is what the speaker played (at its own device rate)
// passed through a second resampler identical to the microphone's (same rates, quality and
// 128-frame blocks). Both streams then carry the same filter delay and come out in step, sample
// for sample, so the canceller pairs each mic sample with what was played at the same instant
// (assembly/echo-canceller.ts says why the canceller runs at the session rate).
//
// Timing: the canceller's output lags its input by `latencySamples` (two blocks: 21.3 ms at 24
// kHz). The stage drops that many samples at the start of each stream and flushes them at its end
// (`end`, by running silence through), so its output lines up with the microphone's timeline and
// has exactly as many frames as its input: stream times stay those of the mic. Allocation-free per
// block.
//
// A reference at the session rate (`referenceRate` equal to the output rate: what a playback path
// sent to its resampler, as AEC3 takes its render signal before the device's rate) skips the
// second resampler: it is queued in the canceller as pushed (the canceller cleans NaN and Inf as the
// resampler did), and the echo path the filter learns then includes the playback's resampler and
// the mic's (linear and fixed: part of the room). Measured on the lab's 48 kHz scenes played from a
// 24 kHz stream (test/quality/echo-pipeline.test.ts): within the spread of the device-rate
// reference's figures, and the chain 1.1x faster (bench/capture-chain.bench.mjs). Pushed before
// the mic it echoes into, as the device-rate reference is, it stays ahead of the mic's resampler
// (whose output lags its input), so the pairs stay in step; at a stream's end the mic's resampler
// tail pairs with silence.
//
// With an `EchoCanceller` (not a canceller of your own), both resamplers write their blocks straight
// into the canceller's window in kernel memory (`windowPtr`: the reference's by `pushReference`, the
// mic's by the pipeline's `processWindow` path), and the cleaned block is read from there: the same
// kernel calls on the same samples as the copying path, two copies fewer per block.
import { EchoCanceller, type EchoCancellerOptions } from '../kernels/echo-canceller.js';
import type { ResamplerQuality } from '../kernels/resampler.js';
import { BLOCK_FRAMES } from '../constants.js';
import { OptionsError } from '../errors.js';
import { kernels, type Heap } from '../wasm/load.js';
import { BlockResampler } from './block-resampler.js';

/** The echo canceller stage's canceller (an `EchoCanceller` fits); runs at the output rate. */
export interface CaptureEchoCanceller {
  readonly sampleRate: number;
  /** Output delay relative to the mic, samples. */
  readonly latencySamples: number;
  pushReference(playback: Float32Array, frames?: number): void;
  processInto(mic: Float32Array, output: Float32Array, frames?: number): number;
  reset(): void;
  free?(): void;
}

/**
 * What a canceller reports for stats and level reports (the session's, the capture node's): its
 * `erleDb` (what its linear filter removes, ERLE over the last ~1 s of playback, dB),
 * `echoBeyondMaxDelayMs` (where it saw the echo start past its `maxDelayMs`, ms; -1 if never), and
 * since aec-stats4 what the whole canceller removes: `echoReductionDb` (the echo over the output in
 * the blocks it judges echo only, smoothed over ~3 s, dB) and `echoOnlyMs` (the time so judged);
 * null without a canceller, or for a canceller of your own that does not have them.
 */
export interface EchoCancellerReadings {
  /** Echo the canceller removes (ERLE over the last second of playback, dB); null without one. */
  echoCancellerErleDb: number | null;
  /**
   * Where the canceller saw the echo start past its `maxDelayMs` (a Bluetooth speaker), ms; -1 if
   * never; null without one (EchoCanceller.echoBeyondMaxDelayMs). Where it is not -1, pass
   * `echoCancellation: { maxDelayMs }` over it in the next call (docs/echo-canceller.md, Using it).
   */
  echoBeyondMaxDelayMs: number | null;
  /** Echo the whole canceller removes (EchoCanceller.echoReductionDb: in the blocks it judges echo only, ~3 s, dB); null without one. */
  echoReductionDb: number | null;
  /** Time the canceller judged echo only, ms (EchoCanceller.echoOnlyMs); null without one. */
  echoOnlyMs: number | null;
}

/** A numeric reading of `canceller` by its getter's name; null without a canceller or without that getter. */
function readingOf(canceller: CaptureEchoCanceller | undefined, name: 'erleDb' | 'echoBeyondMaxDelayMs' | 'echoReductionDb' | 'echoOnlyMs'): number | null {
  if (canceller === undefined) return null;
  const value = (canceller as unknown as Readonly<Record<typeof name, unknown>>)[name];
  return typeof value === 'number' ? value : null;
}

/** All readings of `canceller` (allocates the object; for stats and level reports, not per quantum). */
export function cancellerReadings(canceller: CaptureEchoCanceller | undefined): EchoCancellerReadings {
  return {
    echoCancellerErleDb: readingOf(canceller, 'erleDb'),
    echoBeyondMaxDelayMs: readingOf(canceller, 'echoBeyondMaxDelayMs'),
    echoReductionDb: readingOf(canceller, 'echoReductionDb'),
    echoOnlyMs: readingOf(canceller, 'echoOnlyMs'),
  };
}

/** The `echoCancellation` option: true (an `EchoCanceller` with its defaults), its options, or an instance at the output rate. */
export type EchoCancellationOption = boolean | Omit<EchoCancellerOptions, 'sampleRate'> | CaptureEchoCanceller;

export interface EchoCancellerStageOptions {
  /** Rate of the reference as pushed (the speaker's), Hz. */
  referenceRate: number;
  /** Rate of the microphone (its resampler's 128-frame blocks set the reference's), Hz. */
  inputRate: number;
  /** Rate of the canceller: the capture pipeline's output rate, Hz. */
  outputRate: number;
  quality: ResamplerQuality;
  /** Most frames one `process` call gets (a mic block's resampled output, or the stream's tail). */
  maxFrames: number;
}

/**
 * Input frames per block of the reference's resampler: the mic's 128 at the mic's rate (the
 * device-rate reference: the same blocks as the mic's, so the two come out in step), else the same
 * span at the reference's rate, rounded up (a session-rate tap at another rate than the canceller's:
 * Gemini's 24 kHz playback beside a 16 kHz canceller; 64 frames at 48 kHz, 70 at 44.1 kHz, one
 * block of the playback's tap per quantum, so the reference is never held back a whole mic block
 * behind the mic it echoes into).
 */
export function referenceBlockFrames(referenceRate: number, inputRate: number): number {
  return referenceRate === inputRate ? BLOCK_FRAMES : Math.max(1, Math.ceil((BLOCK_FRAMES * referenceRate) / inputRate));
}

/**
 * Throws when both echo stages are asked for: measured on the echo lab's scenes
 * (docs/echo-canceller.md), the gate in front mutes what the canceller must learn from, and the
 * pair does no better than the gate alone.
 */
export function checkOneEchoStage(echoGate: unknown, echoCancellation: unknown): void {
  if (echoGate !== undefined && echoGate !== false && echoCancellation !== undefined && echoCancellation !== false) {
    throw new OptionsError('echoGate and echoCancellation: choose one (the echo canceller replaces the gate; docs/echo-canceller.md)');
  }
}

/** The canceller from the `echoCancellation` option, or undefined when it is off; `owned` when made here. */
export function makeEchoCanceller(
  option: EchoCancellationOption | undefined,
  sampleRate: number,
): { canceller: CaptureEchoCanceller; owned: boolean } | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { canceller: new EchoCanceller({ sampleRate }), owned: true };
  if (option === null || typeof option !== 'object') {
    throw new OptionsError(`echoCancellation must be true, EchoCanceller options or an EchoCanceller at sampleRate ${sampleRate}, got ${String(option)}`);
  }
  const given = option as Partial<CaptureEchoCanceller>;
  if (typeof given.processInto === 'function' || typeof given.pushReference === 'function') {
    if (typeof given.processInto !== 'function' || typeof given.pushReference !== 'function' || typeof given.reset !== 'function') {
      throw new OptionsError('echoCancellation: an instance needs pushReference, processInto and reset (an EchoCanceller)');
    }
    if (given.sampleRate !== sampleRate) {
      throw new OptionsError(`the echo canceller runs at the output rate: construct it with sampleRate ${sampleRate}, not ${given.sampleRate}`);
    }
    return { canceller: option as CaptureEchoCanceller, owned: false };
  }
  return { canceller: new EchoCanceller({ ...(option as Omit<EchoCancellerOptions, 'sampleRate'>), sampleRate }), owned: true };
}

export class EchoCancellerStage {
  readonly canceller: CaptureEchoCanceller;
  /** The cleaned frames of the last `process` or `end` call (its first `outputFrames`), valid until the next call. */
  readonly output: Float32Array;
  outputFrames = 0;
  /**
   * The canceller's window in kernel memory (byte offset), where the mic's resampler may write a
   * block for `processWindow`; -1 when the canceller is not an `EchoCanceller` (then `process`).
   */
  readonly windowPtr: number;
  /** Index in `windowView` of the first frame `processWindow` gave. */
  outputStart = 0;

  /** The reference's resampler; undefined when the reference comes at the output rate (queued as pushed). */
  private readonly reference: BlockResampler | undefined;
  /** The canceller when its window can take a resampled block (an `EchoCanceller`). */
  private readonly direct: EchoCanceller | undefined;
  private readonly heap: Heap;
  /** The canceller's own output, before the start-of-stream samples are dropped. */
  private readonly cleaned: Float32Array;
  private readonly silence: Float32Array;
  /** Output samples still to drop at the start of the stream (the canceller's latency). */
  private skip: number;

  constructor(canceller: CaptureEchoCanceller, options: EchoCancellerStageOptions) {
    this.canceller = canceller;
    this.reference =
      options.referenceRate === options.outputRate
        ? undefined
        : new BlockResampler({
            inputRate: options.referenceRate,
            outputRate: options.outputRate,
            quality: options.quality,
            blockFrames: referenceBlockFrames(options.referenceRate, options.inputRate),
          });
    const referenceFrames = this.reference === undefined ? 0 : this.reference.output.length;
    const fits = (c: CaptureEchoCanceller): c is EchoCanceller =>
      c instanceof EchoCanceller && Math.max(options.maxFrames, referenceFrames) <= c.maxFramesPerCall;
    this.direct = fits(canceller) ? canceller : undefined;
    this.windowPtr = this.direct === undefined ? -1 : this.direct.windowPtr;
    this.heap = kernels();
    const frames = Math.max(options.maxFrames, canceller.latencySamples);
    this.output = new Float32Array(frames);
    this.cleaned = new Float32Array(frames);
    this.silence = new Float32Array(canceller.latencySamples);
    this.skip = canceller.latencySamples;
  }

  /** What the speaker played (at the reference rate), any length: resampled (unless at the output rate), then queued in the canceller. */
  pushReference(playback: Float32Array): void {
    const stage = this.reference;
    if (stage === undefined) {
      this.queue(playback, playback.length);
      return;
    }
    const direct = this.direct;
    if (direct !== undefined) {
      const window = this.windowPtr;
      for (let at = 0; at < playback.length; ) {
        at = stage.pushFloatTo(playback, at, window);
        if (stage.outputFrames > 0) direct.pushReferencePtr(window, stage.outputFrames);
      }
      return;
    }
    for (let at = 0; at < playback.length; ) {
      at = stage.pushFloat(playback, at);
      if (stage.outputFrames > 0) this.queue(stage.output, stage.outputFrames);
    }
  }

  /** Queues the first `frames` of `samples` (at the output rate) in the canceller. */
  private queue(samples: Float32Array, frames: number): void {
    this.canceller.pushReference(samples, frames);
  }

  /** Resamples the reference's pending frames as a short block (when the mic's are: `emitPending`). */
  pushPendingReference(): void {
    const stage = this.reference;
    if (stage !== undefined && stage.processPending() > 0) this.queue(stage.output, stage.outputFrames);
  }

  /** Cancels the echo in `frames` frames of `mic` (at the output rate) into `output`; returns `outputFrames`. */
  process(mic: Float32Array, frames: number): number {
    this.canceller.processInto(mic, this.cleaned, frames);
    return this.take(frames);
  }

  /**
   * Cancels the echo in the `frames` mic frames the resampler wrote at `windowPtr`, in place; the
   * cleaned frames are then `windowView` from `outputStart` (`outputFrames` of them, after the
   * start-of-stream drop), valid until the next call. Only when `windowPtr` >= 0.
   */
  processWindow(frames: number): number {
    const window = this.windowPtr;
    this.direct!.processPtr(window, window, frames);
    const drop = Math.min(this.skip, frames);
    this.skip -= drop;
    this.outputStart = (window >> 2) + drop;
    this.outputFrames = frames - drop;
    return this.outputFrames;
  }

  /** Kernel memory as float32, where `processWindow`'s output is (fetch it again after anything that may grow memory). */
  get windowView(): Float32Array {
    return this.heap.refresh().f32;
  }

  /**
   * Ends the reference's stream: its partial block and its resampler's tail are queued, as many
   * frames as the mic's resampler gives at its end (call it first, so that they pair).
   */
  endReference(): void {
    const stage = this.reference;
    if (stage !== undefined && stage.end() > 0) this.queue(stage.output, stage.outputFrames);
  }

  /**
   * Ends the stream (after `endReference` and the mic's last frames): the canceller's held samples
   * come out (silence is run through it, paired with silence). `output` then holds them; returns `outputFrames`. The next
   * frames start a new stream (the canceller keeps what it learned of the room).
   */
  end(): number {
    const latency = this.canceller.latencySamples;
    this.outputFrames = 0;
    if (this.skip === latency) return 0; // nothing went in since the stream started
    // the samples held are those of the last `latency` outputs: as many come out for as much
    // silence, paired with as much silent reference so that the next stream's pairs stay in step
    this.canceller.pushReference(this.silence, latency);
    this.canceller.processInto(this.silence, this.cleaned, latency);
    this.take(latency);
    this.skip = latency;
    return this.outputFrames;
  }

  /** Forgets the room, the queued reference and the stream (as at construction). */
  reset(): void {
    this.reference?.reset();
    this.canceller.reset();
    this.skip = this.canceller.latencySamples;
    this.outputFrames = 0;
  }

  /** Returns the reference resampler's kernel memory (the canceller is freed by whoever made it). */
  free(): void {
    this.reference?.free();
  }

  /** Moves the canceller's `frames` new samples to `output`, minus the ones still to drop. */
  private take(frames: number): number {
    const drop = Math.min(this.skip, frames);
    this.skip -= drop;
    const n = frames - drop;
    const cleaned = this.cleaned;
    const output = this.output;
    for (let i = 0; i < n; i++) output[i] = cleaned[drop + i]!;
    this.outputFrames = n;
    return n;
  }
}
