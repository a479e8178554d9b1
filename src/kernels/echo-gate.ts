// EchoGate: attenuates the microphone while it holds only the echo of what the speaker plays
// (assembly/echo-gate.ts). One block of wasm memory holds the kernel state and a window that audio
// goes through (Heap.through); `processInto` and `pushReference` allocate nothing, `process`
// allocates its result.
import { kernels, type Heap, type KernelExports } from '../wasm/load.js';
import { KernelObject } from '../wasm/blocks.js';
import { OptionsError, RealtimePcmError, checkOptionRange } from '../errors.js';

interface GateExports extends KernelExports {
  gate_state_bytes(): number;
  gate_init(
    s: number,
    sampleRate: number,
    blockSamples: number,
    maxDelayMs: number,
    closedGain: number,
    marginDb: number,
    holdMs: number,
    tailMs: number,
  ): void;
  gate_reset(s: number): void;
  gate_push_reference(s: number, inPtr: number, samples: number): number;
  gate_align(s: number, samples: number): void;
  gate_process(s: number, inPtr: number, outPtr: number, samples: number): number;
  gate_open(s: number): number;
  gate_gain(s: number): number;
  gate_delay_blocks(s: number): number;
  gate_delay_trusted(s: number): number;
  gate_erl_db(s: number): number;
  gate_far_active(s: number): number;
  gate_delay_confidence(s: number): number;
}

/** Options of `new EchoGate(...)`; only `sampleRate` is required. */
export interface EchoGateOptions {
  /** Rate of both the mic and the reference, Hz, 8000..192000. */
  sampleRate: number;
  /** Longest echo path delay searched (speaker to mic, plus any buffering between them), ms, 0..300. Default 250. */
  maxDelayMs?: number;
  /** Attenuation while closed, dB, 0..120. Default 60. */
  attenuationDb?: number;
  /** How far above the learned echo level (over the whole band) the mic must rise to count as the user, dB, 0..40. Default 7 (at 6 one held-out scene opened on echo alone in 8.5% of frames); the band detector finds softer users. */
  marginDb?: number;
  /** Time the gate stays open after the user was last detected, ms, 0..2000. Default 200 (bridges the soft parts between syllables; at 150 ms 87-88% of the user's frames passed at 6 dB echo return loss, at 200 ms 91-97%). */
  holdMs?: number;
  /** Reverberation allowance: the predicted echo falls no faster than 60 dB per this time, ms, 50..3000. Default 400. */
  tailMs?: number;
}

const DEFAULTS = { maxDelayMs: 250, attenuationDb: 60, marginDb: 7, holdMs: 200, tailMs: 400 };
const WINDOW_SAMPLES = 4096;

// The option checks, the window size and the class layout mirror the other kernel wrappers' by design.
const checkRange = (name: string, value: unknown, low: number, high: number, integer = false): number =>
  checkOptionRange('EchoGate', name, value, low, high, integer);

/**
 * Echo gate. Call `pushReference` with each block the speaker is about to play and `processInto`
 * (or `process`) with each mic block, in step: the gate takes the newest mic sample and the newest
 * reference sample as simultaneous and finds the echo delay (0..maxDelayMs) itself. With no
 * reference playing it is transparent. Lifecycle: construct, pushReference/process, reset, free.
 */
export class EchoGate extends KernelObject {
  readonly sampleRate: number;
  /** Samples per decision block (2.5 ms). */
  readonly blockSamples: number;
  readonly maxDelayMs: number;
  readonly attenuationDb: number;
  readonly marginDb: number;
  readonly holdMs: number;
  readonly tailMs: number;

  private readonly heap: Heap;
  private readonly k: GateExports;
  private readonly inPtr: number;
  /** The kernel on one window of reference, and on one window of mic (gated in place). */
  private readonly referenceWindow = (inPtr: number, _outPtr: number, samples: number) => this.k.gate_push_reference(this.state, inPtr, samples);
  private readonly micWindow = (inPtr: number, outPtr: number, samples: number) => this.k.gate_process(this.state, inPtr, outPtr, samples);

