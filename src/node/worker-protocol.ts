// Messages between a PcmWorkerPool (main thread) and its worker_threads workers. Sample arrays
// travel as transferables (moved, not copied). Every request names its stream (`stream`) and,
// when it expects an answer, carries `req`.
import type { CaptureEvent, CapturePipelineOptions } from '../pipeline/capture.js';
import type { PlaybackInterruption, PlaybackPipelineOptions } from '../pipeline/playback.js';

/** CapturePipeline options that can cross into a worker (VAD as options, no instances). */
export type WorkerCaptureOptions = Omit<CapturePipelineOptions, 'echoGate' | 'vad'> & { vad?: boolean | Record<string, unknown> };
/** PlaybackPipeline options that can cross into a worker. */
export type WorkerPlaybackOptions = Omit<PlaybackPipelineOptions, 'echoGate'>;

export type WorkerRequest =
  | { op: 'create-capture'; stream: number; req: number; options: WorkerCaptureOptions }
  | { op: 'create-playback'; stream: number; req: number; options: WorkerPlaybackOptions }
  | { op: 'push'; stream: number; samples: Float32Array }
  | { op: 'flush'; stream: number; req: number }
  | { op: 'delta'; stream: number; base64: string; itemId: string }
  | { op: 'pcm'; stream: number; pcm: Int16Array; itemId: string }
  | { op: 'end-item'; stream: number; itemId: string }
  | { op: 'read'; stream: number; req: number; output: Float32Array }
  | { op: 'interrupt'; stream: number; req: number }
  | { op: 'close'; stream: number };

export type WorkerReply =
  | { op: 'events'; stream: number; events: CaptureEvent[]; frames: number }
  | { op: 'answer'; stream: number; req: number; value?: unknown; error?: { code: string; message: string } }
  | { op: 'read'; stream: number; req: number; output: Float32Array; frames: number }
  | { op: 'error'; stream: number; code: string; message: string };

export type { PlaybackInterruption };
