// EnergyVad: energy voice activity detector over 10 ms frames (assembly/vad.ts). One block of wasm
// memory holds the kernel state, the input window, the event and decision windows; samples move
// through it with Heap.write/read. `processInto` allocates nothing, `process` allocates its result.
import { kernels, type Heap, type KernelExports } from '../wasm/load.js';
import { KernelObject } from '../wasm/blocks.js';
import { OptionsError, RealtimePcmError, checkOptionRange } from '../errors.js';

interface VadExports extends KernelExports {
  vad_state_bytes(): number;
  vad_init(
    s: number,
    sampleRate: number,
    frameSamples: number,
    startDb: number,
    stopDb: number,
    minLevelDb: number,
    riseDbPerFrame: number,
    hangoverFrames: number,
    minSpeechFrames: number,
    silenceFrames: number,
  ): void;
  vad_reset(s: number): void;
  vad_process(s: number, inPtr: number, samples: number, eventsPtr: number, decisionsPtr: number): number;
  vad_frames_decided(s: number): number;
  vad_frames(s: number): number;
  vad_speaking(s: number): number;
  vad_last_decision(s: number): number;
  vad_level_db(s: number): number;
  vad_floor_db(s: number): number;
}

/** The VAD's two events. */
export type VadEventType = 'speech_start' | 'speech_stop';
/** A change of speech state; `timeMs` is from stream start, at the exact sample where it happened. */
export interface VadEvent {
  type: VadEventType;
  timeMs: number;
}
/** Event code `processInto` writes for a speech start. */
export const VAD_SPEECH_START = 0;
/** Event code `processInto` writes for a speech stop. */
export const VAD_SPEECH_STOP = 1;

/** Options of `new EnergyVad(...)`; only `sampleRate` is required. */
export interface EnergyVadOptions {
  /** Input rate in Hz, 8000..192000 (frames are round(sampleRate / 100) samples: 441 at 44.1 kHz). */
  sampleRate: number;
  /** Audio the capture pipeline should still send before a speech_start (ms, 0..2000). Default 300. */
  prefixPaddingMs?: number;
  /** Non-speech time that ends a speech segment (ms, 10..10000). Default 500. */
  silenceDurationMs?: number;
  /** Speech time needed to start a segment (ms, 10..1000). Default 20. */
  minSpeechMs?: number;
  /**
   * Frames stay speech this long after the last voiced frame (ms, 0..1000). Default 120; the kernel
   * uses half of it at a running SNR of 25 dB and above, and up to 1.7x it over fluctuating noise.
   */
  hangoverMs?: number;
  /**
   * Level above the noise centre that starts voicing (dB, 1..40), on top of twice the noise's
   * measured fluctuation. Default 3.
   */
  startThresholdDb?: number;
  /** Level above the noise centre that keeps voicing (dB, 0..startThresholdDb), plus one fluctuation. Default 0. */
  stopThresholdDb?: number;
  /** Frames quieter than this (band-limited dBFS, -120..0) are never speech. Default -60. */
  minLevelDb?: number;
  /**
   * How fast the noise estimate may rise while speech is being decided (dB/s, 0.1..100). Default 3.
   * A noise floor that steps or ramps up (a fan, a car) is caught sooner by the last second's levels:
   * once they hold steady (within 6 dB, averaged over 50 ms) well above the estimate, it is re-made
   * from them, about 0.9 s after a step. A sound held that steady for a second is taken for noise.
   */
  noiseRiseDbPerS?: number;
}

const DEFAULTS = {
  prefixPaddingMs: 300,
  silenceDurationMs: 500,
  minSpeechMs: 20,
  hangoverMs: 120,
  startThresholdDb: 3,
  stopThresholdDb: 0,
  minLevelDb: -60,
  noiseRiseDbPerS: 3,
};

const WINDOW_SAMPLES = 4096;

// The option checks, the window size and the class layout mirror the other kernel wrappers' by design.
const checkRange = (name: string, value: unknown, low: number, high: number, integer = false): number =>
  checkOptionRange('EnergyVad', name, value, low, high, integer);

/**
 * Energy VAD: 10 ms frame decisions against an adaptive noise floor (which follows a noise that
 * gets louder within about a second), with start/stop hysteresis, hangover, minimum speech time
 * and silence duration. Lifecycle: construct, process/processInto, reset, free.
 */
export class EnergyVad extends KernelObject {
  readonly sampleRate: number;
  /** Samples per decision frame. */
  readonly frameSamples: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
  readonly minSpeechMs: number;
  readonly hangoverMs: number;
  readonly startThresholdDb: number;
  readonly stopThresholdDb: number;
  readonly minLevelDb: number;
  readonly noiseRiseDbPerS: number;
  /** Frames decided by the last process/processInto call. */
  framesDecided = 0;

  private readonly heap: Heap;
  private readonly k: VadExports;
  private readonly inPtr: number;
  private readonly eventsPtr: number;
  private readonly decisionsPtr: number;
  private readonly capacity: number;
  private readonly types = new Uint8Array(64);
  private readonly times = new Float64Array(64);

