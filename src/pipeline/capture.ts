// CapturePipeline: microphone float32 at the device rate, in blocks of any size -> [echo gate] ->
// resampler -> [echo canceller] -> [VAD, silence gate] -> PCM16 [-> G.711] -> base64 chunks of
// `chunkMs`, each with its stream time. The echo stages hear what the speaker played through
// `pushReference` (the canceller through a resampler identical to the mic's: capture-echo.ts). The
// kernels are always called on fixed 128-frame blocks of input and the chunks are fixed
// in output frames, so the output is identical however the input is cut (whatever the kernels do
// with call sizes). Stream times come from integer frame counts at the output rate.
//
// Per push, nothing allocates unless a chunk completes (then the base64 string, the event objects
// and the returned array).
import { encodeBase64 } from '../kernels/base64.js';
import { encodeG711 } from '../kernels/g711.js';
import { floatToPcm16 } from '../kernels/pcm16.js';
import { VAD_SPEECH_START } from '../kernels/vad.js';
import { BLOCK_FRAMES, REALTIME_SAMPLE_RATE } from '../constants.js';
import { OptionsError, RealtimePcmError } from '../errors.js';
import { freedError } from '../wasm/blocks.js';
import { BlockResampler } from './block-resampler.js';
import { checkBoolean, checkChoice, checkNumber, checkRate } from './options.js';
import { EchoCancellerStage, checkOneEchoStage, makeEchoCanceller, type CaptureEchoCanceller } from './capture-echo.js';
import { makeVad, type CaptureVad } from './capture-vad.js';

import { AUDIO_ENCODINGS } from './capture-types.js';
import type { AudioEncoding, CaptureAudioEvent, CaptureEchoGate, CaptureEvent, CapturePipelineOptions, CaptureStats } from './capture-types.js';

export type { CaptureVad } from './capture-vad.js';
export type { CaptureEchoCanceller, EchoCancellationOption } from './capture-echo.js';
export type {
  AudioEncoding,
  CaptureAudioEvent,
  CaptureEchoGate,
  CaptureEvent,
  CapturePipelineOptions,
  CaptureStats,
  CaptureVadEvent,
} from './capture-types.js';
export { AUDIO_ENCODINGS };

/** Event code of a speech start in `processInto` output. */
const SPEECH_START = VAD_SPEECH_START;

const EMPTY: CaptureEvent[] = [];
Object.freeze(EMPTY);

/** A chunk kept back by the silence gate, in case speech starts soon after. */
interface HeldChunk {
  pcm: Int16Array;
  startFrame: number;
  frames: number;
}

/**
 * Microphone float32 at the device rate, in pieces of any size, to session audio: [echo gate] ->
 * resampler -> [VAD, silence gate] -> PCM16 -> base64 chunks of `chunkMs`, each with its stream
 * time. Lifecycle: construct, push, emitPending (manual commits), flush (end of stream), reset,
 * free (returns its kernel memory and that of the VAD it made; not an echo gate or VAD you passed).
 */
export class CapturePipeline {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly chunkMs: number;
  readonly chunkFrames: number;
  readonly silenceGating: boolean;
  readonly prefixPaddingMs: number;
  readonly vad: CaptureVad | undefined;
  readonly echoGate: CaptureEchoGate | undefined;
  /** The echo canceller in use (made from `echoCancellation`), or undefined. */
  readonly echoCanceller: CaptureEchoCanceller | undefined;
  readonly referenceRate: number;
  readonly encoding: AudioEncoding;
  readonly stats: CaptureStats = { sentFrames: 0, silenceFrames: 0, chunks: 0 };
  /**
   * Set it false while the speaker plays but no microphone audio is pushed (a paused or
   * disconnected microphone): `pushReference` then drops what it gets, so that the played audio
   * does not queue up ahead of the microphone when it resumes (the echo stages pair them in order).
   * Default true; the worklet processors set it every render quantum.
   */
  referenceEnabled = true;

