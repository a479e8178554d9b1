// Clock drift between the speaker and the mic (issue 13): a USB or Bluetooth mic beside the laptop's
// speaker (or a server fed by two streams) moves the echo's delay by tens of ppm: 100 ppm is 6 ms a
// minute. Long calls of test/helpers/echo-drift.ts (what the speaker plays is the reference
// resampled by 1 + drift with our own windowed-sinc interpolator, independent of the code under
// test), measured per 30 s window by the lab's rules (echo-metrics.ts), with the canceller's delay
// estimate, the clock skew it follows (assembly/aec-skew.ts) and the path changes it counted over time.
// Fast default (about 25 s): the laptop at +-100 and +25 ppm for 60 s (and +100 ppm at 24 kHz),
// the same call without drift, and with a playout jump of 40 ms at 40 s (drift and a path change
// together), with drift and without. ECHO_DRIFT_LONG=1 (about 5 min): the three main rooms at
// -200, -100, -25, +25, +100 and +200 ppm for 180 s, without drift, and with the jump at 90 s (at
// +100 ppm and without drift).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDriftScene, driftSceneName, resampleAt, sceneWindow, type DriftParams } from '../helpers/echo-drift.js';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs, type OursSample } from '../helpers/echo-ours.js';
import type { EchoScene } from '../helpers/echo-scenes.js';
import type { RoomName } from '../helpers/echo-sources.js';

const LONG = process.env.ECHO_DRIFT_LONG === '1';
const WINDOW_S = 30;
const base = { sampleRate: 16000, delayMs: 60, erlDb: 18, seed: 3 };
const JUMP = { ms: 40 };
const SCENES: DriftParams[] = LONG
  ? (['laptop', 'desk', 'kiosk'] as RoomName[]).flatMap((room) => [
      ...[-200, -100, -25, 0, 25, 100, 200].map((driftPpm) => ({ ...base, room, driftPpm, seconds: 180 })),
      ...[0, 100].map((driftPpm) => ({ ...base, room, driftPpm, seconds: 180, jump: { ...JUMP, atS: 90 } })),
    ])
  : [
      ...[0, -100, 100, 25].map((driftPpm) => ({ ...base, room: 'laptop' as RoomName, driftPpm, seconds: 60 })),
      { ...base, sampleRate: 24000, room: 'laptop' as RoomName, driftPpm: 100, seconds: 60 },
      ...[0, 100].map((driftPpm) => ({ ...base, room: 'laptop' as RoomName, driftPpm, seconds: 60, jump: { ...JUMP, atS: 40 } })),
    ];

interface Run {
  params: DriftParams;
  whole: EchoFigures;
  windows: EchoFigures[];
  track: OursSample[];
  pathChanges: number;
  /** From 2 s after the playout jump to the end (jumped calls). */
  afterJump?: EchoFigures;
}
const runs: Run[] = [];
/** The fast default's scenes by name (for the drift check). */
const scenes = new Map<string, EchoScene>();

beforeAll(
  () => {
    for (const params of SCENES) {
      const scene = buildDriftScene(params);
      if (!LONG) scenes.set(scene.name, scene);
      const ours = runOurs(scene, 1);
      const windows: EchoFigures[] = [];
      for (let from = 0; from + WINDOW_S <= params.seconds; from += WINDOW_S) {
        const w = sceneWindow(scene, ours.output, from, from + WINDOW_S);
        windows.push(measureEcho(w.scene, w.output, 'EchoCanceller'));
      }
      const after = params.jump && sceneWindow(scene, ours.output, params.jump.atS + 2, params.seconds);
      const afterJump = after ? measureEcho(after.scene, after.output, 'EchoCanceller') : undefined;
      runs.push({ params, whole: measureEcho(scene, ours.output, 'EchoCanceller'), windows, track: ours.track, pathChanges: ours.pathChanges, afterJump });
    }
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(
      `\n| scene | window s | single talk dB (ceiling) | leaks | double talk clean | delayMs over the window (every 5 s) | skew ppm at its end | path changes by its end |\n| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n${runs
        .flatMap((r) =>
          r.windows.map((w, i) => {
            const t = r.track.filter((s) => s.timeS > i * WINDOW_S && s.timeS <= (i + 1) * WINDOW_S);
            return `| ${driftSceneName(r.params)} | ${i * WINDOW_S}-${(i + 1) * WINDOW_S} | ${w.singleTalk.reductionDb.toFixed(1)} (${w.singleTalk.ceilingDb.toFixed(1)}) | ${pct(w.singleTalk.leakShare)} | ${pct(w.doubleTalk.cleanShare)} | ${t
              .filter((s) => Math.round(s.timeS) % 5 === 0)
              .map((s) => s.delayMs.toFixed(0))
              .join(' ')} | ${t.at(-1)?.skewPpm.toFixed(1) ?? '-'} | ${t.at(-1)?.pathChanges ?? '-'} |`;
          }),
        )
        .join('\n')}`,
    );
  },
  // (ECHO_DRIFT_TIMEOUT_S: more on a loaded machine; at load 20 on 2 cores the long run took 37 minutes)
  1000 * Number(process.env.ECHO_DRIFT_TIMEOUT_S ?? (LONG ? 900 : 600)),
);

