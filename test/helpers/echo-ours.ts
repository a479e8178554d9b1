// The EchoCanceller with its defaults on a lab scene (echo-scenes.ts), in 10 ms callbacks as
// echo-cancellers.ts drives it, keeping what the cancellers' common interface hides: the echo path
// changes it detected and its delay estimate, at the end and (optionally) over time.
import { EchoCanceller, type EchoCancellerOptions } from '../../src/index.js';
import { runCanceller, type CancellerFactory, type CancellerUnderTest } from './echo-metrics.js';
import type { EchoScene } from './echo-scenes.js';

export interface OursSample {
  timeS: number;
  /** EchoCanceller.delayMs (-1 while none). */
  delayMs: number;
  pathChanges: number;
  erleDb: number;
  /** EchoCanceller.clockSkewPpm. */
  skewPpm: number;
}

export interface OursRun {
  /** Aligned to the mic (latency removed). */
  output: Float32Array;
  pathChanges: number;
  delayMs: number;
  /** The stats' readings at the end (aec-stats4): EchoCanceller.echoReductionDb, echoOnlyMs and the linear stage's erleDb. */
  readings: { echoReductionDb: number; echoOnlyMs: number; erleDb: number };
  /** Every `trackEveryS` seconds of mic, when asked. */
  track: OursSample[];
}

/** `options` over the defaults (e.g. the quiet group's longer maxDelayMs). */
export function runOurs(scene: EchoScene, trackEveryS = 0, options: Omit<EchoCancellerOptions, 'sampleRate'> = {}): OursRun {
  const aec = new EchoCanceller({ sampleRate: scene.sampleRate, ...options });
  const block = scene.sampleRate / 100;
  const every = Math.round(trackEveryS * 100);
  const track: OursSample[] = [];
  let blocks = 0;
  const c: CancellerUnderTest = {
    name: 'EchoCanceller',
    sampleRate: scene.sampleRate,
    latencySamples: aec.latencySamples,
    blockSamples: block,
    process(reference, mic, output) {
      aec.pushReference(reference);
      aec.processInto(mic, output);
      blocks++;
      if (every > 0 && blocks % every === 0)
        track.push({ timeS: blocks / 100, delayMs: aec.delayMs, pathChanges: aec.pathChanges, erleDb: aec.erleDb, skewPpm: aec.clockSkewPpm });
    },
  };
  try {
    const output = runCanceller(c, scene);
    const readings = { echoReductionDb: aec.echoReductionDb, echoOnlyMs: aec.echoOnlyMs, erleDb: aec.erleDb };
    return { output, pathChanges: aec.pathChanges, delayMs: aec.delayMs, readings, track };
  } finally {
    aec.free();
  }
}

/**
 * The EchoCanceller (its defaults, or `options` over them) as a CancellerFactory for echo-metrics' evaluate, with
 * `onBlock` called after every 10 ms block (the canceller and the seconds of mic so far) and `onFree` before it is
 * freed: what a quality test reads from it block by block (echo-bt's echoBeyondMaxDelayMs, echo-sbc's onsets).
 */
export function watchedFactory(
  onBlock: (c: EchoCanceller, seconds: number) => void,
  onFree: (c: EchoCanceller) => void = () => {},
  options: Omit<EchoCancellerOptions, 'sampleRate'> = {},
): CancellerFactory {
  return (sampleRate) => {
    const c = new EchoCanceller({ sampleRate, ...options });
    let samples = 0;
    return {
      name: 'EchoCanceller',
      sampleRate,
      latencySamples: c.latencySamples,
      blockSamples: sampleRate / 100,
      process(reference, mic, output) {
        c.pushReference(reference);
        c.processInto(mic, output);
        samples += mic.length;
        onBlock(c, samples / sampleRate);
      },
      free() {
        onFree(c);
        c.free();
      },
    };
  };
}
