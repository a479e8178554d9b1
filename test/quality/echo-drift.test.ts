// Clock drift between the speaker and the mic (issue 13): a USB or Bluetooth mic beside the laptop's
// speaker (or a server fed by two streams) moves the echo's delay by tens of ppm: 100 ppm is 6 ms a
// minute. Long calls of test/helpers/echo-drift.ts (what the speaker plays is the reference
// resampled by 1 + drift with our own windowed-sinc interpolator, independent of the code under
// test), measured per 30 s window by the lab's rules (echo-metrics.ts), with the canceller's delay
// estimate, the clock skew it follows (assembly/aec-skew.ts) and the path changes it counted over time.
// Fast default (about 15 s): the laptop at +-100 ppm for 60 s, and the same call without drift.
// ECHO_DRIFT_LONG=1: the three main rooms at -200, -100, +100 and +200 ppm for 180 s (about 3 min).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDriftScene, driftSceneName, resampleAt, sceneWindow, type DriftParams } from '../helpers/echo-drift.js';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs, type OursSample } from '../helpers/echo-ours.js';
import type { EchoScene } from '../helpers/echo-scenes.js';
import type { RoomName } from '../helpers/echo-sources.js';

const LONG = process.env.ECHO_DRIFT_LONG === '1';
const WINDOW_S = 30;
const base = { sampleRate: 16000, delayMs: 60, erlDb: 18, seed: 3 };
const SCENES: DriftParams[] = LONG
  ? (['laptop', 'desk', 'kiosk'] as RoomName[]).flatMap((room) => [-200, -100, 0, 100, 200].map((driftPpm) => ({ ...base, room, driftPpm, seconds: 180 })))
  : [0, -100, 100].map((driftPpm) => ({ ...base, room: 'laptop' as RoomName, driftPpm, seconds: 60 }));

interface Run {
  params: DriftParams;
  whole: EchoFigures;
  windows: EchoFigures[];
  track: OursSample[];
  pathChanges: number;
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
      runs.push({ params, whole: measureEcho(scene, ours.output, 'EchoCanceller'), windows, track: ours.track, pathChanges: ours.pathChanges });
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
  LONG ? 900_000 : 120_000,
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

const still = (r: Run) => r.params.driftPpm === 0;

describe('the EchoCanceller without drift (the same calls: what drift takes away)', () => {
  it('every 30 s window meets the single-talk bound (min(40 dB, ceiling - 3)) with leaks <= 1% and >= 90% of double talk clean, and no path change (measured 35.2-36.7 dB at a 32 dB ceiling, 0%, 100%)', () => {
    for (const r of runs.filter(still)) {
      for (const w of r.windows) {
        expect(w.singleTalk.reductionDb, w.scene).toBeGreaterThanOrEqual(Math.min(40, w.singleTalk.ceilingDb - 3));
        expect(w.singleTalk.leakShare, w.scene).toBeLessThanOrEqual(0.01);
        expect(w.doubleTalk.cleanShare, w.scene).toBeGreaterThanOrEqual(0.9);
      }
      expect(r.pathChanges, driftSceneName(r.params)).toBe(0);
    }
  });
});

// The canceller measures the skew (assembly/aec-skew.ts) and turns its filter by it once sure (after
// 20 s of playback, over 30 ppm): the windows before that are the old weakness (the filter does
// not follow; false path changes), those after it are the calls without drift less 0-4 dB.
// Floors at the measured figures, less a margin.
describe('the EchoCanceller under drift (it measures the skew and follows it once sure)', () => {
  it(
    LONG
      ? '+-100 and +-200 ppm over 3 minutes: leaks <= 1.5% and single talk >= 12 dB per window (measured 0-1.3%, 14.7-36.1 dB, 66 of 72 windows >= 30 dB; before the skew 0-2.2%, 14.1-32.4 dB); the delay estimate moves with the drift; the skew read within 40% of it at the end (the kiosk reads 62-77% of it)'
      : '+-100 ppm: single talk >= 22 dB per window (measured 24.0-35.5 dB, the first 30 s at +100 ppm before the skew is sure: 24.0; before the skew, 21.4-28.8), leaks <= 0.5% (0-0.2%), double talk >= 85% (87.2-100%); the skew read within 5 ppm of the drift by the end (101.1, 101.5), and none without drift (bypassed: 0 throughout)',
    () => {
      for (const r of runs.filter((x) => !still(x))) {
        for (const w of r.windows) {
          expect(w.singleTalk.reductionDb, w.scene).toBeGreaterThanOrEqual(LONG ? 12 : 22);
          expect(w.singleTalk.leakShare, w.scene).toBeLessThanOrEqual(LONG ? 0.015 : 0.005);
          if (!LONG) expect(w.doubleTalk.cleanShare, w.scene).toBeGreaterThanOrEqual(0.85);
        }
        const name = driftSceneName(r.params);
        // the skew is echo delay gained per second: the opposite of the speaker's clock against the mic's
        expect(Math.abs(r.track.at(-1)!.skewPpm + r.params.driftPpm), name).toBeLessThanOrEqual(LONG ? 0.4 * Math.abs(r.params.driftPpm) : 5);
        if (LONG) {
          // over 3 minutes the echo moves drift x 180 s (36 ms at 200 ppm): the estimate, at block
          // resolution, moves at least half of that the right way
          const first = r.track.find((s) => s.timeS >= 10)!.delayMs;
          const last = r.track.at(-1)!.delayMs;
          const expected = -(r.params.driftPpm * 1e-6) * r.params.seconds * 1000;
          if (Math.abs(expected) >= 30) expect(Math.sign(last - first), name).toBe(Math.sign(expected));
        }
      }
      for (const r of runs.filter(still)) expect(Math.max(...r.track.map((s) => Math.abs(s.skewPpm))), driftSceneName(r.params)).toBe(0);
    },
  );
});