  /** Echo gate, then resampler, on fixed 128-frame blocks of input; its output goes to `collect`. */
  private readonly resampler: BlockResampler;
  /** The echo canceller on the resampler's output, with the reference's own resampler. */
  private readonly echo: EchoCancellerStage | undefined;
  /** The canceller was made here (from `echoCancellation: true` or options), so `free()` frees it. */
  private readonly ownsEchoCanceller: boolean;
  /** Silence for `skipMicrophone` (one block). */
  private readonly zeros = new Float32Array(BLOCK_FRAMES);
  /** Events completed during the current push/flush (the shared empty array until one is). */
  private events: CaptureEvent[] = EMPTY;
  private readonly chunk: Float32Array;
  private readonly pcm: Int16Array;
  private readonly pcmBytes: Uint8Array;
  /** G.711 codes of a chunk (empty for PCM16). */
  private readonly codes: Uint8Array;
  private fill = 0;
  /** Output frames emitted or held so far: the stream time of the chunk being filled. */
  private streamFrames = 0;
  private readonly eventTypes: Uint8Array;
  private readonly eventTimes: Float64Array;
  private readonly held: HeldChunk[] = [];
  private heldFirst = 0;
  private heldCount = 0;
  private readonly paddingFrames: number;
  /** The VAD was made here (from `vad: true` or options), so `free()` frees it. */
  private readonly ownsVad: boolean;
  private freed = false;

  constructor(options: CapturePipelineOptions) {
    if (options === null || typeof options !== 'object') {
      throw new OptionsError('CapturePipeline needs options: { inputRate, outputRate?, chunkMs?, vad?, echoCancellation?, echoGate?, silenceGating? }');
    }
    this.inputRate = checkRate('inputRate', options.inputRate);
    this.outputRate = checkRate('outputRate', options.outputRate ?? REALTIME_SAMPLE_RATE);
    this.chunkMs = checkNumber('chunkMs', options.chunkMs, 40, 10, 1000);
    this.chunkFrames = Math.round((this.chunkMs * this.outputRate) / 1000);
    const quality = checkChoice('quality', options.quality, 'high', ['voice', 'high'] as const);
    this.encoding = checkChoice('encoding', options.encoding, 'pcm16', AUDIO_ENCODINGS);
    if (this.encoding !== 'pcm16' && this.outputRate !== 8000) {
      throw new OptionsError(`G.711 (${this.encoding}) is 8 kHz audio: outputRate must be 8000, got ${this.outputRate}`);
    }
    this.vad = makeVad(options.vad, this.outputRate);
    this.ownsVad = this.vad !== undefined && this.vad !== options.vad;
    this.echoGate = options.echoGate;
    if (this.echoGate !== undefined && typeof this.echoGate.processInto !== 'function') {
      throw new OptionsError('echoGate must be an EchoGate (an object with processInto(input, output))');
    }
    checkOneEchoStage(this.echoGate, options.echoCancellation);
    this.referenceRate = checkRate('referenceRate', options.referenceRate ?? this.inputRate);
    if (this.echoGate !== undefined && this.referenceRate !== this.inputRate) {
      throw new OptionsError(`the echo gate needs the reference at the microphone's rate (referenceRate ${this.referenceRate} != inputRate ${this.inputRate})`);
    }
    this.silenceGating = checkBoolean('silenceGating', options.silenceGating, false);
    if (this.silenceGating && this.vad === undefined) {
      throw new OptionsError('silenceGating needs a VAD: pass vad: true (or VAD options) as well');
    }
    this.prefixPaddingMs = checkNumber('prefixPaddingMs', options.prefixPaddingMs, this.vad?.prefixPaddingMs ?? 300, 0, 2000);
    this.paddingFrames = Math.round((this.prefixPaddingMs * this.outputRate) / 1000);

    this.resampler = new BlockResampler({
      inputRate: this.inputRate,
      outputRate: this.outputRate,
      quality,
      blockFrames: BLOCK_FRAMES,
      prefilter: this.echoGate,
    });
    const echo = makeEchoCanceller(options.echoCancellation, this.outputRate);
    this.echoCanceller = echo?.canceller;
    this.ownsEchoCanceller = echo?.owned === true;
    this.echo =
      echo === undefined
        ? undefined
        : new EchoCancellerStage(echo.canceller, {
            referenceRate: this.referenceRate,
            inputRate: this.inputRate,
            outputRate: this.outputRate,
            quality,
            maxFrames: this.resampler.output.length,
          });
    this.chunk = new Float32Array(this.chunkFrames);
    this.pcm = new Int16Array(this.chunkFrames);
    this.pcmBytes = new Uint8Array(this.pcm.buffer);
    this.codes = new Uint8Array(this.encoding === 'pcm16' ? 0 : this.chunkFrames);
    const vadFrames = Math.ceil(this.chunkFrames / Math.max(1, Math.round(this.outputRate / 100))) + 2;
    this.eventTypes = new Uint8Array(vadFrames);
    this.eventTimes = new Float64Array(vadFrames);
    if (this.silenceGating) {
      const slots = Math.ceil(this.paddingFrames / this.chunkFrames) + 1;
      for (let i = 0; i < slots; i++) this.held.push({ pcm: new Int16Array(this.chunkFrames), startFrame: 0, frames: 0 });
    }
  }

