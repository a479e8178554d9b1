// Runs one EchoCanceller (its defaults) over a soak (echo-soak.ts) in 10 ms callbacks, segment by
// segment, as a server would for hours: each call segment measured by the lab's rules
// (echo-metrics.ts) on the output aligned to the mic, and after every segment what the canceller
// reports (delay estimate, skew followed, path changes, ERLE) and the kernel memory. Also times
// each segment's process() calls (for the bench; never for pass/fail).
//
// The output's alignment to the user (the declared latency) is judged per call window without
// ending the run (soak-week15: a 72-hour run stopped at 28.0 h on the lab's check, which throws):
// judgeAlignment below records each window as aligned, unjudged, unverified or misaligned; the fast
// test asserts none unverified or misaligned, the bench lists them.
import { EchoCanceller } from '../../src/index.js';
import { kernelMemory, type KernelMemory } from '../../src/wasm/load.js';
import { alignmentOverUser, alignmentPerUtterance, measureEcho, type EchoFigures } from './echo-metrics.js';
import { soakSegments, type SoakKind, type SoakParams, type SoakSegment } from './echo-soak.js';

export interface SoakWindow {
  kind: SoakKind;
  room: string;
  startS: number;
  seconds: number;
  pathChange: SoakSegment['pathChange'];
  recovering: boolean;
  /** True delay to the echo's direct path at the segment's start, and the canceller's estimate at its end, ms. */
  echoDelayMs: number;
  delayMs: number;
  skewPpm: number;
  erleDb: number;
  /** Path changes the canceller counted during the segment. */
  pathChanges: number;
  /** Largest |output| (a fault must not blow the output up). */
  peakOutput: number;
  /** The lab's figures (call segments). */
  figures: EchoFigures | null;
  /** The output's alignment to the user (call segments): judgeAlignment's verdict. */
  alignment: SoakAlignment | null;
  processSeconds: number;
}

export interface SoakRun {
  windows: SoakWindow[];
  /** Kernel memory before the canceller, with it right after construction, at the end, after free(). */
  memory: { before: KernelMemory; built: KernelMemory; end: KernelMemory; freed: KernelMemory };
}

/**
 * A call window's alignment, as the lab's checkAlignment reads it (the best lag of output against
 * user over the window's loudest 40 near-only frames, its correlation, the correlation at lag 0)
 * and the verdict:
 * - 'aligned': the lab's check passes (>= 10 near-only frames, correlation >= 0.3, the peak within 1 sample);
 * - 'unjudged': under 10 near-only frames (the user never alone in the window), and over the frames
 *   the user speaks in (alignmentOverUser) no peak off lag 0 (or too little of the user to tell);
 * - 'misaligned' (a delivery fault): the peak off by a lag the rest confirms: the output over every
 *   frame the user speaks in (near-only and double talk, alignmentOverUser) peaks at that lag too
 *   (+-2 samples, correlation >= 0.3), and so does every utterance that can be judged alone (>= 10
 *   near-only frames, correlation >= 0.3; at least one);
 * - 'unverified': the rest (the near-only peak off but not confirmed, e.g. a pitch period
 *   out-correlating lag 0 in one voiced sound; or the output under 0.3 of the user; or, with under
 *   10 near-only frames, the frames the user speaks in peaking off lag 0): recorded, never a pass.
 */
export interface SoakAlignment {
  verdict: 'aligned' | 'unjudged' | 'unverified' | 'misaligned';
  lag: number;
  correlation: number;
  correlationAtZero: number;
  nearOnlyFrames: number;
  /** Per utterance and over every frame the user speaks in (windows not 'aligned' or 'unjudged' only). */
  utterances?: ReturnType<typeof alignmentPerUtterance>;
  userFrames?: ReturnType<typeof alignmentOverUser>;
}

const JUDGED_FRAMES = 10;
const JUDGED_CORRELATION = 0.3;

/** The verdict on a call window's alignment (SoakAlignment). */
export function judgeAlignment(scene: SoakSegment['scene'], out: Float32Array, figures: EchoFigures): SoakAlignment {
  const a = figures.alignment as EchoFigures['alignment'] & { nearOnlyFrames: number; correlationAtZero: number };
  const base = { lag: a.lag, correlation: a.correlation, correlationAtZero: a.correlationAtZero, nearOnlyFrames: a.nearOnlyFrames };
  if (a.nearOnlyFrames < JUDGED_FRAMES) {
    // too few near-only frames: judged over the frames the user speaks in, flagged only where they peak off
    const userFrames = alignmentOverUser(scene, out);
    const off = userFrames.frames >= JUDGED_FRAMES && userFrames.correlation >= JUDGED_CORRELATION && Math.abs(userFrames.lag) > 1;
    return off ? { verdict: 'unverified', ...base, userFrames } : { verdict: 'unjudged', ...base };
  }
  if (a.verified && Math.abs(a.lag) <= 1) return { verdict: 'aligned', ...base };
  const utterances = alignmentPerUtterance(scene, out);
  const userFrames = alignmentOverUser(scene, out);
  const atLag = (x: { lag: number; correlation: number }) => x.correlation >= JUDGED_CORRELATION && Math.abs(x.lag - a.lag) <= 2;
  const judged = utterances.filter((u) => u.nearOnlyFrames >= JUDGED_FRAMES && u.correlation >= JUDGED_CORRELATION);
  const off = a.verified && atLag(userFrames) && judged.length > 0 && judged.every((u) => atLag(u) && Math.abs(u.lag) > 1);
  return { verdict: off ? 'misaligned' : 'unverified', ...base, utterances, userFrames };
}

