// The goldens of the processor scenes (test/helpers/browser-scenes.ts), from the Node pipelines:
// one file per scene in fixtures/browser/golden/, which every engine's rendering must equal
// (processors.browser.test.ts). When a pipeline's output changes on purpose, rewrite them with
// `npx vitest run test/browser/goldens.test.ts -u` and review the diff.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { GOLDEN_DIR, SCENES, digest } from '../helpers/browser-scenes.js';

describe('browser scene goldens from the Node pipelines', () => {
  for (const scene of SCENES) {
    it(`${scene.name}: the Node run equals fixtures/browser/golden/${scene.name}.json`, async () => {
      const golden = digest(scene.node(), scene.sampleRate);
      expect((golden.events as unknown[]).length).toBeGreaterThan(0);
      await expect(`${JSON.stringify(golden, null, 1)}\n`).toMatchFileSnapshot(join(GOLDEN_DIR, `${scene.name}.json`));
    });
  }
});
