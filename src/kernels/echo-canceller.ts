// EchoCanceller: removes from the microphone the echo of what the speaker plays
// (assembly/echo-canceller.ts and the files it names). Audio goes through fixed windows in wasm
// memory; `pushReference` and `processInto` allocate nothing, `process` allocates its result.
import { kernels, type Heap, type KernelExports } from '../wasm/load.js';
import { OptionsError, RealtimePcmError, checkOptionRange } from '../errors.js';

interface AecExports extends KernelExports {
  aec_state_bytes(sampleRate: number, blockSamples: number, partitions: number, maxLag: number): number;
  aec_init(s: number, sampleRate: number, blockSamples: number, partitions: number, maxLag: number): void;
  aec_reset(s: number): void;
  aec_set(s: number, index: number, value: number): void;
  aec_push_reference(s: number, inPtr: number, samples: number): void;
  aec_process(s: number, micPtr: number, outPtr: number, samples: number): number;
  aec_stat(s: number, index: number): number;
  aec_sup_set(s: number, index: number, value: number): void;
}

export interface EchoCancellerOptions {
  /** Rate of both the mic and the reference, Hz, 8000..48000 (the session rate: 16000 or 24000). */
  sampleRate: number;
  /** Longest delay before the echo starts (speaker and mic buffers, Bluetooth...), ms, 0..500. Default 250. */
  maxDelayMs?: number;
  /** Length of the echo modelled after its start (the room's reverberation), ms, 50..1000. Default 250. */
  tailMs?: number;
}

const DEFAULTS = { maxDelayMs: 250, tailMs: 250 };
const WINDOW_SAMPLES = 4096;
/** Blocks start this many blocks before the estimated echo onset (kept in step with the kernel). */
const PRE_BLOCKS = 2;

const checkRange = (name: string, value: unknown, low: number, high: number, integer = false): number =>
  checkOptionRange('EchoCanceller', name, value, low, high, integer);

/** Block length: the power of two nearest to 8 ms at the rate (128 at 16 kHz, 256 at 24 and 48 kHz). */
function blockFor(sampleRate: number): number {
  return 2 ** Math.round(Math.log2(sampleRate * 0.008));
}

/**
 * Acoustic echo canceller. Call `pushReference` with each block the speaker plays (at
 * `sampleRate`) and `processInto` (or `process`) with each mic block, in step: reference samples
 * are paired with mic samples in order, and the canceller finds the echo's delay (0..maxDelayMs)
 * itself. Push the reference no later than the mic it echoes into. The output lags the mic by
 * `latencySamples`. Lifecycle: construct, pushReference/processInto, reset, free.
 */
export class EchoCanceller {
  readonly sampleRate: number;
  readonly maxDelayMs: number;
  readonly tailMs: number;
  /** Samples per block of the adaptive filter. */
  readonly blockSamples: number;
  /** Output delay relative to the mic, samples (two blocks: the filter's and the suppressor's). */
  readonly latencySamples: number;

  private readonly heap: Heap;
  private readonly k: AecExports;
  private block: number;
  private readonly state: number;
  private readonly inPtr: number;
  private readonly outPtr: number;

  constructor(options: EchoCancellerOptions) {
    if (typeof options !== 'object' || options === null) throw new OptionsError('EchoCanceller: options must be an object with sampleRate');
    const o = { ...DEFAULTS, ...options };
    this.sampleRate = checkRange('sampleRate', o.sampleRate, 8000, 48000, true);
    this.maxDelayMs = checkRange('maxDelayMs', o.maxDelayMs, 0, 500);
    this.tailMs = checkRange('tailMs', o.tailMs, 50, 1000);
    this.blockSamples = blockFor(this.sampleRate);
    this.latencySamples = 2 * this.blockSamples;
    const blockMs = (1000 * this.blockSamples) / this.sampleRate;
    const partitions = Math.ceil(this.tailMs / blockMs) + PRE_BLOCKS;
    const maxLag = Math.ceil(this.maxDelayMs / blockMs);
    this.heap = kernels();
    this.k = this.heap.exports as unknown as AecExports;
    const stateBytes = (this.k.aec_state_bytes(this.sampleRate, this.blockSamples, partitions, maxLag) + 15) & ~15;
    this.block = this.heap.alloc(stateBytes + 2 * WINDOW_SAMPLES * 4);
    this.state = this.block;
    this.inPtr = this.block + stateBytes;
    this.outPtr = this.inPtr + WINDOW_SAMPLES * 4;
    this.k.aec_init(this.state, this.sampleRate, this.blockSamples, partitions, maxLag);
  }

  /** Estimated delay before the echo starts, ms (-1 until estimated). */
  get delayMs(): number {
    const onset = this.k.aec_stat(this.live(), 13);
    return onset < 0 ? -1 : (onset * this.blockSamples * 1000) / this.sampleRate;
  }
  /** Echo return loss enhancement of the output over the last ~0.5 s of playback, dB. */
  get erleDb(): number {
    return this.k.aec_stat(this.live(), 5);
  }

  /** What the speaker plays, at `sampleRate`. Allocation-free. */
  pushReference(playback: Float32Array): void {
    const s = this.live();
    const f32 = this.heap.refresh().f32;
    const base = this.inPtr >> 2;
    for (let done = 0; done < playback.length; ) {
      const n = Math.min(WINDOW_SAMPLES, playback.length - done);
      if (n === playback.length) f32.set(playback, base);
      else for (let i = 0; i < n; i++) f32[base + i] = playback[done + i]!;
      this.k.aec_push_reference(s, this.inPtr, n);
      done += n;
    }
  }

  /** Cancels the echo in `mic` into a new array. Allocates the result; see `processInto`. */
  process(mic: Float32Array): Float32Array {
    const out = new Float32Array(mic.length);
    this.processInto(mic, out);
    return out;
  }

  /** Cancels the echo in `mic` into `output` (same length or longer; may be `mic`). Returns samples written. Allocation-free. */
  processInto(mic: Float32Array, output: Float32Array): number {
    const s = this.live();
    if (output.length < mic.length) {
      throw new RealtimePcmError('buffer_too_small', `EchoCanceller.processInto: output holds ${output.length} samples, mic has ${mic.length}`);
    }
    const f32 = this.heap.refresh().f32;
    const inBase = this.inPtr >> 2;
    const outBase = this.outPtr >> 2;
    for (let done = 0; done < mic.length; ) {
      const n = Math.min(WINDOW_SAMPLES, mic.length - done);
      if (n === mic.length) f32.set(mic, inBase);
      else for (let i = 0; i < n; i++) f32[inBase + i] = mic[done + i]!;
      this.k.aec_process(s, this.inPtr, this.outPtr, n);
      for (let i = 0; i < n; i++) output[done + i] = f32[outBase + i]!;
      done += n;
    }
    return mic.length;
  }

  /** Forgets the room, the delay and the queued reference (same options). */
  reset(): void {
    this.k.aec_reset(this.live());
  }

  /** Returns the wasm memory; the instance is unusable afterwards. Idempotent. */
  free(): void {
    if (this.block !== 0) this.k.release(this.block);
    this.block = 0;
  }

  /** Tunes internal constant `index` (measurement only; not part of the API; >= 100: the suppressor's). */
  tune(index: number, value: number): void {
    if (index >= 100) this.k.aec_sup_set(this.live(), index - 100, value);
    else this.k.aec_set(this.live(), index, value);
    this.k.aec_reset(this.state);
  }

  private live(): number {
    if (this.block === 0) throw new RealtimePcmError('freed', 'EchoCanceller: used after free()');
    return this.state;
  }
}