/** A canceller as the soak drives it: one block of reference, then one of mic. */
interface SoakCanceller {
  pushReference(reference: Float32Array): void;
  processInto(mic: Float32Array, output: Float32Array): void;
}

/**
 * The last segment's output still in the canceller (its `latencySamples`), flushed with silence in
 * blocks of `block`: the output of ceil(latency / block) silent blocks (also the soak benches').
 */
export function flushCanceller(aec: SoakCanceller, latency: number, block: number): Float32Array {
  const tail = new Float32Array(Math.ceil(latency / block) * block);
  const silent = new Float32Array(block);
  const out = new Float32Array(block);
  for (let at = 0; at < tail.length; at += block) {
    aec.pushReference(silent);
    aec.processInto(silent, out);
    tail.set(out, at);
  }
  return tail;
}

/**
 * (deadmic19) The scenes, in order, through `aec` in blocks of `block`; returns the last scene's output
 * aligned to its mic (the canceller's `latencySamples` taken off the front and flushed at the end).
 */
export function cancelScenes(
  aec: SoakCanceller & { latencySamples: number },
  scenes: { mic: Float32Array; reference: Float32Array }[],
  block: number,
): Float32Array {
  const out = new Float32Array(block);
  const latency = aec.latencySamples;
  let raw = new Float32Array(0);
  for (const scene of scenes) {
    raw = new Float32Array(scene.mic.length);
    for (let at = 0; at < scene.mic.length; at += block) {
      aec.pushReference(scene.reference.subarray(at, at + block));
      aec.processInto(scene.mic.subarray(at, at + block), out);
      raw.set(out.subarray(0, Math.min(block, scene.mic.length - at)), at);
    }
  }
  const aligned = new Float32Array(raw.length);
  aligned.set(raw.subarray(latency), 0);
  aligned.set(flushCanceller(aec, latency, block).subarray(0, latency), raw.length - latency);
  return aligned;
}

/**
 * (fixture19, young20) The samples of `segment` a canceller started at `startS` (s in the run) passes by: whole blocks up
 * to its start (all of a segment ending before it; none of one after it). Its window is not measured (a part of a call).
 * bench/echo-soak-window.mjs's ECHO_SOAK_ALSO and runSoak's startS.
 */
export function startSkip(segment: SoakSegment, startS: number, rate: number, block: number): number {
  return Math.max(0, Math.floor(((startS - segment.start / rate) * rate) / block) * block);
}

/**
 * Runs the soak; `onWindow` sees each segment's figures as they come (for progress on long runs). `segments`
 * (fixture19): a stretch of the run instead of the whole (soakSegments from a soakResume state), through one fresh canceller;
 * `startS` (young20): that canceller started there, inside a segment (startSkip: that window listed unmeasured, those before it not).
 */
export function runSoak(params: SoakParams, onWindow?: (w: SoakWindow) => void, segments: Iterable<SoakSegment> = soakSegments(params), startS = 0): SoakRun {
  const rate = params.sampleRate;
  const before = kernelMemory();
  const aec = new EchoCanceller({ sampleRate: rate });
  const built = kernelMemory();
  const block = rate / 100;
  const latency = aec.latencySamples;
  const windows: SoakWindow[] = [];
  let pending: { segment: SoakSegment; raw: Float32Array; window: SoakWindow; partial: boolean } | undefined;
  const out = new Float32Array(block);

  const finish = (next: Float32Array) => {
    if (!pending) return;
    const { segment, raw, window, partial } = pending;
    const n = raw.length;
    const aligned = new Float32Array(n);
    aligned.set(raw.subarray(latency), 0);
    aligned.set(next.subarray(0, latency), n - latency);
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const v = aligned[i]!;
      if (!Number.isFinite(v)) throw new Error(`soak ${segment.scene.name}: output sample ${i} is ${v}`);
      peak = Math.max(peak, Math.abs(v));
    }
    window.peakOutput = peak;
    if (segment.kind === 'call' && !partial) {
      window.figures = measureEcho(segment.scene, aligned, 'EchoCanceller', 1, false);
      window.alignment = judgeAlignment(segment.scene, aligned, window.figures);
    }
    windows.push(window);
    onWindow?.(window);
  };

  try {
    for (const segment of segments) {
      const { reference, mic } = segment.scene;
      const n = mic.length;
      const skip = startSkip(segment, startS, rate, block);
      if (skip >= n) continue;
      const raw = new Float32Array(n);
      const changesBefore = aec.pathChanges;
      const t0 = performance.now();
      for (let at = skip; at < n; at += block) {
        aec.pushReference(reference.subarray(at, at + block));
        aec.processInto(mic.subarray(at, at + block), out);
        raw.set(out.subarray(0, Math.min(block, n - at)), at);
      }
      const processSeconds = (performance.now() - t0) / 1000;
      finish(raw);
      pending = {
        segment,
        raw,
        partial: skip > 0,
        window: {
          kind: segment.kind,
          room: segment.room,
          startS: segment.start / rate,
          seconds: n / rate,
          pathChange: segment.pathChange,
          recovering: segment.recovering,
          echoDelayMs: segment.echoDelayMs,
          delayMs: aec.delayMs,
          skewPpm: aec.clockSkewPpm,
          erleDb: aec.erleDb,
          pathChanges: aec.pathChanges - changesBefore,
          peakOutput: 0,
          figures: null,
          alignment: null,
          processSeconds,
        },
      };
    }
    finish(flushCanceller(aec, latency, block));
    const end = kernelMemory();
    aec.free();
    return { windows, memory: { before, built, end, freed: kernelMemory() } };
  } finally {
    aec.free();
  }
}
