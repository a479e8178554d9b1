// The capture pipeline's types: its events, options, stats, the echo gate stage it takes and the
// encodings of what it sends (CapturePipeline in capture.ts re-exports them).
import type { EnergyVadOptions } from '../kernels/vad.js';
import type { ResamplerQuality } from '../kernels/resampler.js';
import type { EchoCancellationOption } from './capture-echo.js';
import type { CaptureVad } from './capture-vad.js';

/** A chunk of session audio: base64 PCM16 little-endian at the output rate. */
export interface CaptureAudioEvent {
  type: 'audio';
  base64: string;
  /** Stream time of the first frame, ms (from integer frame counts). */
  startMs: number;
  durationMs: number;
  /** The same in output frames (integers). */
  startFrame: number;
  frames: number;
}

/** A change of speech state from the VAD; `timeMs` is stream time (EnergyVad's VadEvent). */
export interface CaptureVadEvent {
  type: 'speech_start' | 'speech_stop';
  timeMs: number;
}

/** What `push` and `flush` return: audio chunks and VAD events, in stream order. */
export type CaptureEvent = CaptureAudioEvent | CaptureVadEvent;

/** The echo gate stage (an `EchoGate` fits); run at the input rate, before resampling. */
export interface CaptureEchoGate {
  processInto(input: Float32Array, output: Float32Array): number;
  /** What the speaker played; `CapturePipeline.pushReference` passes it on. */
  pushReference?(playback: Float32Array): void;
  reset?(): void;
}

/** Options of `new CapturePipeline(...)`; only `inputRate` is required. */
export interface CapturePipelineOptions {
  /** Microphone rate in Hz (a rate the Resampler supports). */
  inputRate: number;
  /** Session rate in Hz. Default 24000 (OpenAI Realtime); Gemini Live takes 16000. */
  outputRate?: number;
  /** Audio per emitted chunk, ms (10..1000). Default 40. */
  chunkMs?: number;
  /**
   * Client VAD: true for an `EnergyVad` with defaults, its options, or an instance at `outputRate`.
   * A VAD the pipeline made is freed by its `free()`; an instance you pass stays yours to free.
   */
  vad?: boolean | Omit<EnergyVadOptions, 'sampleRate'> | CaptureVad;
  /**
   * Adaptive echo cancellation at `outputRate`, after the resampler: true (an `EchoCanceller` with
   * its defaults), its options, or an instance at `outputRate` (yours to free). Feed it what the
   * speaker plays with `pushReference`, in step with `push`. Default off. Adds no delay to stream
   * times; the chunks leave `latencyMs` of the canceller (21.3 ms at 24 kHz) later.
   */
  echoCancellation?: EchoCancellationOption;
  /**
   * Rate of what `pushReference` gets, Hz. Default `inputRate` (what the speaker played, at its
   * rate: resampled like the mic). Equal to `outputRate`: a session-rate stream as your player sent
   * it to its own resampler (fades and silences included), queued as pushed, 1.1x faster
   * (docs/echo-canceller.md, "A reference at the session rate").
   */
  referenceRate?: number;
  /** An echo gate at `inputRate` (e.g. `new EchoGate({ sampleRate: inputRate })`); yours to free. */
  echoGate?: CaptureEchoGate;
  /** Send only speech (with `prefixPaddingMs` before each start); needs `vad`. Default false. */
  silenceGating?: boolean;
  /** Audio sent before each speech start when gating, ms (0..2000). Default: the VAD's (300). */
  prefixPaddingMs?: number;
  /** Resampler quality. Default 'high'. */
  quality?: ResamplerQuality;
  /** What the chunks carry: 'pcm16' (default, little-endian), or G.711 'mulaw' / 'alaw' bytes (then `outputRate` is 8000). */
  encoding?: AudioEncoding;
}

/** Sample encodings of session audio: PCM16 little-endian, or G.711 (one byte a sample). */
export type AudioEncoding = 'pcm16' | 'mulaw' | 'alaw';

/** The encodings, for option checks. */
export const AUDIO_ENCODINGS: readonly AudioEncoding[] = Object.freeze(['pcm16', 'mulaw', 'alaw'] as const);

/** Integer counters at the output rate. */
export interface CaptureStats {
  /** Frames emitted in audio events. */
  sentFrames: number;
  /** Frames the silence gate held back and never sent. */
  silenceFrames: number;
  chunks: number;
}