  /** Stream time of the next frame to be emitted, ms. */
  get streamMs(): number {
    return (this.streamFrames * 1000) / this.outputRate;
  }

  /** Output frames waiting in the partial chunk. */
  get pendingFrames(): number {
    return this.fill;
  }

  /** True while the VAD hears speech (false without a VAD). */
  get speaking(): boolean {
    return this.vad?.speaking === true;
  }

  /**
   * What the speaker played (float32 at `referenceRate`, any length; zeros while it plays nothing),
   * for the echo canceller and the echo gate: call it in step with `push`, with the same span of
   * time, before the microphone block it echoes into (an audio callback: read the playback, push it
   * here, then push the mic). Allocation-free. Does nothing without an echo stage, or while
   * `referenceEnabled` is false.
   */
  pushReference(playback: Float32Array): void {
    if (this.freed) throw freedError('CapturePipeline');
    if (!this.referenceEnabled) return;
    this.echo?.pushReference(playback);
    this.echoGate?.pushReference?.(playback);
  }

  /**
   * The microphone's next `frames` frames (at `inputRate`) will not be pushed: a paused or
   * disconnected microphone while the speaker may play. With the echo canceller, that span goes
   * through it as silence (the mic's resampler runs on as if it had heard silence) and its output
   * is dropped, so that mic and reference stay in step, sample for sample, at any device rate, and
   * the canceller reads the pause as the dead mic it is (it holds its placement through it; muted20:
   * dropping the span of reference instead, the canceller missed the time gone by and the second
   * after a 0.5-10 s mute read a median 10.6 dB in Node, 7.7-9.4 dB in Firefox, where a mic of
   * exact zeros read 44 dB or more). Keep pushing the reference meanwhile, `referenceEnabled` true.
   * Nothing is sent, the VAD hears nothing and the stream time does not move (mic pushed before it
   * that did not fill a 128-frame block is dropped with it, and the canceller's own latency of it,
   * `latencySamples`); without the canceller (or while `referenceEnabled` is false) it does
   * nothing. Allocation-free; it costs what the canceller costs on live mic.
   * Throws RealtimePcmError('invalid_frames') unless `frames` is a whole number >= 0.
   */
  skipMicrophone(frames: number): void {
    if (this.freed) throw freedError('CapturePipeline');
    if (!(Number.isInteger(frames) && frames >= 0)) {
      throw new RealtimePcmError('invalid_frames', `CapturePipeline.skipMicrophone: frames must be a whole number >= 0, got ${String(frames)}`);
    }
    const echo = this.echo;
    if (echo === undefined || !this.referenceEnabled) return;
    const zeros = this.zeros;
    for (let left = frames; left > 0; ) {
      const n = Math.min(left, zeros.length);
      this.feed(zeros, zeros.length - n, false); // zeros[start..] is n frames of silence, cancelled and dropped
      left -= n;
    }
  }

  /**
   * Feeds microphone samples (any length). Returns the events completed by them, in stream order:
   * VAD events of a chunk, then its audio. Returns a shared empty array when none (no allocation).
   */
  push(samples: Float32Array): CaptureEvent[] {
    if (this.freed) throw freedError('CapturePipeline');
    this.feed(samples, 0, true);
    return this.takeEvents();
  }

