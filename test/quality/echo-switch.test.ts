// The echo canceller when the output device switches mid-call (switch21; bench/echo-lab/switch.mjs,
// the lab's groups switch / switch24): the user connects Bluetooth earbuds or the OS moves the output,
// so the echo's delay jumps by hundreds of ms, or the echo vanishes (headphones plugged in) and comes
// back. The lab's own path changes are +-30..40 ms. Here, at 16 kHz 12 dB in the laptop, desk and kiosk:
// - the echo gone 3-13 s into the cold-start script (two replies), then back on the same path. The
//   vanish is declared a path change (the old model's error over the mic); 10 s later the filter has
//   learned nothing, and the returning echo is an echo the filter never learned (assembly/aec-change.ts
//   detectPathChange, `emerged`), which needs the delay estimator's peak coherence over COHERENT_ECHO.
//   The kiosk's echo reads 0.2-0.33 there: over main c118433's 0.3 for under 80 ms, so the filter
//   relearned under the talk flag and the second reply leaked 5.6 s. Measured (`node bench/echo-lab.mjs
//   scenes /tmp/mainc118-dist dist --groups switch --scenes gone --shifts 0`), single talk / leaks:
//   main kiosk 4.8 dB / 32.8%, laptop 19.5 / 1.5%, desk 19.2 / 1.3%; with COHERENT_ECHO 0.15 31.6 / 0.4%,
//   37.4 / 0%, 29.5 / 0.4%.
// - jumps of +300 ms (120 -> 420 ms, past maxDelayMs: the widened search) and -200 ms (320 -> 120 ms) at
//   5 s, the new path the same response or another (`move`): single talk 36.1-39.1 dB, no leaks, 96.9-100%
//   of double talk, every utterance delivered (main and this build alike). Back to 20 dB within 1 s after
//   the -200 ms jumps (100-360 ms), but not after the +300 ms ones (930-2650 ms: the placement past the
//   search takes ~0.4 s of echo, the filter then converges in 1-2 s under the user: as the Bluetooth
//   scenes' known weakness, docs/echo-canceller.md "A Bluetooth speaker"): `it.fails` holds that.
import { beforeAll, describe, expect, it } from 'vitest';
import { echoCanceller } from '../helpers/echo-cancellers.js';
import { evaluate, type EchoFigures } from '../helpers/echo-metrics.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, type SceneParams } from '../helpers/echo-scenes.js';

const ROOMS = ['laptop', 'desk', 'kiosk'] as const;
const GONE: SceneParams[] = ROOMS.map((room) => ({
  room,
  sampleRate: 16000,
  delayMs: 120,
  erlDb: 12,
  script: 'cold-start',
  gone: { fromS: 3, toS: 13 },
  seed: 5,
}));
const JUMPS: SceneParams[] = ROOMS.flatMap((room) =>
  [
    { delayMs: 120, shiftMs: 300 },
    { delayMs: 320, shiftMs: -200 },
  ].flatMap(({ delayMs, shiftMs }) =>
    [false, true].map(
      (move): SceneParams => ({ room, sampleRate: 16000, delayMs, erlDb: 12, script: 'call', pathChange: { atS: 5, move, shiftMs }, seed: 12 }),
    ),
  ),
);

const gone: EchoFigures[] = [];
const jumps: EchoFigures[] = [];

beforeAll(() => {
  for (const params of GONE) gone.push(evaluate(echoCanceller, buildScene(params)));
  for (const params of JUMPS) jumps.push(evaluate(echoCanceller, buildScene(params)));
  console.log(`\nthe output device switched mid-call (16 kHz, 12 dB)\n${sceneTable([...gone, ...jumps])}`);
}, 900_000); // (generous for a loaded CI machine)

describe('EchoCanceller when the output device switches mid-call', () => {
  it('covers the scenes of the lab group switch', () => {
    expect(gone.map((f) => f.scene)).toEqual(ROOMS.map((r) => `${r} 16k cold-start 120ms 12dB gone 3-13s`));
    expect(jumps.map((f) => f.scene)).toContain('kiosk 16k call 120ms 12dB change@5s move shift 300ms');
    expect(jumps.map((f) => f.scene)).toContain('desk 16k call 320ms 12dB change@5s shift -200ms');
    expect(jumps).toHaveLength(12);
  });
  it('the echo gone 10 s and back: single talk >= 27 dB, leaks <= 0.6% in each room (measured 37.4 / 29.5 / 31.6 dB, 0 / 0.4 / 0.4%; main c118433 19.5 / 19.2 / 4.8 dB, 1.5 / 1.3 / 32.8%)', () => {
    for (const f of gone) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(27);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.006);
    }
  });
  it('jumps of +300 / -200 ms at 5 s: single talk >= 35 dB, no audible leaks, >= 95% of double talk, every utterance delivered (measured 36.1-39.1 dB, 0%, 96.9-100%)', () => {
    for (const f of jumps) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(35);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.002);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.95);
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
    }
  });
  it('back to 20 dB within 1 s of a -200 ms jump (measured 100-360 ms)', () => {
    for (const f of jumps.filter((j) => j.scene.includes('-200ms'))) {
      expect(f.convergence.pathChangeMs, f.scene).not.toBeNull();
      expect(f.convergence.pathChangeMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  // the echo past maxDelayMs after the jump: placed by the widened search ~0.4 s into it, the filter then
  // converges in 1-2 s while the user talks (laptop 2540 / 2530 ms, desk 1070 / 2600, kiosk 2650 / 930)
  it.fails('back to 20 dB within 1 s of a +300 ms jump (known weak: 930-2650 ms)', () => {
    for (const f of jumps.filter((j) => j.scene.includes('shift 300ms'))) {
      expect(f.convergence.pathChangeMs, f.scene).not.toBeNull();
      expect(f.convergence.pathChangeMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
});
