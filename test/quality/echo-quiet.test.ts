// The echo canceller on cold starts the lab did not build (aec-quiet; test/helpers/echo-grid.ts
// quietGroup): the user over the first reply 0.8 s in where the echo is very quiet (42 dB echo
// return loss: headphone leakage, or what the browser's own canceller leaves), where the system
// delay is long (400 ms, with maxDelayMs 500), or where the reply opens with 0.5 s of soft speech
// (-20 dB). In four of them at 16 kHz the late-echo model's early rule (assembly/aec-late.ts: the
// delay estimator's first onset waited 0.6 s of echo) switches the hall's model on in a dry room,
// 1.02-1.13 s in (bench/echo-quiet.mjs logs it through the bench hooks); measured with the rule
// and without, and with the model never used: single talk within 0.4 dB, double talk and leaks
// unchanged (docs/echo-canceller.md, What was tried). Held to issue 13's bounds except convergence
// (the metric's 100 ms windows judge only where the echo stands 10 dB over the noise: these echoes
// mostly do not), the single-talk bound being the mic noise's ceiling - 3 dB. Five scenes at
// 16 kHz and one at 24 kHz (the kiosk's 320 ms delay with maxDelayMs 500, whose first onset, taken
// from the lags the reply had just reached, was placed 92 ms late for 14 s until aec-kiosk320's
// recheck: assembly/aec-delay.ts recheck), and that kiosk at 36 dB at 24 and 48 kHz (its true lag stands
// 2-4% coherent until 5 s: rechecked over 1% after 2.6 s of echo since aec-kiosk36).
// Convergence (aec-quiet3) over the whole 16 kHz group (60 scenes): judged as the first second lets
// one (test/helpers/echo-metrics.ts ConvergenceVerdict: 20 dB where a window of it stands 23 dB over
// the noise, the noise's ceiling - 3 dB where the best stands 6-23 dB, not judged under 6 dB), every
// judged scene within 1 s but the real misses listed (REAL_MISSES_16K), each held to its own bound.
// ~4 min at load 13 on 2 cores.
import { beforeAll, describe, expect, it } from 'vitest';
import { echoCancellerWith } from '../helpers/echo-cancellers.js';
import { QUIET_MAX_DELAY_MS, quietGroup } from '../helpers/echo-grid.js';
import { evaluate, issue13Failures, measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs } from '../helpers/echo-ours.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, sceneName, type SceneParams } from '../helpers/echo-scenes.js';

const ours: EchoFigures[] = [];
/** The whole 16 kHz group (bench size: 60 scenes); `ours` is its five 'test' scenes. */
const group16: EchoFigures[] = [];
let misplaced: EchoFigures | undefined;
const quieter: EchoFigures[] = [];
let deskFar: EchoFigures | undefined;
const factoryFor = (p: SceneParams) =>
  p.delayMs > 250
    ? echoCancellerWith({ maxDelayMs: QUIET_MAX_DELAY_MS }, `EchoCanceller maxDelayMs ${QUIET_MAX_DELAY_MS}`)
    : echoCancellerWith({}, 'EchoCanceller');
const MISPLACED = 'kiosk 24k cold-start 320ms 30dB';
const DESK_FAR = 'desk 16k cold-start 250ms 6dB';
/** The same kiosk 6 dB quieter, at 24 and 48 kHz: its true lag stands 2-4% coherent for the first 5 s (aec-kiosk36). */
const QUIETER: [number, string][] = [
  [24000, 'kiosk 24k cold-start 320ms 36dB'],
  [48000, 'kiosk 48k cold-start 320ms 36dB'],
];
/** No drift (aec-skew9): the desk's echo falls between two lags of the delay statistics, which read -220 ppm over its first 5 s without the user (held off by the early rule's gate since aec-desk1). */
const STILL = [DESK_FAR];
const still: { scene: string; pathChanges: number; maxSkewPpm: number }[] = [];

/**
 * The 16 kHz scenes judged (to 20 dB or to the noise's ceiling) that miss convergence within 1 s,
 * and the ms each is held to instead (measured + ~10%). All are the 250-400 ms delays: the echo-only
 * frames of their first second are the first 70-220 ms of the call's first echo (then the user talks
 * over the reply for about a second), and there the canceller passes the echo (0.8-5 dB) until the delay
 * estimator first places the filter (60-110 ms after the echo arrives) and beyond: the suppressor's
 * reference predictors learned, over the 250-400 ms the reply played before its echo arrived, that
 * the mic held only noise, so the arriving echo is taken for the user. docs/echo-canceller.md, What is still weak.
 */