  constructor(options: EchoGateOptions) {
    super('EchoGate');
    if (typeof options !== 'object' || options === null) throw new OptionsError('EchoGate: options must be an object with sampleRate');
    const o = { ...DEFAULTS, ...options };
    this.sampleRate = checkRange('sampleRate', o.sampleRate, 8000, 192000, true);
    this.maxDelayMs = checkRange('maxDelayMs', o.maxDelayMs, 0, 300);
    this.attenuationDb = checkRange('attenuationDb', o.attenuationDb, 0, 120);
    this.marginDb = checkRange('marginDb', o.marginDb, 0, 40);
    this.holdMs = checkRange('holdMs', o.holdMs, 0, 2000);
    this.tailMs = checkRange('tailMs', o.tailMs, 50, 3000);
    this.blockSamples = Math.round(this.sampleRate / 400);
    this.heap = kernels();
    this.k = this.heap.exports as unknown as GateExports;
    const stateBytes = (this.k.gate_state_bytes() + 15) & ~15;
    this.allocate(this.heap, stateBytes + WINDOW_SAMPLES * 4);
    this.inPtr = this.state + stateBytes;
    this.k.gate_init(
      this.state,
      this.sampleRate,
      this.blockSamples,
      this.maxDelayMs,
      10 ** (-this.attenuationDb / 20),
      this.marginDb,
      this.holdMs,
      this.tailMs,
    );
  }

  // Getters over the kernel's state, one each: the same shape in every kernel wrapper, by design.
  /** True while the mic is let through (the user talks, or nothing is playing). */
  get open(): boolean {
    return this.k.gate_open(this.live()) === 1;
  }
  /** Gain currently applied to the mic (linear, after the ramp). */
  get gain(): number {
    return this.k.gate_gain(this.live());
  }
  /** Estimated echo path delay in ms (meaningful when `delayTrusted`). */
  get delayMs(): number {
    return (this.k.gate_delay_blocks(this.live()) * this.blockSamples * 1000) / this.sampleRate;
  }
  /** Normalized correlation (0..1) of mic and reference onsets at the estimated delay. */
  get delayConfidence(): number {
    return this.k.gate_delay_confidence(this.live());
  }
  get delayTrusted(): boolean {
    return this.k.gate_delay_trusted(this.live()) === 1;
  }
  /** Estimated echo return loss (reference level minus echo level at the mic), dB. */
  get echoReturnLossDb(): number {
    return this.k.gate_erl_db(this.live());
  }
  /** True while playback is audible in the reference (or its reverberant tail). */
  get farEndActive(): boolean {
    return this.k.gate_far_active(this.live()) === 1;
  }

  /** What the speaker is about to play, at `sampleRate`. Allocation-free. */
  pushReference(playback: Float32Array): void {
    this.live();
    this.heap.through(this.referenceWindow, WINDOW_SAMPLES, playback, this.inPtr);
  }

  /** Gates `mic` into a new array. Allocates the result; see `processInto`. */
  process(mic: Float32Array): Float32Array {
    const out = new Float32Array(mic.length);
    this.processInto(mic, out);
    return out;
  }

  /** Gates `mic` into `output` (same length or longer; may be `mic` itself). Returns samples written. Allocation-free. */
  processInto(mic: Float32Array, output: Float32Array): number {
    const s = this.live();
    if (output.length < mic.length) {
      throw new RealtimePcmError('buffer_too_small', `EchoGate.processInto: output holds ${output.length} samples, mic has ${mic.length}`);
    }
    this.k.gate_align(s, mic.length); // the whole call, however many windows it takes
    this.heap.through(this.micWindow, WINDOW_SAMPLES, mic, this.inPtr, output);
    return mic.length;
  }

  /** Forgets the reference, the delay and the echo level; open again (same options). */
  reset(): void {
    this.k.gate_reset(this.live());
  }
}
