// Messages between the main-thread nodes and the worklet processors (structured-cloned through
// the node's MessagePort). Requests carry an `id` and are answered `{ id, result }` or `{ id,
// error }` (src/requests.ts, the protocol the Node worker pool speaks too); the other messages are
// notifications, never answered. `close` frees the processor's kernel memory and ends it.
import type { CaptureEvent, CaptureStats } from '../pipeline/capture.js';
import type { PlaybackStats } from '../pipeline/playback.js';
import type { EchoCancellerReadings } from '../pipeline/capture-echo.js';
import type { Reply } from '../requests.js';
import type { CaptureLevel } from './capture-node.js';
import type { MicrophoneEvent } from './microphone-watch.js';

/** Name the capture AudioWorkletProcessor is registered under. */
export const CAPTURE_PROCESSOR = 'realtime-pcm-capture';
/** Name the playback AudioWorkletProcessor is registered under. */
export const PLAYBACK_PROCESSOR = 'realtime-pcm-playback';

/** What the factories pass as `processorOptions` (all structured-cloneable). */
export interface WorkletKernelOptions {
  /** The compiled kernels (preferred), or their bytes where a Module cannot be cloned. */
  module?: WebAssembly.Module;
  wasmBytes?: Uint8Array;
  /** Pairs a capture and a playback processor of one context: playback feeds capture's echo gate. */
  linkId?: string;
  /** The context's rate, for worklet emulations whose global `sampleRate` is missing. */
  sampleRate?: number;
}

/** What every processor reports with its stats: the kernel memory of its AudioWorklet scope. */
export interface WorkletMemoryStats {
  /** The scope's wasm memory, bytes, and what is allocated in it (see `kernelMemory()`). */
  kernelMemoryBytes: number;
  kernelLiveBytes: number;
}

/** Requests (with `id`: flush, stats) and notifications (reset, pause, close) to the capture processor. */
export type CaptureRequest =
  | { type: 'flush'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'reset' }
  | { type: 'pause'; paused: boolean }
  | { type: 'close' };

/**
 * What a capture node's `getStats()` resolves with: the pipeline's counters, quanta processed, the
 * echo gate's state, the echo removed by the canceller (ERLE over the last second of playback, dB;
 * null without one), where the canceller saw the echo start past its `maxDelayMs` (ms, -1 if never;
 * null without one: EchoCanceller.echoBeyondMaxDelayMs), what the whole canceller removes
 * (echoReductionDb, echoOnlyMs: EchoCancellerReadings; null without one) and the
 * scope's kernel memory.
 */
export type CaptureStatsReply = CaptureStats & WorkletMemoryStats & EchoCancellerReadings & { quanta: number; echoGateOpen: boolean | null };

export type CaptureReply =
  | Reply
  | { type: 'events'; events: CaptureEvent[] }
  | ({ type: 'level' } & CaptureLevel)
  | { type: 'microphone'; event: MicrophoneEvent }
  | { type: 'error'; code: string; message: string };

/** Requests (with `id`: interrupt, stats) and notifications to the playback processor. */
export type PlaybackRequest =
  | { type: 'delta'; itemId: string; base64: string }
  | { type: 'pcm'; itemId: string; pcm: Int16Array }
  | { type: 'end-item'; itemId: string }
  | { type: 'interrupt'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'flush' }
  | { type: 'reset' }
  | { type: 'close' };

/** What a playback node's `getStats()` resolves with: the pipeline's counters, quanta processed, the audio buffered and the scope's kernel memory. */
export type PlaybackStatsReply = PlaybackStats & WorkletMemoryStats & { quanta: number; bufferedMs: number };

export type PlaybackReply =
  | Reply
  | { type: 'progress'; itemId: string | null; playedMs: number; bufferedMs: number; playing: boolean }
  | { type: 'error'; code: string; message: string };

/** Name the session AudioWorkletProcessor (a whole RealtimeAudioAdapter) is registered under. */
export const SESSION_PROCESSOR = 'realtime-pcm-session';

/**
 * An adapter event as it crosses the port (errors as plain data), and the microphone watch's events
 * (MicrophoneEvent; a track that ended is the error `microphone_ended`).
 */
export type SessionEventMessage =
  | { type: 'interrupted'; source: string; itemId: string | null; playedMs: number; audioEndMs: number | null; cancelled: boolean; flushedMs: number }
  | { type: 'speech_start' | 'speech_stop'; timeMs: number }
  | MicrophoneEvent
  | { type: 'error'; code: string; message: string };

/** A level report of the session node, for meters: microphone and speaker dBFS, VAD, echo gate, echo canceller and playback state. */
export interface SessionLevel extends EchoCancellerReadings {
  micDb: number;
  speakerDb: number;
  speaking: boolean;
  echoGateOpen: boolean | null;
  bufferedMs: number;
  playingItemId: string | null;
}

/** Requests (with `id`) and notifications to the session processor. */
export type SessionRequest =
  | { type: 'server'; message: unknown }
  | { type: 'interrupt'; id: number }
  | { type: 'commit'; id: number; createResponse?: boolean }
  | { type: 'flush'; id: number }
  | { type: 'session-update'; id: number; options?: Record<string, unknown>; extra?: Record<string, unknown> }
  | { type: 'stats'; id: number }
  | { type: 'clear-input' }
  | { type: 'reset' }
  | { type: 'pause'; paused: boolean }
  | { type: 'close' };

export type SessionReply =
  | Reply
  | { type: 'send'; event: Record<string, unknown> }
  | { type: 'event'; event: SessionEventMessage }
  | ({ type: 'level' } & SessionLevel)
  | { type: 'error'; code: string; message: string };