const REAL_MISSES_16K: Record<string, number> = {
  // to 20 dB (measured: 1090 / 1090 / 1160 / 1160 / 1260 / 1180 / 1180 ms; the desk's 320 ms
  // 6 / 18 dB met since aec-quiet5's first echo recognised by the delay statistics, 130 ms; the kiosk's
  // 250 ms 6 dB and 320 ms 18 dB since aec-quiet6's presence released at the first placement, 150 / 170 ms)
  'laptop 16k cold-start 320ms 6dB': 1200,
  'laptop 16k cold-start 320ms 18dB': 1200,
  'desk 16k cold-start 400ms 6dB': 1300,
  'desk 16k cold-start 400ms 18dB': 1300,
  'kiosk 16k cold-start 320ms 6dB': 1400,
  'kiosk 16k cold-start 400ms 6dB': 1300,
  'kiosk 16k cold-start 400ms 18dB': 1300,
  // to the noise's ceiling (measured: 1140 / 1420 ms; the desk's 400 ms 30 / 36 dB and the kiosk's 400 ms
  // 30 dB met since aec-quiet5: 120 / 110 / 100 ms)
  'laptop 16k cold-start 320ms 30dB': 1300,
  'laptop 16k cold-start 320ms 36dB': 1600,
};

beforeAll(() => {
  const testNames = new Set(quietGroup(16000, 'test').scenes.map(sceneName));
  for (const params of quietGroup(16000, 'bench').scenes) {
    const f = evaluate(factoryFor(params), buildScene(params));
    group16.push(f);
    if (testNames.has(f.scene)) ours.push(f);
  }
  ours.sort((x, y) => [...testNames].indexOf(x.scene) - [...testNames].indexOf(y.scene));
  const weak = quietGroup(24000, 'bench').scenes.find((p) => sceneName(p) === MISPLACED)!;
  misplaced = evaluate(factoryFor(weak), buildScene(weak));
  for (const [rate, name] of QUIETER) {
    const params = quietGroup(rate, 'bench').scenes.find((p) => sceneName(p) === name)!;
    quieter.push(evaluate(factoryFor(params), buildScene(params)));
  }
  for (const name of STILL) {
    const params = quietGroup(16000, 'bench').scenes.find((p) => sceneName(p) === name)!;
    const scene = buildScene(params);
    const run = runOurs(scene, 0.1, params.delayMs > 250 ? { maxDelayMs: QUIET_MAX_DELAY_MS } : {});
    still.push({ scene: name, pathChanges: run.pathChanges, maxSkewPpm: Math.max(...run.track.map((s) => Math.abs(s.skewPpm))) });
    if (name === DESK_FAR) deskFar = measureEcho(scene, run.output, 'EchoCanceller');
  }
  console.log(
    `\nquiet echo, long delays, soft openings (16 kHz, the whole group)\n${sceneTable(group16)}\n\nconvergence as judged: ${group16.map((f) => `${f.scene}: ${f.convergence.cold!.judged} (${f.convergence.cold!.bestEchoOverNoiseDb.toFixed(1)} dB) ${f.convergence.cold!.ms ?? 'never'} ms`).join('; ')}`,
  );
  console.log(
    `\nquiet echo, long delays, soft openings (16 kHz)\n${sceneTable(ours)}\n\nthe young first onset rechecked (24 / 48 kHz, maxDelayMs ${QUIET_MAX_DELAY_MS})\n${sceneTable([misplaced, ...quieter])}\n\na false clock skew before aec-desk1 (16 kHz)\n${sceneTable([deskFar!])}\n\nno drift: path changes, largest skew followed: ${still.map((r) => `${r.scene} ${r.pathChanges}, ${r.maxSkewPpm.toFixed(1)} ppm`).join('; ')}`,
  );
}, 1_500_000); // (setup: ~1 min unloaded; generous for a loaded CI machine)

