// The adapter's own counters (integer frames and events) and the `AdapterStats` it reports:
// seconds derived from frame counts at each side's rate, with the pipelines' counters.
import type { CaptureStats } from '../pipeline/capture.js';
import type { EchoCancellerReadings } from '../pipeline/capture-echo.js';
import type { PlaybackStats } from '../pipeline/playback.js';
import type { TransportError } from './errors.js';
import type { AdapterStats } from './events.js';

/** Errors counted in total and per code (the adapter's, and a phone bridge's carrier side). */
export class ErrorCounter {
  errors = 0;
  readonly errorsByCode: Record<string, number> = {};

  /** Counts an error reported to the application. */
  countError(error: TransportError): void {
    this.errors++;
    this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
  }
}

export class AdapterCounters extends ErrorCounter {
  /** Session-rate frames sent in append events, and the chunks sent and dropped. */
  sentFrames = 0;
  chunksSent = 0;
  chunksDropped = 0;
  droppedFrames = 0;
  /** Session-rate frames of audio that arrived for interrupted responses (not played). */
  lateFrames = 0;
  interruptions = 0;
  truncatesSent = 0;
  cancelsSent = 0;
  commitsSent = 0;
  /** Items whose first audio delta announced them (no item event had been passed in). */
  unannouncedItems = 0;

  /**
   * The totals (allocates): `inputRate`/`outputRate` are the session's audio rates, `deviceRate`
   * the speaker's (what playback counts in); `echo` the canceller's readings.
   */
  stats(inputRate: number, outputRate: number, deviceRate: number, capture: CaptureStats, playback: PlaybackStats, echo: EchoCancellerReadings): AdapterStats {
    const p = playback;
    return {
      sentSeconds: this.sentFrames / inputRate,
      receivedSeconds: p.receivedFrames / outputRate,
      playedSeconds: p.playedFrames / deviceRate,
      silenceNotSentSeconds: capture.silenceFrames / inputRate,
      chunksSent: this.chunksSent,
      chunksDropped: this.chunksDropped,
      droppedSeconds: this.droppedFrames / inputRate,
      underruns: p.underruns,
      underrunSeconds: p.underrunFrames / deviceRate,
      playoutDelayMs: (p.playoutDelayFrames * 1000) / deviceRate,
      overflowSeconds: p.overflowFrames / deviceRate,
      flushedSeconds: p.flushedFrames / deviceRate,
      lateSeconds: (this.lateFrames + p.lateFrames) / outputRate,
      interruptions: this.interruptions,
      truncatesSent: this.truncatesSent,
      cancelsSent: this.cancelsSent,
      commitsSent: this.commitsSent,
      unannouncedItems: this.unannouncedItems,
      errors: this.errors,
      errorsByCode: { ...this.errorsByCode },
      echoCancellerErleDb: echo.echoCancellerErleDb,
      echoBeyondMaxDelayMs: echo.echoBeyondMaxDelayMs,
      echoReductionDb: echo.echoReductionDb,
      echoOnlyMs: echo.echoOnlyMs,
    };
  }
}
