// The echo canceller behind a Bluetooth speaker with its default options (aec-bt;
// test/helpers/echo-bt.ts, echo-grid.ts bluetoothGroup): 350 ms from the reference to the speaker
// (over the default maxDelayMs, 250), SBC-like coding noise 25 dB under the signal, the speaker's
// clock 50 ppm off the mic's; a call and a cold start (the user over the first reply 0.8 s in) in
// each of the lab's rooms at 6 dB echo return loss, 16 kHz. Before aec-bt the canceller searched
// only its 250 ms and left these echoes almost whole (0.2-1.4 dB single talk, 61-82% audible leaks);
// now it says so (`echoBeyondMaxDelayMs`) and widens its search to 500 ms (sooner since aec-bt2; also
// the 420 ms calls). Bounds from
// `node bench/echo-lab.mjs scenes <base> dist --groups bt --scenes '350ms 6dB' --shifts 0` (figures
// in the titles). Also the scene model itself (its codec noise, its clock), and a lab scene that
// must not set the flag. 4.4 min at load 30 on 2 cores (its scenes are built with a sinc resampler and
// a codec model: about 40 s unloaded).
import { beforeAll, describe, expect, it } from 'vitest';
import { bluetoothPlayed, codingNoise, lowpass } from '../helpers/echo-bt.js';
import { echoCanceller } from '../helpers/echo-cancellers.js';
import { bluetoothGroup, echoGrid } from '../helpers/echo-grid.js';
import { evaluate, evaluateShifted, type EchoFigures } from '../helpers/echo-metrics.js';
import { watchedFactory } from '../helpers/echo-ours.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, sceneName, type SceneParams } from '../helpers/echo-scenes.js';
import { rng } from '../helpers/random.js';

interface Run {
  figures: EchoFigures;
  /** echoBeyondMaxDelayMs at the end of the scene, and the seconds into it when first set (-1: never). */
  beyondMs: number;
  beyondAtS: number;
  echoDelayMs: number;
}

/** The canceller with its defaults (or `options`), its flag read block by block. */
function run(params: SceneParams, options: { maxDelayMs?: number } = {}): Run {
  const scene = buildScene(params);
  let beyondMs = -1;
  let beyondAtS = -1;
  const factory = watchedFactory(
    (c, seconds) => {
      if (beyondAtS < 0 && c.echoBeyondMaxDelayMs >= 0) beyondAtS = seconds;
    },
    (c) => {
      beyondMs = c.echoBeyondMaxDelayMs;
    },
    options,
  );
  const figures = evaluate(factory, scene);
  return { figures, beyondMs, beyondAtS, echoDelayMs: scene.meta.echoDelayMs };
}

const bt: Run[] = [];
const within: Run[] = [];
/** The 420 ms calls at 6 dB (coding noise 20 dB under, a 7 kHz lowpass, 100 ppm): the latest echo (aec-bt2). */
const late: Run[] = [];
/** Lab scenes with the echo within maxDelayMs: the kiosk's quiet call, whose far lags stand 2-3x over its near ones for 0.5 s while the user talks (a wandering peak: no echo), and the 250 ms calls. */
const WITHIN = ['kiosk 16k call 120ms 30dB', 'desk 16k call 250ms 6dB', 'kiosk 16k call 250ms 6dB'];
/** (aec-onset16) The desk's 350 ms 6 dB call 31 samples late, where the onset jumped 344 -> 0 ms at 9.12 s as the reply resumed under the user. */
let resumed: EchoFigures | undefined;
/** (aec-btcost17) The desk's 24 kHz 420 ms 6 dB cold start 97 samples late: no path change, but a divergence restart at a reply's end (17.62 s) passed the next reply as the user. */
let faded: EchoFigures | undefined;