describe('EchoCanceller on quiet echo, long delays and soft openings, the user over the first reply', () => {
  it('covers the five 16 kHz scenes: 42 dB at -60 and -70 dBFS mic noise, 400 ms with maxDelayMs 500, two soft openings', () => {
    expect(ours.map((f) => f.scene)).toEqual([
      'laptop 16k cold-start 400ms 36dB',
      'desk 16k cold-start 60ms 42dB',
      'desk 16k cold-start 60ms 36dB soft -20dB 0.5s',
      'kiosk 16k cold-start 60ms 42dB noise -60',
      'kiosk 16k cold-start 60ms 30dB soft -20dB 0.5s',
    ]);
  });
  it('the soft opening: the first reply 20 dB under the same scene without it over its first 0.5 s of speech, the same after it, the echo following (echo return loss as asked)', () => {
    const soft = quietGroup(16000, 'test').scenes.find((p) => p.softStart && p.room === 'kiosk')!;
    const a = buildScene(soft);
    const b = buildScene({ ...soft, softStart: undefined });
    const rate = a.sampleRate;
    const from = a.labels.far[0]![0];
    const power = (x: Float32Array, t0: number, t1: number) => x.subarray(t0, t1).reduce((s, v) => s + v * v, 0);
    const dbRatio = (x: Float32Array, y: Float32Array, t0: number, t1: number) => 10 * Math.log10(power(x, t0, t1) / power(y, t0, t1));
    expect(dbRatio(a.reference, b.reference, from, from + 0.5 * rate)).toBeCloseTo(-20, 2);
    expect(dbRatio(a.reference, b.reference, from + 0.52 * rate, a.reference.length)).toBeCloseTo(0, 3);
    const echoAt = a.events.echoStart;
    expect(dbRatio(a.echo, b.echo, echoAt, echoAt + 0.4 * rate)).toBeLessThan(-15);
    expect(a.meta.erlDb).toBeCloseTo(soft.erlDb, 1);
  });
  it('the user over the first reply: >= 90% delivered clean over its first 15 s and in all double talk, no utterance never delivered, median opening <= 40 ms (measured 95.0-100%, none lost, 10 ms)', () => {
    for (const f of ours) {
      expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.9);
      expect(f.coldStart!.neverPassed, f.scene).toBe(0);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.9);
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
      expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(40);
    }
  });
  it('single talk within 3 dB of the mic noise ceiling, no audible leaks (measured 0.0-0.9 dB under it, leaks 0%)', () => {
    for (const f of ours) {
      expect(f.singleTalk.frames, f.scene).toBeGreaterThanOrEqual(50);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(Math.min(40, f.singleTalk.ceilingDb - 3));
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.002);
    }
  });
  it(`${MISPLACED} with maxDelayMs ${QUIET_MAX_DELAY_MS}: the first onset taken from young lags (416 ms at 1.06 s for an echo at 324 ms) is rechecked once they are mature (277 ms at 2.83 s; aec-kiosk320): single talk within 3 dB of its ceiling, no audible leaks (before: 8.3 dB of 19.6, 4.3% leaks; measured 18.8 dB, 0.0%)`, () => {
    expect(misplaced!.singleTalk.frames).toBeGreaterThanOrEqual(50);
    expect(misplaced!.singleTalk.reductionDb).toBeGreaterThanOrEqual(misplaced!.singleTalk.ceilingDb - 3);
    expect(misplaced!.singleTalk.leakShare).toBeLessThanOrEqual(0.002);
    expect(misplaced!.coldStart!.share).toBeGreaterThanOrEqual(0.9);
    expect(misplaced!.coldStart!.neverPassed).toBe(0);
  });
  it(`${QUIETER.map(([, n]) => n).join(', ')} with maxDelayMs ${QUIET_MAX_DELAY_MS}: the young first onset (416 ms at 1.06 s) rechecked from a mature peak 3x the profile's mean over 1% once it stood 2.6 s of echo (aec-kiosk36; over 4% it waited until 5.35 s: 10.1 dB of 13.7): single talk within 3 dB of its ceiling, no audible leaks (measured 10.7 / 10.7 dB, 0.1% leaks, rechecked at 5.03 s)`, () => {
    expect(quieter.map((f) => f.scene)).toEqual(QUIETER.map(([, n]) => n));
    for (const f of quieter) {
      expect(f.singleTalk.frames, f.scene).toBeGreaterThanOrEqual(50);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(f.singleTalk.ceilingDb - 3);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.002);
      expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.9);
      expect(f.coldStart!.neverPassed, f.scene).toBe(0);
    }
  });
  it(`${DESK_FAR}: the user over a converged filter no longer opens the delay statistics' early skew (aec-desk1: -323 ppm without drift, 3 false path changes, 78.2% delivered before; measured 99.4%, 42.0 dB)`, () => {
    expect(deskFar!.doubleTalk.cleanShare).toBeGreaterThanOrEqual(0.9);
    expect(deskFar!.coldStart!.share).toBeGreaterThanOrEqual(0.9);
    expect(deskFar!.doubleTalk.neverPassed).toBe(0);
    expect(deskFar!.singleTalk.reductionDb).toBeGreaterThanOrEqual(40);
    expect(deskFar!.singleTalk.leakShare).toBeLessThanOrEqual(0.01);
  });
  it(`no drift, no skew: ${STILL.join(', ')} never follows one and declares no path change (aec-skew9: its delay statistics read -220 ppm over 5 s without the user, the peak jumping between the two lags astride its echo; the early rule's gate on the best sustained ERLE keeps that reading out; measured 0 ppm, 0 path changes)`, () => {
    for (const r of still) {
      expect(r.maxSkewPpm, r.scene).toBe(0);
      expect(r.pathChanges, r.scene).toBe(0);
    }
  });
  it('convergence is judged as the first second lets one: to 20 dB where a window of it stands >= 23 dB over the noise, to the noise ceiling from 6 dB, not under (the 16 kHz group: 20 dB in 16 scenes, the ceiling in 26, not judged in 18)', () => {
    expect(group16.length).toBe(60);
    const kinds = { '20dB': 0, ceiling: 0, none: 0 };
    for (const f of group16) {
      const v = f.convergence.cold!;
      kinds[v.judged]++;
      if (v.judged === '20dB') expect(v.bestEchoOverNoiseDb, f.scene).toBeGreaterThanOrEqual(23);
      else if (v.judged === 'ceiling') expect(v.bestEchoOverNoiseDb, f.scene).toBeGreaterThanOrEqual(6);
      else expect(v.met, f.scene).toBeNull();
    }
    // by physics of these scenes: the 6 and 18 dB delays stand 31-46 dB over the noise; the 42 dB echo at -60 dBFS and the soft openings at 30-36 dB under 6
    const by = (name: string) => group16.find((f) => f.scene === name)!.convergence.cold!.judged;
    expect(by('desk 16k cold-start 320ms 6dB')).toBe('20dB');
    expect(by('kiosk 16k cold-start 400ms 18dB')).toBe('20dB');
    expect(by('laptop 16k cold-start 320ms 30dB')).toBe('ceiling');
    expect(by('desk 16k cold-start 60ms 36dB')).toBe('ceiling');
    expect(by('kiosk 16k cold-start 60ms 42dB noise -60')).toBe('none');
    expect(by('desk 16k cold-start 60ms 36dB soft -20dB 0.5s')).toBe('none');
    // the 400 ms laptop: the user talks over the echo 30 ms after it arrives (3 echo-only frames in its first second)
    expect(by('laptop 16k cold-start 400ms 6dB')).toBe('none');
    expect(kinds).toEqual({ '20dB': 16, ceiling: 26, none: 18 });
  });
  it('the verdict itself: a canceller that removes all the echo (the mic less the echo) meets every judged scene at once, a pass-through misses every one', () => {
    for (const params of quietGroup(16000, 'bench').scenes.filter((p) => p.room === 'kiosk')) {
      const scene = buildScene(params);
      const clean = Float32Array.from(scene.mic, (x, i) => x - scene.echo[i]!);
      const ideal = measureEcho(scene, clean, 'no echo').convergence.cold!;
      const passed = measureEcho(scene, scene.mic, 'pass-through').convergence.cold!;
      expect(passed.judged, scene.name).toBe(ideal.judged);
      if (ideal.judged === 'none') continue;
      expect(ideal.met, scene.name).toBe(true);
      expect(passed.met, scene.name).toBe(false);
    }
  }, 300_000); // the kiosk scenes built and measured twice: 89 s in a clean-clone CI at load 15-20 (vitest's 60 s default failed there)
  it(`every judged scene converges within 1 s (to 20 dB, or to the noise ceiling), but the real misses, each within its own bound (${Object.keys(REAL_MISSES_16K).length} of the 16 kHz group: the 320-400 ms delays, whose first echo passes until the filter is placed)`, () => {
    for (const f of group16) {
      const v = f.convergence.cold!;
      const own = REAL_MISSES_16K[f.scene];
      if (own !== undefined) {
        expect(v.met, f.scene).toBe(false);
        expect(v.ms, f.scene).not.toBeNull();
        expect(v.ms!, f.scene).toBeLessThanOrEqual(own);
      } else if (v.judged !== 'none') expect(v.met, `${f.scene}: ${v.ms ?? 'never'} ms`).toBe(true);
      expect(
        issue13Failures(f).some((x) => x.startsWith('cold-start convergence')),
        f.scene,
      ).toBe(own !== undefined);
    }
  });
});
