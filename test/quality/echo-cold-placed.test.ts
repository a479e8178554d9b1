// An echo heard from the call's start that the filter could not learn because it was not placed yet
// (cold23): the kiosk's 400 ms echo lies past the default 250 ms search and is found by the widening
// ~2 s into the first reply; a filter moved to a wrong lag by a change is put right later. The
// `emerged` rule (assembly/aec-change.ts detectPathChange: 2 s of playback without the filter removing
// 3 dB, then the delay estimator's peak coherence over COHERENT_ECHO, 0.15 since switch21) took that
// echo 20-180 ms after its placement and restarted the filter, which then took the user's next words
// over the first reply. Since cold23 the restart is kept for an echo that went unheard (a muted speaker,
// headphones, then back: test/quality/echo-switch.test.ts), and an echo heard all along only makes the
// suppressor forget (what won the Bluetooth kiosk's cold start) while the placed filter learns on.
// Measured with `node bench/echo-lab.mjs scenes /tmp/main7627-dist dist --groups quiet,moving,bt24
// --scenes 'kiosk 16k cold-start 400ms 6dB$|desk 16k call 120ms 18dB moving hand|kiosk 24k cold-start
// 420ms 6dB bt \+100ppm 20dB 7k' --shifts 0` (the lab's defaults: no maxDelayMs), main 7627757 -> cold23:
// - kiosk 16 kHz 400 ms 6 dB cold start: double talk 82.2 -> 87.2%, openings median 165 -> 75 ms
//   (main c118433, the bar at 0.3: 88.3%, 75 ms);
// - desk 16 kHz 120 ms 18 dB, a hand moving near it: double talk 89.0 -> 91.8% (c118433 90.4%);
// - Bluetooth kiosk 24 kHz 420 ms 6 dB cold start: single talk 41.8 -> 41.9 dB (c118433 22.5 dB).
import { beforeAll, describe, expect, it } from 'vitest';
import { echoCanceller } from '../helpers/echo-cancellers.js';
import { bluetoothGroup, movingGroup, quietGroup } from '../helpers/echo-grid.js';
import { evaluate, type EchoFigures } from '../helpers/echo-metrics.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, sceneName, type SceneParams } from '../helpers/echo-scenes.js';

const find = (scenes: SceneParams[], name: string): SceneParams => {
  const p = scenes.find((s) => sceneName(s) === name);
  if (!p) throw new Error(`no scene ${name}`);
  return p;
};

const QUIET = 'kiosk 16k cold-start 400ms 6dB';
const MOVING = 'desk 16k call 120ms 18dB moving hand';
const BT = 'kiosk 24k cold-start 420ms 6dB bt +100ppm 20dB 7k';
const figures: Record<string, EchoFigures> = {};

beforeAll(() => {
  const runs: [string, SceneParams][] = [
    [QUIET, find(quietGroup(16000).scenes, QUIET)],
    [MOVING, find(movingGroup(16000).scenes, MOVING)],
    [BT, find(bluetoothGroup(24000).scenes, BT)],
  ];
  for (const [name, params] of runs) figures[name] = evaluate(echoCanceller, buildScene(params));
  console.log(`\nan echo heard from the start, placed late (defaults)\n${sceneTable(Object.values(figures))}`);
}, 600_000); // (generous for a loaded CI machine)

describe('EchoCanceller with an echo heard from the start that it placed late', () => {
  it('keeps the user over the kiosk 400 ms cold start: >= 86% of double talk, openings median <= 100 ms (measured 87.2%, 75 ms; main 7627757 82.2%, 165 ms)', () => {
    const f = figures[QUIET]!;
    expect(f.doubleTalk.cleanShare).toBeGreaterThanOrEqual(0.86);
    expect(f.doubleTalk.openingMedianMs).toBeLessThanOrEqual(100);
    expect(f.doubleTalk.neverPassed).toBe(0);
  });
  it('keeps the user beside a moving hand: >= 90.5% of double talk (measured 91.8%; main 7627757 89.0%)', () => {
    expect(figures[MOVING]!.doubleTalk.cleanShare).toBeGreaterThanOrEqual(0.905);
  });
  it('still cancels the Bluetooth kiosk 420 ms cold start: single talk >= 40 dB, leaks <= 0.2% (measured 41.9 dB, 0%; main c118433 22.5 dB, 0.7%)', () => {
    const f = figures[BT]!;
    expect(f.singleTalk.reductionDb).toBeGreaterThanOrEqual(40);
    expect(f.singleTalk.leakShare).toBeLessThanOrEqual(0.002);
  });
});