describe('the drifting playback (test/helpers/echo-drift.ts)', () => {
  it('resamples a 1 kHz tone by 1 + 100 ppm within -100 dB of the exact tone', () => {
    const rate = 16000;
    const ratio = 1 + 1e-4;
    const x = Float64Array.from({ length: 20000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / rate));
    const y = resampleAt(x, ratio, 0, 19600);
    let err = 0;
    let sig = 0;
    for (let i = 100; i < 19500; i++) {
      const exact = Math.sin((2 * Math.PI * 1000 * i * ratio) / rate);
      err += (y[i]! - exact) ** 2;
      sig += exact ** 2;
    }
    expect(10 * Math.log10(err / sig)).toBeLessThan(-100);
  });
  it.skipIf(LONG)(
    'moves the echo by the drift: over the last 5 s of a +100 ppm minute the echo best matches the undrifted one (t + delay) x 100 ppm earlier (+-1 sample), its labels too',
    () => {
      const still = scenes.get(driftSceneName({ ...SCENES[0]!, room: 'laptop', driftPpm: 0 }))!;
      const moving = scenes.get(driftSceneName({ ...SCENES[0]!, room: 'laptop', driftPpm: 100 }))!;
      const to = still.mic.length - 16000;
      const from = to - 5 * 16000;
      const expected = ((from + to) / 2 + 0.06 * 16000) * (1 - 1 / 1.0001);
      let best = { lag: 0, xy: -1 };
      for (let lag = 0; lag < 200; lag++) {
        let xy = 0;
        for (let i = from; i < to; i++) xy += still.echo[i]! * moving.echo[i - lag]!;
        if (xy > best.xy) best = { lag, xy };
      }
      expect(Math.abs(best.lag - expected)).toBeLessThanOrEqual(1);
      const last = (s: EchoScene) => s.labels.echo.at(-1)![0];
      expect(Math.abs(last(still) - last(moving) - (still.labels.far.at(-1)![0] + 0.06 * 16000) * (1 - 1 / 1.0001))).toBeLessThanOrEqual(1);
    },
  );
});

const still = (r: Run) => r.params.driftPpm === 0 && r.params.jump === undefined;
// (expect.soft below: a run lists every call and window that misses a bound, not only the first)

describe('the EchoCanceller without drift (the same calls: what drift takes away)', () => {
  it('every 30 s window meets the single-talk bound (min(40 dB, ceiling - 3)) with leaks <= 1% and >= 90% of double talk clean, and no path change (measured 35.2-36.7 dB at a 32 dB ceiling, 0%, 100%)', () => {
    for (const r of runs.filter(still)) {
      for (const w of r.windows) {
        expect.soft(w.singleTalk.reductionDb, w.scene).toBeGreaterThanOrEqual(Math.min(40, w.singleTalk.ceilingDb - 3));
        expect.soft(w.singleTalk.leakShare, w.scene).toBeLessThanOrEqual(0.01);
        expect.soft(w.doubleTalk.cleanShare, w.scene).toBeGreaterThanOrEqual(0.9);
      }
      expect.soft(r.pathChanges, driftSceneName(r.params)).toBe(0);
    }
  });
});

