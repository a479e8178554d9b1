// A scene held at today's figures in a codec test (echo-sbc, echo-lc3): its single-talk floor and leak
// ceiling, checked the same way in each.
import { expect } from 'vitest';
import type { EchoFigures } from './echo-metrics.js';

/** A scene's single-talk floor (dB) and leak ceiling (share of single-talk frames), just under / over what was measured. */
export type HeldScene = { scene: string; minDb: number; maxLeaks: number };

/** At least 50 single-talk frames, the reduction at least `minDb`, the leaks at most `maxLeaks`. */
export function expectHeld(f: EchoFigures, { scene, minDb, maxLeaks }: HeldScene): void {
  expect(f.singleTalk.frames, scene).toBeGreaterThanOrEqual(50);
  expect(f.singleTalk.reductionDb, scene).toBeGreaterThanOrEqual(minDb);
  expect(f.singleTalk.leakShare, scene).toBeLessThanOrEqual(maxLeaks);
}
