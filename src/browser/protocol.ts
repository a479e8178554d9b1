// Messages between the main-thread nodes and the worklet processors (structured-cloned through
// the node's MessagePort). Requests that expect an answer carry an `id`; answers echo it.
import type { CaptureEvent, CaptureStats } from '../pipeline/capture.js';
import type { PlaybackInterruption, PlaybackStats } from '../pipeline/playback.js';

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

export type CaptureRequest = { type: 'flush'; id: number } | { type: 'reset' } | { type: 'stats'; id: number } | { type: 'pause'; paused: boolean };

export type CaptureReply =
  | { type: 'events'; events: CaptureEvent[] }
  | { type: 'flushed'; id: number; events: CaptureEvent[] }
  | { type: 'stats'; id: number; stats: CaptureStats & { quanta: number; echoGateOpen: boolean | null } }
  | { type: 'level'; rmsDb: number; peakDb: number; speaking: boolean; echoGateOpen: boolean | null }
  | { type: 'error'; code: string; message: string };

export type PlaybackRequest =
  | { type: 'delta'; itemId: string; base64: string }
  | { type: 'pcm'; itemId: string; pcm: Int16Array }
  | { type: 'end-item'; itemId: string }
  | { type: 'interrupt'; id: number }
  | { type: 'reset' }
  | { type: 'stats'; id: number };

export type PlaybackReply =
  | { type: 'interrupted'; id: number; result: PlaybackInterruption }
  | { type: 'progress'; itemId: string | null; playedMs: number; bufferedMs: number; playing: boolean }
  | { type: 'stats'; id: number; stats: PlaybackStats & { quanta: number; bufferedMs: number } }
  | { type: 'error'; code: string; message: string };

/** Name the session AudioWorkletProcessor (a whole RealtimeAudioAdapter) is registered under. */
export const SESSION_PROCESSOR = 'realtime-pcm-session';

/** An adapter event as it crosses the port (errors as plain data). */
export type SessionEventMessage =
  | { type: 'interrupted'; source: string; itemId: string | null; playedMs: number; audioEndMs: number | null; cancelled: boolean; flushedMs: number }
  | { type: 'speech_start' | 'speech_stop'; timeMs: number }
  | { type: 'error'; code: string; message: string };

export type SessionRequest =
  | { type: 'server'; message: unknown }
  | { type: 'interrupt'; id: number }
  | { type: 'commit'; id: number; createResponse?: boolean }
  | { type: 'clear-input' }
  | { type: 'session-update'; id: number; options?: Record<string, unknown>; extra?: Record<string, unknown> }
  | { type: 'stats'; id: number }
  | { type: 'pause'; paused: boolean };

export type SessionReply =
  | { type: 'send'; event: Record<string, unknown> }
  | { type: 'event'; event: SessionEventMessage }
  | { type: 'level'; micDb: number; speakerDb: number; speaking: boolean; echoGateOpen: boolean | null; bufferedMs: number; playingItemId: string | null }
  | { type: 'answer'; id: number; value: unknown }
  | { type: 'error'; code: string; message: string };