  constructor(options: EnergyVadOptions) {
    super('EnergyVad');
    if (typeof options !== 'object' || options === null) throw new OptionsError('EnergyVad: options must be an object with sampleRate');
    const o = { ...DEFAULTS, ...options };
    this.sampleRate = checkRange('sampleRate', o.sampleRate, 8000, 192000, true);
    this.prefixPaddingMs = checkRange('prefixPaddingMs', o.prefixPaddingMs, 0, 2000);
    this.silenceDurationMs = checkRange('silenceDurationMs', o.silenceDurationMs, 10, 10000);
    this.minSpeechMs = checkRange('minSpeechMs', o.minSpeechMs, 10, 1000);
    this.hangoverMs = checkRange('hangoverMs', o.hangoverMs, 0, 1000);
    this.startThresholdDb = checkRange('startThresholdDb', o.startThresholdDb, 1, 40);
    this.stopThresholdDb = checkRange('stopThresholdDb', o.stopThresholdDb, 0, this.startThresholdDb);
    this.minLevelDb = checkRange('minLevelDb', o.minLevelDb, -120, 0);
    this.noiseRiseDbPerS = checkRange('noiseRiseDbPerS', o.noiseRiseDbPerS, 0.1, 100);
    this.frameSamples = Math.round(this.sampleRate / 100);
    const frameMs = (this.frameSamples * 1000) / this.sampleRate;
    const frames = (ms: number) => Math.max(1, Math.round(ms / frameMs));

    this.heap = kernels();
    this.k = this.heap.exports as unknown as VadExports;
    this.capacity = Math.ceil(WINDOW_SAMPLES / this.frameSamples) + 1;
    const stateBytes = (this.k.vad_state_bytes() + 15) & ~15;
    const bytes = stateBytes + WINDOW_SAMPLES * 4 + this.capacity * 16 + this.capacity + 16;
    this.allocate(this.heap, bytes);
    this.inPtr = this.state + stateBytes;
    this.eventsPtr = this.inPtr + WINDOW_SAMPLES * 4;
    this.decisionsPtr = this.eventsPtr + this.capacity * 16;
    this.k.vad_init(
      this.state,
      this.sampleRate,
      this.frameSamples,
      this.startThresholdDb,
      this.stopThresholdDb,
      this.minLevelDb,
      this.noiseRiseDbPerS / (1000 / frameMs),
      Math.round(this.hangoverMs / frameMs),
      frames(this.minSpeechMs),
      frames(this.silenceDurationMs),
    );
  }

  // Getters over the kernel's state, one each: the same shape in every kernel wrapper, by design.
  /** True between a speech_start and its speech_stop. */
  get speaking(): boolean {
    return this.k.vad_speaking(this.live()) === 1;
  }
  /** Decision of the most recent complete frame (true: speech, hangover included). */
  get frameIsSpeech(): boolean {
    return this.k.vad_last_decision(this.live()) === 1;
  }
  /** Complete frames decided since construction or reset. */
  get framesProcessed(): number {
    return this.k.vad_frames(this.live());
  }
  /** Band-limited level of the most recent frame and the noise estimate (centre of its level distribution), dBFS. */
  get levelDb(): number {
    return this.k.vad_level_db(this.live());
  }
  get noiseFloorDb(): number {
    return this.k.vad_floor_db(this.live());
  }

  /** Feeds samples (any length, any chunking) and returns the events they caused. Allocates the result. */
  process(samples: Float32Array): VadEvent[] {
    const out: VadEvent[] = [];
    let done = 0;
    while (done < samples.length) {
      const n = this.processInto(samples, this.types, this.times, undefined, done, Math.min(samples.length, done + 64 * this.frameSamples));
      for (let i = 0; i < n; i++) out.push({ type: this.types[i] === VAD_SPEECH_START ? 'speech_start' : 'speech_stop', timeMs: this.times[i]! });
      done = Math.min(samples.length, done + 64 * this.frameSamples);
    }
    return out;
  }

  /**
   * Allocation-free variant: feeds `samples[start, end)`, writes event codes (VAD_SPEECH_START /
   * VAD_SPEECH_STOP) and times (ms from stream start) into the given arrays, and one decision per
   * completed frame (1 speech, 0 not) into `frameDecisions` when given. Returns the event count;
   * `framesDecided` says how many decisions were written. Throws RealtimePcmError
   * ('buffer_too_small') when an output array fills up (events need at most one slot per frame).
   */
  processInto(samples: Float32Array, eventTypes: Uint8Array, eventTimesMs: Float64Array, frameDecisions?: Uint8Array, start = 0, end = samples.length): number {
    const s = this.live();
    const heap = this.heap;
    const evBase = this.eventsPtr >> 3;
    let events = 0;
    let decided = 0;
    for (let done = start; done < end; ) {
      const n = Math.min(WINDOW_SAMPLES, end - done);
      heap.write(this.inPtr, samples, done, n);
      const count = this.k.vad_process(s, this.inPtr, n, this.eventsPtr, this.decisionsPtr);
      const frames = this.k.vad_frames_decided(s);
      if (events + count > eventTypes.length || events + count > eventTimesMs.length) {
        throw new RealtimePcmError('buffer_too_small', 'EnergyVad.processInto: event arrays are full; give one slot per frame in the input');
      }
      const f64 = heap.f64;
      for (let e = 0; e < count; e++) {
        eventTypes[events] = f64[evBase + 2 * e]!;
        eventTimesMs[events] = (f64[evBase + 2 * e + 1]! * 1000) / this.sampleRate;
        events++;
      }
      if (frameDecisions !== undefined) {
        if (decided + frames > frameDecisions.length) {
          throw new RealtimePcmError('buffer_too_small', 'EnergyVad.processInto: frameDecisions is full; give one byte per frame in the input');
        }
        heap.read(this.decisionsPtr, frameDecisions, decided, frames);
      }
      decided += frames;
      done += n;
    }
    this.framesDecided = decided;
    return events;
  }

  /** Back to stream time 0 with no noise estimate (same options). */
  reset(): void {
    this.k.vad_reset(this.live());
    this.framesDecided = 0;
  }
}
