// Cancellers the echo lab can drive (test/helpers/echo-metrics.ts, CancellerUnderTest): the
// pass-through (the mic as it is: every echo bound must fail on it), the current EchoGate, and the
// adaptive canceller of issue 13 once it exists: add its adapter here and an entry with role
// 'issue-13' to CANCELLERS_UNDER_TEST, and test/quality/echo-canceller.test.ts asserts the issue's
// bounds on it (and that it is at least as good as the committed speexdsp / WebRTC figures).
import { EchoCanceller, type EchoCancellerOptions, EchoGate } from '../../src/index.js';
import type { CancellerFactory } from './echo-metrics.js';

/** 10 ms callbacks unless a canceller wants otherwise. */
export const blockOf = (sampleRate: number) => sampleRate / 100;

export const passThrough: CancellerFactory = (sampleRate) => ({
  name: 'pass-through',
  sampleRate,
  latencySamples: 0,
  blockSamples: blockOf(sampleRate),
  process(_reference, mic, output) {
    output.set(mic);
  },
});

/** EchoGate with its defaults: pushReference then processInto in the same callback (0 latency). */
export const echoGate: CancellerFactory = (sampleRate) => {
  const gate = new EchoGate({ sampleRate });
  return {
    name: 'EchoGate',
    sampleRate,
    latencySamples: 0,
    blockSamples: blockOf(sampleRate),
    process(reference, mic, output) {
      gate.pushReference(reference);
      gate.processInto(mic, output);
    },
    free() {
      gate.free();
    },
  };
};

/** EchoCanceller with `options` over its defaults, named `name`: pushReference then processInto in the same callback. */
export const echoCancellerWith =
  (options: Omit<EchoCancellerOptions, 'sampleRate'>, name: string): CancellerFactory =>
  (sampleRate) => {
    const aec = new EchoCanceller({ sampleRate, ...options });
    return {
      name,
      sampleRate,
      latencySamples: aec.latencySamples,
      blockSamples: blockOf(sampleRate),
      process(reference, mic, output) {
        aec.pushReference(reference);
        aec.processInto(mic, output);
      },
      free() {
        aec.free();
      },
    };
  };

/** EchoCanceller with its defaults. */
export const echoCanceller: CancellerFactory = echoCancellerWith({}, 'EchoCanceller');

/** The canceller with a longer filter (`tailMs` 500 and 1000), measured beside the default on the outside rooms. */
export const LONG_TAILS: CancellerFactory[] = [500, 1000].map((tailMs) => echoCancellerWith({ tailMs }, `EchoCanceller tail ${tailMs}`));

/**
 * What each canceller is held to in test/quality/echo-canceller.test.ts: 'pass-through' must fail
 * every echo bound (the metrics discriminate), 'gate' must show the weaknesses issue 13 reports,
 * 'issue-13' must meet the bounds; 'candidate' is the adaptive canceller on its way there:
 * held to its measured figures (a regression floor), its shortfalls printed.
 */
export type CancellerRole = 'pass-through' | 'gate' | 'candidate' | 'issue-13';

export const CANCELLERS_UNDER_TEST: { factory: CancellerFactory; role: CancellerRole }[] = [
  { factory: passThrough, role: 'pass-through' },
  { factory: echoGate, role: 'gate' },
  { factory: echoCanceller, role: 'candidate' },
];