beforeAll(() => {
  for (const params of bluetoothGroup(16000, 'test').scenes) bt.push(run(params));
  for (const params of bluetoothGroup(16000, 'bench').scenes) if (/ call 420ms 6dB /.test(sceneName(params))) late.push(run(params));
  const lab = echoGrid('test', 16000).flatMap((g) => g.scenes);
  for (const name of WITHIN) within.push(run(lab.find((p) => sceneName(p) === name)!));
  const desk = bluetoothGroup(16000, 'bench').scenes.find((p) => /^desk 16k call 350ms 6dB bt /.test(sceneName(p)));
  if (desk) resumed = evaluateShifted(echoCanceller, buildScene(desk), 31);
  const desk24 = bluetoothGroup(24000, 'bench').scenes.find((p) => sceneName(p) === 'desk 24k cold-start 420ms 6dB bt -100ppm 20dB 7k');
  if (desk24) faded = evaluateShifted(echoCanceller, buildScene(desk24), 97);
  console.log(
    `\na Bluetooth speaker at the defaults (16 kHz)\n${sceneTable([...bt, ...late].map((r) => r.figures))}\n\nflag: ${[...bt, ...late, ...within]
      .map((r) => `${r.figures.scene} ${r.beyondMs} ms at ${r.beyondAtS.toFixed(2)} s`)
      .join('; ')}`,
  );
}, 600_000);

describe('the Bluetooth scene model (test/helpers/echo-bt.ts)', () => {
  it('codes with noise 20 and 30 dB under the signal over a reply, as asked (within 0.3 dB)', () => {
    const params = bluetoothGroup(16000, 'test').scenes[0]!;
    const scene = buildScene(params);
    const x = lowpass(Float64Array.from(scene.reference), 16000, 7000);
    for (const snrDb of [20, 30]) {
      const noise = codingNoise(x, 16000, snrDb, 7);
      let signal = 0;
      let coded = 0;
      for (const [a, b] of scene.labels.far) {
        for (let i = a; i < b; i++) {
          signal += x[i]! ** 2;
          coded += noise[i]! ** 2;
        }
      }
      expect(10 * Math.log10(signal / coded)).toBeCloseTo(snrDb, 0);
      expect(Math.abs(10 * Math.log10(signal / coded) - snrDb)).toBeLessThan(0.3);
    }
  });
  it("plays the reference after its delay on the speaker's clock: 100 ppm fast moves the echo 2 ms earlier over 20 s", () => {
    const rate = 16000;
    const random = rng(11);
    const reference = Float32Array.from({ length: 21 * rate }, () => random() - 0.5);
    const delay = 0.42 * rate;
    const played = bluetoothPlayed(reference, delay, rate, { driftPpm: 100, codecSnrDb: 20, lowpassHz: 7000 }, 3, reference.length);
    /** The lag (samples) of `played` against `reference` over 0.5 s from `t`, searched over `delay` +-48. */
    const lagAt = (t: number) => {
      let best = 0;
      let bestLag = 0;
      for (let lag = delay - 48; lag <= delay + 48; lag++) {
        let s = 0;
        for (let i = t; i < t + rate / 2; i++) s += played[i]! * reference[i - lag]!;
        if (s > best) {
          best = s;
          bestLag = lag;
        }
      }
      return bestLag;
    };
    // played sample n is the reference at n (1 + 100e-6) - delay: the lag is delay - 100e-6 n
    expect(Math.abs(lagAt(delay + rate) - (delay - 2.3))).toBeLessThanOrEqual(1); // 100 ppm of 1.4 s
    expect(Math.abs(lagAt(20 * rate) - (delay - 32.4))).toBeLessThanOrEqual(1); // 100 ppm of 20.25 s
  });
});