  /** `samples[from..]` through the resampler and the echo canceller, if any; `send`: on to the chunk being filled, else dropped (skipMicrophone). */
  private feed(samples: Float32Array, from: number, send: boolean): void {
    const stage = this.resampler;
    const echo = this.echo;
    if (echo !== undefined && echo.windowPtr >= 0) {
      // the resampler writes into the canceller's window, which cleans it in place
      for (let at = from; at < samples.length; ) {
        at = stage.pushFloatTo(samples, at, echo.windowPtr);
        if (stage.outputFrames > 0 && echo.processWindow(stage.outputFrames) > 0 && send) this.collect(undefined, echo.outputStart, echo.outputFrames);
      }
      return;
    }
    for (let at = from; at < samples.length; ) {
      at = stage.pushFloat(samples, at);
      if (stage.outputFrames === 0) continue;
      if (send) this.deliver(stage.output, stage.outputFrames);
      else echo?.process(stage.output, stage.outputFrames);
    }
  }

  /**
   * Emits what is pending (input not yet a whole block, the partial chunk) now, e.g. before a
   * manual commit, without ending the stream. Allocates.
   */
  emitPending(): CaptureEvent[] {
    if (this.freed) throw freedError('CapturePipeline');
    const stage = this.resampler;
    this.echo?.pushPendingReference();
    if (stage.processPending() > 0) this.deliver(stage.output, stage.outputFrames);
    if (this.fill > 0) this.emitChunk(this.fill);
    return this.takeEvents();
  }

  /**
   * Ends the stream: the resampler's tail, the echo canceller's held samples and the partial chunk
   * are emitted; chunks the silence gate held are dropped (counted as silence). The next push starts a new stream whose times
   * continue from here. Allocates.
   */
  flush(): CaptureEvent[] {
    if (this.freed) throw freedError('CapturePipeline');
    const stage = this.resampler;
    this.echo?.endReference(); // first: the reference's tail pairs with the mic's
    if (stage.end() > 0) this.deliver(stage.output, stage.outputFrames); // the partial block and the filter's tail
    if (this.echo !== undefined && this.echo.end() > 0) this.collect(this.echo.output, 0, this.echo.outputFrames);
    if (this.fill > 0) this.emitChunk(this.fill);
    this.dropHeld();
    return this.takeEvents();
  }

  /** Forgets the stream (resampler, VAD, echo stages, held chunks); stream time restarts at 0; counters are kept. */
  reset(): void {
    if (this.freed) throw freedError('CapturePipeline');
    this.resampler.reset();
    this.vad?.reset();
    this.echo?.reset();
    this.echoGate?.reset?.();
    this.dropHeld();
    this.fill = 0;
    this.streamFrames = 0;
  }

