// The types of PlaybackPipeline: its options, what interrupt() reports, its counters, and where
// its output goes as an echo reference (re-exported by playback.ts).
import type { ResamplerQuality } from '../kernels/resampler.js';
import type { AudioEncoding } from './capture.js';
import type { OutputLimiterOptions } from './limiter.js';

/** Where the played signal goes as the echo gate's reference (an `EchoGate` fits). */
export interface PlaybackReferenceSink {
  pushReference(playback: Float32Array): void;
}

/** Options of `new PlaybackPipeline(...)`; only `outputRate` is required. */
export interface PlaybackPipelineOptions {
  /** Device (speaker) rate in Hz: what `read()` produces. */
  outputRate: number;
  /** Rate of the session's audio in Hz. Default 24000 (OpenAI Realtime, Gemini Live output). */
  inputRate?: number;
  /** Resampler quality. Default 'high'. */
  quality?: ResamplerQuality;
  /**
   * Most audio held, in ms (100..600000); what does not fit is dropped and
   * counted. Default 60000. (Formerly `maxBufferedMs`.)
   */
  maxPlaybackMs?: number;
  /**
   * The playout delay at the start, ms (0..5000, within minPlayoutMs..maxPlayoutMs): an item starts
   * this long after its first audio arrived (at once when it has ended). Default minPlayoutMs.
   * (Formerly `startThresholdMs`.)
   */
  playbackStartMs?: number;
  /**
   * Bounds of the adaptive playout delay, ms (0..5000). The delay grows at once when audio arrives
   * later than it covers (an underrun, or nearly) and shrinks slowly after items that needed less;
   * after an underrun, playback resumes once the item's schedule has come and minPlayoutMs of
   * audio is buffered. Equal bounds give a fixed delay; 0 and 0 play whatever arrived at once.
   * Defaults 20 and 1000 (min(20, playbackStartMs) and max(1000, playbackStartMs) when only that is given).
   */
  minPlayoutMs?: number;
  maxPlayoutMs?: number;
  /**
   * Raised-cosine fades at every transition (item start and end, underrun, resume, interrupt), ms
   * (0..50); 0 turns them off. Default 5.
   */
  fadeMs?: number;
  /** A peak limiter on the output (ceiling -1 dBFS, release 100 ms, or as given). Default off. */
  limiter?: boolean | OutputLimiterOptions;
  /** Receives every block `read()` outputs (zero fill included), e.g. an `EchoGate` (yours to free). */
  echoGate?: PlaybackReferenceSink;
  /**
   * Receives what is played at the session rate (`inputRate`), every frame, zeros while nothing
   * plays, before the one resampler to the device: the echo reference of a `CapturePipeline`
   * whose `referenceRate` is its output rate (its canceller then needs no resampler of its own).
   * Giving it runs the playout (buffer, fades, limiter, counters) at the session rate and resamples
   * after it (`playoutRate` is then `inputRate`). Each `read()` passes it whole session blocks
   * before it returns (64 frames per 128-frame quantum at 24 -> 48 kHz). Default none.
   */
  sessionReference?: PlaybackReferenceSink;
  /** Most items queued at once. Default 64. */
  maxItems?: number;
  /** What the deltas carry: 'pcm16' (default), or G.711 'mulaw' / 'alaw' bytes (then `inputRate` is 8000). */
  encoding?: AudioEncoding;
}

/** What `interrupt()` reports about the item that was playing. */
export interface PlaybackInterruption {
  /** The item playing (or last played, or next to play), or null when there was none. */
  itemId: string | null;
  /** Audio of that item actually read out, in ms of session audio; never more than it received. */
  playedMs: number;
  /** The same as session-rate frames (integer). */
  playedFrames: number;
  /** Session-rate frames of that item received. */
  receivedFrames: number;
  /** True when the item had ended and was played to its end (nothing was cut). */
  playedToEnd: boolean;
  /** Audio flushed from the buffer, in ms (all items). */
  flushedMs: number;
}

/** Integer counters; milliseconds follow from them. */
export interface PlaybackStats {
  /** Session-rate frames decoded from deltas. */
  receivedFrames: number;
  /**
   * Frames read out (audio only, not the zero fill), at the pipeline's `playoutRate` as are the
   * other played counts. With a `sessionReference` they count as they enter the resampler after
   * the playout; `interrupt()` moves the playing item's frames still inside it (not heard at the
   * cut) to `flushedFrames`.
   */
  playedFrames: number;
  /** Frames dropped because the buffer was full (at `playoutRate`: the device's, or the session's with a `sessionReference`). */
  overflowFrames: number;
  /** Frames flushed by interruptions (at `playoutRate`). */
  flushedFrames: number;
  /** Session-rate frames of deltas that arrived for an interrupted item, not played. */
  lateFrames: number;
  /** Times the buffer ran dry while an item was still expected to deliver audio. */
  underruns: number;
  /** Frames of silence output during those underruns (at `playoutRate`). */
  underrunFrames: number;
  /** Deltas rejected (odd byte count) or partly rejected. */
  badDeltas: number;
  /** The adaptive playout delay now, frames at `playoutRate`. */
  playoutDelayFrames: number;
  /** Frames played below full gain: the fades at transitions (the release after an interrupt included). */
  fadedFrames: number;
  /** Output frames the limiter turned down (0 when it is off). */
  limitedFrames: number;
}

/** PlaybackStats at zero (for a playout of its own, too). */
export function newPlaybackStats(): PlaybackStats {
  return {
    receivedFrames: 0,
    playedFrames: 0,
    overflowFrames: 0,
    flushedFrames: 0,
    lateFrames: 0,
    underruns: 0,
    underrunFrames: 0,
    badDeltas: 0,
    playoutDelayFrames: 0,
    fadedFrames: 0,
    limitedFrames: 0,
  };
}