describe('EchoCanceller at its defaults behind a Bluetooth speaker (350 ms, codec noise, 50 ppm)', () => {
  it('covers a call and a cold start per room at 6 dB', () => {
    expect(bt.map((r) => r.figures.scene)).toEqual([
      'laptop 16k call 350ms 6dB bt +50ppm 25dB',
      'laptop 16k cold-start 350ms 6dB bt +50ppm 25dB',
      'desk 16k call 350ms 6dB bt -50ppm 25dB',
      'desk 16k cold-start 350ms 6dB bt -50ppm 25dB',
      'kiosk 16k call 350ms 6dB bt +50ppm 25dB',
      'kiosk 16k cold-start 350ms 6dB bt +50ppm 25dB',
    ]);
  });
  it('says the echo lies beyond maxDelayMs: echoBeyondMaxDelayMs within 24 ms under the true delay, set within 2.5 s (measured 336-344 ms at 1.45-2.19 s; before aec-bt2 1.69-2.03 s)', () => {
    for (const r of bt) {
      expect(r.beyondMs, r.figures.scene).toBeGreaterThan(r.echoDelayMs - 24);
      expect(r.beyondMs, r.figures.scene).toBeLessThanOrEqual(r.echoDelayMs);
      expect(r.beyondAtS, r.figures.scene).toBeGreaterThan(0);
      expect(r.beyondAtS, r.figures.scene).toBeLessThan(2.5);
    }
  });
  it('and cancels it once the search widens: single talk >= 37 dB, leaks <= 0.5%, 20 dB within 2 s (measured 39.3-43.1 dB, 0-0.2%, 810-1730 ms; before aec-bt2 39.6-43.2 dB, 0-0.7%, 1200-1760 ms; before aec-bt 0.2-1.4 dB, 61-82% leaks)', () => {
    for (const r of bt) {
      const f = r.figures;
      expect(f.singleTalk.frames, f.scene).toBeGreaterThanOrEqual(50);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(37);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.005);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(2000);
    }
  });
  it('keeps the user: >= 78% of double-talk frames clean, no utterance never delivered, the cold starts >= 78% of the first reply (measured 80.2-98.8%, none lost; before aec-bt2 74.8-98.6%; before aec-bt 59.6-83.0%; with maxDelayMs 500 from the start 88.9-98.8%: What is still weak)', () => {
    for (const r of bt) {
      const f = r.figures;
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.78);
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
      if (f.coldStart) {
        expect(f.coldStart.share, f.scene).toBeGreaterThanOrEqual(0.78);
        expect(f.coldStart.neverPassed, f.scene).toBe(0);
      }
    }
  });
  it('widens for the 420 ms echo of a call at 6 dB within 2 s and cancels it in every room: single talk >= 37 dB, leaks <= 1% (measured 41.1 / 40.9 / 42.0 dB in the laptop, desk and kiosk, 0%; the kiosk 16.8 dB, 1.5% before aec-bt10: the suppressor took the echo arriving past the search for the user until 2.81 s; before aec-bt2 21.8 / 25.3 dB in the laptop and desk)', () => {
    expect(late.map((r) => r.figures.scene)).toEqual([
      'laptop 16k call 420ms 6dB bt +100ppm 20dB 7k',
      'desk 16k call 420ms 6dB bt -100ppm 20dB 7k',
      'kiosk 16k call 420ms 6dB bt +100ppm 20dB 7k',
    ]);
    for (const r of late) {
      const f = r.figures;
      expect(r.beyondAtS, f.scene).toBeGreaterThan(0);
      expect(r.beyondAtS, f.scene).toBeLessThan(2);
      expect(f.singleTalk.frames, f.scene).toBeGreaterThanOrEqual(50);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(37);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
    }
  });
  it("keeps its onset when a reply resumes under the user: the desk's 350 ms 6 dB call 31 samples late, single talk >= 40 dB (the issue's bound), leaks <= 1% (measured 43.1 dB, 0%; 35.2 dB, 0.2% before aec-onset16: the onset and the filter jumped 344 -> 0 ms at 9.12 s)", () => {
    expect(resumed?.scene).toBe('desk 16k call 350ms 6dB bt -50ppm 25dB +31');
    const f = resumed!;
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(50);
    expect(f.singleTalk.reductionDb).toBeGreaterThanOrEqual(40);
    expect(f.singleTalk.leakShare).toBeLessThanOrEqual(0.01);
  });
  it("does not restart at a reply's end in a warm fade: the desk's 24 kHz 420 ms 6 dB cold start 97 samples late, single talk >= 40 dB (the issue's bound), leaks <= 1% (measured 41.6 dB, 0%; 33.1 dB, 0.5% before aec-btcost17: a divergence counted while the reply's echo faded, its estimate over twice the mic, emptied the foreground at 17.62 s)", () => {
    expect(faded?.scene).toBe('desk 24k cold-start 420ms 6dB bt -100ppm 20dB 7k +97');
    const f = faded!;
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(50);
    expect(f.singleTalk.reductionDb).toBeGreaterThanOrEqual(40);
    expect(f.singleTalk.leakShare).toBeLessThanOrEqual(0.01);
  });
  it('never sets the flag where the echo lies within maxDelayMs', () => {
    expect(within.map((r) => r.figures.scene)).toEqual(WITHIN);
    for (const r of within) expect(r.beyondMs, r.figures.scene).toBe(-1);
  });
});