// The canceller measures the skew (assembly/aec-skew.ts) from the converged filter's own phase,
// bootstrapped by the delay estimator's cross-spectrum, and turns its filter by it once sure.
// Floors at the measured figures, less a margin.
const jumped = (r: Run) => r.params.jump !== undefined;
describe('the EchoCanceller under drift (it measures the skew and follows it once sure)', () => {
  it(
    LONG
      ? "-200..+200 ppm (25 ppm too) over 3 minutes: single talk >= 30 dB and leaks <= 0.5% per window, <= 5 path changes per call (measured 30.2-31.7 dB over 126 windows at a 31.4-32.0 dB ceiling since aec-drift7, the desk at -25 ppm's 30-60 s 29.4 before (the delay statistics' skew taken over the filter's own), the desk at +200 ppm's 30-60 s 29.7 before aec-drift4, 0-0.1%, 0-3; before the filter's phase, at +-100 and +-200 ppm: 14.7-36.1 dB, 2-9); the skew read within 3% + 1 ppm of the drift at the end (98-102%); the delay estimate moves with the drift"
      : "+-100 and +25 ppm at 16 kHz, +100 at 24 kHz: single talk >= 30 dB per window (measured 34.0-36.1 dB; the first 30 s at +100 ppm read 24.0 before the filter's phase), leaks <= 0.5% (0%), double talk >= 85% (87.2-100%); the skew read within 3% + 1 ppm of the drift by the end (99.4-100.1, 25.0), and none without drift (bypassed: 0 throughout)",
    () => {
      for (const r of runs.filter((x) => !still(x) && !jumped(x))) {
        const name = driftSceneName(r.params);
        for (const w of r.windows) {
          expect.soft(w.singleTalk.reductionDb, w.scene).toBeGreaterThanOrEqual(30);
          expect.soft(w.singleTalk.leakShare, w.scene).toBeLessThanOrEqual(0.005);
          if (!LONG) expect.soft(w.doubleTalk.cleanShare, w.scene).toBeGreaterThanOrEqual(0.85);
        }
        expect.soft(r.pathChanges, name).toBeLessThanOrEqual(5);
        // the skew is echo delay gained per second: the opposite of the speaker's clock against the mic's
        expect.soft(Math.abs(r.track.at(-1)!.skewPpm + r.params.driftPpm), name).toBeLessThanOrEqual(0.03 * Math.abs(r.params.driftPpm) + 1);
        if (LONG) {
          // over 3 minutes the echo moves drift x 180 s (36 ms at 200 ppm): the estimate, at block
          // resolution, moves at least half of that the right way
          const first = r.track.find((s) => s.timeS >= 10)!.delayMs;
          const last = r.track.at(-1)!.delayMs;
          const expected = -(r.params.driftPpm * 1e-6) * r.params.seconds * 1000;
          if (Math.abs(expected) >= 30) expect.soft(Math.sign(last - first), name).toBe(Math.sign(expected));
        }
      }
      for (const r of runs.filter(still)) expect.soft(Math.max(...r.track.map((s) => Math.abs(s.skewPpm))), driftSceneName(r.params)).toBe(0);
    },
  );
  it(
    LONG
      ? 'drift (+100 ppm) and a playout jump of 40 ms at 90 s together: the jump detected and 20 dB again within 1 s, from 2 s after it single talk >= 30 dB, leaks <= 0.5%, double talk >= 90%; the skew followed on (within 3% + 1 ppm at the end)'
      : 'drift (+100 ppm) and a playout jump of 40 ms at 40 s together, as good as the jump alone: detected, 20 dB again within 1 s (measured 280 ms; 440 without drift), from 2 s after it single talk >= 30 dB (35.2; 35.6 without drift), no leak, double talk >= 90% (100%); the skew followed on (-99.7 ppm), and none from the jump alone',
    () => {
      for (const r of runs.filter(jumped)) {
        const name = driftSceneName(r.params);
        const atS = r.params.jump!.atS;
        const changesBy = (t: number) => r.track.find((s) => s.timeS >= t)!.pathChanges;
        expect.soft(changesBy(atS + 2), name).toBeGreaterThan(changesBy(atS - 1));
        expect.soft(r.whole.convergence.pathChangeMs, name).not.toBeNull();
        expect.soft(r.whole.convergence.pathChangeMs!, name).toBeLessThanOrEqual(1000);
        expect.soft(r.afterJump!.singleTalk.reductionDb, name).toBeGreaterThanOrEqual(30);
        expect.soft(r.afterJump!.singleTalk.leakShare, name).toBeLessThanOrEqual(0.005);
        expect.soft(r.afterJump!.doubleTalk.cleanShare, name).toBeGreaterThanOrEqual(0.9);
        if (r.params.driftPpm === 0) expect.soft(Math.max(...r.track.map((s) => Math.abs(s.skewPpm))), name).toBe(0);
        else expect.soft(Math.abs(r.track.at(-1)!.skewPpm + r.params.driftPpm), name).toBeLessThanOrEqual(0.03 * Math.abs(r.params.driftPpm) + 1);
      }
    },
  );
});
