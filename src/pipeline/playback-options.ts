// The playout options of PlaybackPipeline (fades, the adaptive playout delay, the limiter),
// checked once at construction and turned into frames at the playout rate; the sinks checked too.
import { OptionsError } from '../errors.js';
import type { OutputLimiterOptions } from './limiter.js';
import type { PlaybackReferenceSink } from './playback-types.js';
import { checkNumber } from './options.js';

/** Defaults of the playout options, ms (see PlaybackPipelineOptions). */
export const PLAYOUT_DEFAULTS = Object.freeze({ fadeMs: 5, minPlayoutMs: 20, maxPlayoutMs: 1000 });

export interface PlayoutOptions {
  fadeMs?: number;
  minPlayoutMs?: number;
  maxPlayoutMs?: number;
  playbackStartMs?: number;
  limiter?: boolean | OutputLimiterOptions;
}

export interface PlayoutSettings {
  fadeFrames: number;
  minFrames: number;
  maxFrames: number;
  startFrames: number;
  /** The limiter's ceiling and release, or undefined when off. */
  limiter: { thresholdDb: number; releaseMs: number } | undefined;
}

/** Checks the playout options (OptionsError on a bad one) and converts them to frames at `outputRate`. */
export function playoutSettings(options: PlayoutOptions, outputRate: number): PlayoutSettings {
  const fadeMs = checkNumber('fadeMs', options.fadeMs, PLAYOUT_DEFAULTS.fadeMs, 0, 50);
  const start = options.playbackStartMs === undefined ? undefined : checkNumber('playbackStartMs', options.playbackStartMs, 0, 0, 5_000);
  const minMs = checkNumber('minPlayoutMs', options.minPlayoutMs, Math.min(PLAYOUT_DEFAULTS.minPlayoutMs, start ?? Number.POSITIVE_INFINITY), 0, 5_000);
  const maxMs = checkNumber('maxPlayoutMs', options.maxPlayoutMs, Math.max(PLAYOUT_DEFAULTS.maxPlayoutMs, minMs, start ?? 0), 0, 5_000);
  if (minMs > maxMs) throw new OptionsError(`minPlayoutMs (${minMs}) must not exceed maxPlayoutMs (${maxMs})`);
  const startMs = start ?? minMs;
  if (startMs < minMs || startMs > maxMs) {
    throw new OptionsError(`playbackStartMs (${startMs}) must be within minPlayoutMs..maxPlayoutMs (${minMs}..${maxMs})`);
  }
  const frames = (ms: number) => Math.round((ms * outputRate) / 1000);
  return {
    fadeFrames: frames(fadeMs),
    minFrames: frames(minMs),
    maxFrames: frames(maxMs),
    startFrames: frames(startMs),
    limiter: limiterSettings(options.limiter),
  };
}

function limiterSettings(option: PlayoutOptions['limiter']): PlayoutSettings['limiter'] {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { thresholdDb: -1, releaseMs: 100 };
  if (option === null || typeof option !== 'object')
    throw new OptionsError(`limiter must be true, false or { thresholdDb?, releaseMs? }, got ${String(option)}`);
  return {
    thresholdDb: checkNumber('limiter.thresholdDb', option.thresholdDb, -1, -30, 0),
    releaseMs: checkNumber('limiter.releaseMs', option.releaseMs, 100, 1, 5_000),
  };
}

/** `option` when it is undefined or has `pushReference`, else an OptionsError. */
export function checkSink(name: string, option: PlaybackReferenceSink | undefined): PlaybackReferenceSink | undefined {
  if (option === undefined || (option !== null && typeof option === 'object' && typeof option.pushReference === 'function')) return option;
  throw new OptionsError(
    `${name} must be an object with pushReference(samples) (e.g. a CapturePipeline with referenceRate equal to inputRate), got ${String(option)}`,
  );
}