  /**
   * Returns the kernel memory of the resamplers and of the VAD and echo canceller the pipeline made
   * (a VAD, echo canceller or echo gate you passed stays yours to free). Afterwards every call
   * throws RealtimePcmError('freed'). Idempotent.
   */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.resampler.free();
    this.echo?.free();
    if (this.ownsVad) this.vad!.free?.();
    if (this.ownsEchoCanceller) this.echoCanceller!.free?.();
  }

  private takeEvents(): CaptureEvent[] {
    const events = this.events;
    this.events = EMPTY;
    return events;
  }

  /** Resampled frames: through the echo canceller, if any, to the chunk being filled. */
  private deliver(source: Float32Array, frames: number): void {
    const echo = this.echo;
    if (echo === undefined) this.collect(source, 0, frames);
    else if (echo.process(source, frames) > 0) this.collect(echo.output, 0, echo.outputFrames);
  }

  /**
   * Appends `frames` resampled frames from `source[start..]` to the chunk being filled, emitting
   * each chunk that completes; `source` undefined: the echo stage's window in kernel memory (its
   * view fetched again after each chunk, whose kernels may have grown memory).
   */
  private collect(source: Float32Array | undefined, start: number, frames: number): void {
    const chunk = this.chunk;
    const chunkFrames = this.chunkFrames;
    let read = start;
    const end = start + frames;
    while (read < end) {
      const from = source ?? this.echo!.windowView;
      const n = Math.min(chunkFrames - this.fill, end - read);
      for (let i = 0; i < n; i++) chunk[this.fill + i] = from[read + i]!;
      this.fill += n;
      read += n;
      if (this.fill === chunkFrames) this.emitChunk(chunkFrames);
    }
  }

  /** Runs the VAD on the chunk's `frames` frames and emits (or, silence gating, holds) its audio. */
  private emitChunk(frames: number): void {
    const startFrame = this.streamFrames;
    this.streamFrames += frames;
    this.fill = 0;
    const vad = this.vad;
    const wasSpeaking = vad?.speaking === true;
    let vadEvents = 0;
    let speechStartFrame = -1;
    if (vad !== undefined) {
      vadEvents = vad.processInto(this.chunk, this.eventTypes, this.eventTimes, undefined, 0, frames);
      for (let i = 0; i < vadEvents; i++) {
        const start = this.eventTypes[i] === SPEECH_START;
        const timeMs = this.eventTimes[i]!;
        if (start && speechStartFrame < 0) speechStartFrame = Math.round((timeMs * this.outputRate) / 1000);
        this.emit({ type: start ? 'speech_start' : 'speech_stop', timeMs });
      }
    }
    const pcm = this.pcm;
    floatToPcm16(frames === this.chunkFrames ? this.chunk : this.chunk.subarray(0, frames), pcm);
    const send = !this.silenceGating || wasSpeaking || vadEvents > 0 || vad!.speaking;
    if (!send) {
      this.hold(pcm, startFrame, frames);
      return;
    }
    if (this.heldCount > 0) this.releaseHeld(speechStartFrame < 0 ? startFrame : speechStartFrame);
    this.emit(this.audioEvent(pcm, startFrame, frames));
  }

  private emit(event: CaptureEvent): void {
    if (this.events === EMPTY) this.events = [];
    this.events.push(event);
  }

  /** The audio event of the first `frames` samples of `pcm` (the chunk, or a held one), in the pipeline's encoding. */
  private audioEvent(pcm: Int16Array, startFrame: number, frames: number): CaptureAudioEvent {
    this.stats.sentFrames += frames;
    this.stats.chunks++;
    let bytes: Uint8Array;
    if (this.encoding === 'pcm16') {
      bytes = pcm === this.pcm ? this.pcmBytes : new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      if (frames < this.chunkFrames) bytes = bytes.subarray(0, frames * 2);
    } else {
      const whole = frames === this.chunkFrames;
      bytes = encodeG711(this.encoding, whole ? pcm : pcm.subarray(0, frames), whole ? this.codes : this.codes.subarray(0, frames));
    }
    return {
      type: 'audio',
      base64: encodeBase64(bytes),
      startMs: (startFrame * 1000) / this.outputRate,
      durationMs: (frames * 1000) / this.outputRate,
      startFrame,
      frames,
    };
  }

  private hold(pcm: Int16Array, startFrame: number, frames: number): void {
    const slots = this.held.length;
    if (this.heldCount === slots) {
      this.stats.silenceFrames += this.held[this.heldFirst]!.frames;
      this.heldFirst = (this.heldFirst + 1) % slots;
      this.heldCount--;
    }
    const slot = this.held[(this.heldFirst + this.heldCount) % slots]!;
    slot.pcm.set(pcm);
    slot.startFrame = startFrame;
    slot.frames = frames;
    this.heldCount++;
  }

  /** Sends the held chunks that reach into the prefix padding before `speechFrame`; drops the rest. */
  private releaseHeld(speechFrame: number): void {
    const from = speechFrame - this.paddingFrames;
    const slots = this.held.length;
    for (let i = 0; i < this.heldCount; i++) {
      const slot = this.held[(this.heldFirst + i) % slots]!;
      if (slot.startFrame + slot.frames > from) {
        this.emit(this.audioEvent(slot.pcm, slot.startFrame, slot.frames));
      } else {
        this.stats.silenceFrames += slot.frames;
      }
    }
    this.heldFirst = 0;
    this.heldCount = 0;
  }

  private dropHeld(): void {
    const slots = this.held.length;
    for (let i = 0; i < this.heldCount; i++) this.stats.silenceFrames += this.held[(this.heldFirst + i) % slots]!.frames;
    this.heldFirst = 0;
    this.heldCount = 0;
  }
}
