// Messages between a PcmWorkerPool (main thread) and its worker_threads workers. Sample arrays
// travel as transferables (moved, not copied). Every message names its stream (`stream`);
// requests carry an `id` and are answered `{ id, result }` or `{ id, error }` (src/requests.ts,
// the protocol the AudioWorklet processors speak too); the rest are notifications.
import type { CaptureEvent, CapturePipelineOptions } from '../pipeline/capture.js';
import type { PlaybackInterruption, PlaybackPipelineOptions } from '../pipeline/playback.js';
import type { Reply } from '../requests.js';
import type { EchoCancellerOptions } from '../kernels/echo-canceller.js';

/** CapturePipeline options that can cross into a worker (VAD and echo canceller as options, no instances). */
export type WorkerCaptureOptions = Omit<CapturePipelineOptions, 'echoGate' | 'vad' | 'echoCancellation'> & {
  vad?: boolean | Record<string, unknown>;
  /** Cancel the echo of what `push` gets as its reference: true, or EchoCancellerOptions without sampleRate. */
  echoCancellation?: boolean | Omit<EchoCancellerOptions, 'sampleRate'>;
};
/** PlaybackPipeline options that can cross into a worker. */
export type WorkerPlaybackOptions = Omit<PlaybackPipelineOptions, 'echoGate' | 'sessionReference'> & {
  /**
   * true: the playout runs at the session rate (`inputRate`) and one resampler after it feeds the
   * speaker, as `PlaybackPipeline`'s `sessionReference`; each `read(output, reference)` also fills
   * `reference` with what was played at the session rate during that read (the echo canceller's
   * reference: a capture stream with `referenceRate` equal to its output rate takes it as it is).
   * Default false.
   */
  sessionReference?: boolean;
};

/** Requests (with `id`) and notifications to a worker. `close` frees the stream's pipeline. */
export type WorkerRequest =
  | { op: 'create-capture'; stream: number; id: number; options: WorkerCaptureOptions }
  | { op: 'create-playback'; stream: number; id: number; options: WorkerPlaybackOptions }
  | { op: 'flush'; stream: number; id: number }
  | { op: 'read'; stream: number; id: number; output: Float32Array; reference?: Float32Array }
  | { op: 'interrupt'; stream: number; id: number }
  | { op: 'memory'; stream: 0; id: number }
  | { op: 'push'; stream: number; samples: Float32Array; reference?: Float32Array }
  | { op: 'delta'; stream: number; base64: string; itemId: string }
  | { op: 'pcm'; stream: number; pcm: Int16Array; itemId: string }
  | { op: 'end-item'; stream: number; itemId: string }
  | { op: 'reset'; stream: number }
  | { op: 'close'; stream: number };

/** What `read` resolves with: the caller's buffer, back from the worker, and the frames of audio in it. */
export interface WorkerReadResult {
  output: Float32Array;
  frames: number;
  /** With `sessionReference`: the caller's reference buffer, back, its first `referenceFrames` what was played at the session rate. */
  reference?: Float32Array;
  /** Session-rate frames played during this read (0 without `sessionReference`). */
  referenceFrames: number;
}

/** Notifications from a worker to one stream. */
export type WorkerNotice =
  | { op: 'events'; stream: number; events: CaptureEvent[]; frames: number }
  | { op: 'error'; stream: number; code: string; message: string };

/** Answers, and notifications from a worker. */
export type WorkerReply = Reply | WorkerNotice;

export type { PlaybackInterruption };
