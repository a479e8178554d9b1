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

/** What the gate and the canceller share: pushReference then processInto in the same callback. */
interface ReferenceKernel {
  readonly latencySamples?: number;
  pushReference(reference: Float32Array): void;
  processInto(mic: Float32Array, output: Float32Array): unknown;
  free(): void;
}

/** `kernel` as the lab's canceller under `name` (the gate's latency is 0). */
function drive(kernel: ReferenceKernel, name: string, sampleRate: number): ReturnType<CancellerFactory> {
  return {
    name,
    sampleRate,
    latencySamples: kernel.latencySamples ?? 0,
    blockSamples: blockOf(sampleRate),
    process(reference, mic, output) {
      kernel.pushReference(reference);
      kernel.processInto(mic, output);
    },
    free() {
      kernel.free();
    },
  };
}

/** EchoGate with its defaults (0 latency). */
export const echoGate: CancellerFactory = (sampleRate) => drive(new EchoGate({ sampleRate }), 'EchoGate', sampleRate);

/** EchoCanceller with `options` over its defaults, named `name`. */
export const echoCancellerWith =
  (options: Omit<EchoCancellerOptions, 'sampleRate'>, name: string): CancellerFactory =>
  (sampleRate) =>
    drive(new EchoCanceller({ sampleRate, ...options }), name, sampleRate);

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
