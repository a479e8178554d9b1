// Ours behind the browser's own capture processing (issue 13: `connectRealtimeAudio` keeps
// getUserMedia's echoCancellation, noiseSuppression and autoGainControl on and runs ours on what
// they leave). The browser is webrtc-audio-processing 0.3 (the engine Chromium's canceller descends
// from) with its high-pass filter, echo canceller told the delay, noise suppression and adaptive
// digital gain control, run by bench/echo-browser.bench.mjs on six of the lab's 16 kHz scenes and
// committed in fixtures/echo-browser (int16 output and its gain per ms; checksums in the manifest).
// Each scene is measured three ways by the lab's metrics (test/helpers/echo-browser.ts: the
// browser's high-pass and gain are excused, its suppression is not): the browser alone, ours alone
// on the raw mic, and the stack (ours on the browser's output).
// Cost: about 8 s (6 scenes of 16-33 s built, ours run twice on each; 3 more scenes once).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_DIR, browserManifest, browserScene, echoFrom, loadBrowserFixture } from '../helpers/echo-browser.js';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs } from '../helpers/echo-ours.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, sameFingerprint, sceneFingerprint } from '../helpers/echo-scenes.js';
import { MAIN_ROOMS } from '../helpers/echo-sources.js';

interface Row {
  scene: string;
  browser: EchoFigures;
  ours: EchoFigures;
  stack: EchoFigures;
  pathChanges: { ours: number; stack: number };
  fingerprintOk: boolean;
}
const rows: Row[] = [];
const manifest = browserManifest();

beforeAll(() => {
  for (const entry of manifest.fixtures) {
    const scene = buildScene(entry.params);
    const { processed, gain } = loadBrowserFixture(entry);
    const bscene = browserScene(scene, processed, gain);
    const ours = runOurs(scene);
    const stack = runOurs(bscene);
    const named = (f: EchoFigures, canceller: string) => ({ ...f, scene: scene.name, canceller });
    rows.push({
      scene: scene.name,
      browser: named(measureEcho(bscene, bscene.mic, 'browser'), 'browser'),
      ours: measureEcho(scene, ours.output, 'EchoCanceller'),
      stack: named(measureEcho(bscene, stack.output, 'browser + EchoCanceller'), 'browser + EchoCanceller'),
      pathChanges: { ours: ours.pathChanges, stack: stack.pathChanges },
      fingerprintOk: sameFingerprint(entry.fingerprint, sceneFingerprint(scene)),
    });
  }
  console.log(
    `\nthe browser (webrtc-audio-processing 0.3: AEC + NS + AGC), ours alone, the stack\n${sceneTable(rows.flatMap((r) => [r.browser, r.ours, r.stack]))}\n\npath changes ours counted, alone / behind the browser: ${rows.map((r) => `${r.scene} ${r.pathChanges.ours} / ${r.pathChanges.stack}`).join('; ')}`,
  );
}, 600_000); // (generous for a loaded CI machine)

const isCall = (r: Row) => !r.scene.includes('change@');

describe('fixtures/echo-browser', () => {
  it('every file matches its checksum, and every scene is the one the browser processed (fingerprint)', () => {
    expect(manifest.fixtures.length).toBe(6);
    expect(manifest.latencySamples, 'the browser delays by 13 ms at 16 kHz (AEC 112 samples + NS 96)').toBeGreaterThanOrEqual(207);
    for (const f of manifest.fixtures) {
      expect(
        createHash('sha256')
          .update(readFileSync(`${BROWSER_DIR}${f.file}`))
          .digest('hex'),
        f.file,
      ).toBe(f.sha256);
      expect(
        createHash('sha256')
          .update(readFileSync(`${BROWSER_DIR}${f.gainFile}`))
          .digest('hex'),
        f.gainFile,
      ).toBe(f.gainSha256);
      expect(f.unexplainedDb, `${f.scene}: the browser's gain control acts as a gain (measured -49 to -61 dB unexplained)`).toBeLessThanOrEqual(-40);
    }
    for (const r of rows) expect(r.fingerprintOk, `${r.scene}: the scene changed since the fixture was made; rerun the bench`).toBe(true);
  });
});

describe('the browser alone (what ours receives)', () => {
  it('is close to half-duplex: <= 50% of the double-talk frames delivered clean on every call (measured 11.4-42.7%), where ours alone delivers >= 88% (measured 88.7-100%)', () => {
    for (const r of rows.filter((x) => x.browser.doubleTalk.frames >= 20)) {
      expect(r.browser.doubleTalk.cleanShare, r.scene).toBeLessThanOrEqual(0.5);
      expect(r.ours.doubleTalk.cleanShare, r.scene).toBeGreaterThanOrEqual(0.88);
    }
  });
  it('leaves a residual that is quiet on the calls (single talk >= 38 dB or 15 dB beyond the noise ceiling: its noise suppressor removes the noise too; leaks <= 0.5%) but loses a path change it was not told of (leaks >= 10%)', () => {
    for (const r of rows.filter(isCall)) {
      expect(r.browser.singleTalk.reductionDb, r.scene).toBeGreaterThanOrEqual(Math.min(38, r.browser.singleTalk.ceilingDb + 15));
      expect(r.browser.singleTalk.leakShare, r.scene).toBeLessThanOrEqual(0.005);
    }
    const change = rows.find((r) => !isCall(r))!;
    expect(change.browser.singleTalk.leakShare, change.scene).toBeGreaterThanOrEqual(0.1);
  });
});

describe('ours behind the browser (the stack)', () => {
  it("takes nothing more of the user: double talk clean within 1 point of the browser alone, the user's segSNR within 0.3 dB, no utterance lost that the browser delivered", () => {
    for (const r of rows) {
      if (r.browser.doubleTalk.frames >= 20) expect(r.stack.doubleTalk.cleanShare, r.scene).toBeGreaterThanOrEqual(r.browser.doubleTalk.cleanShare - 0.01);
      if (r.browser.userSegSnrDb !== null) expect(r.stack.userSegSnrDb!, r.scene).toBeGreaterThanOrEqual(r.browser.userSegSnrDb - 0.3);
      expect(r.stack.doubleTalk.neverPassed, r.scene).toBeLessThanOrEqual(r.browser.doubleTalk.neverPassed);
      if (r.browser.coldStart) expect(r.stack.coldStart!.share, r.scene).toBeGreaterThanOrEqual(r.browser.coldStart.share - 0.01);
    }
  });
  it('removes more echo than the browser alone on every call (or stays beyond the noise ceiling), and leaks no more than either alone there', () => {
    for (const r of rows.filter(isCall)) {
      const need = Math.min(r.browser.singleTalk.reductionDb, r.stack.singleTalk.ceilingDb - 3);
      expect(r.stack.singleTalk.reductionDb, r.scene).toBeGreaterThanOrEqual(need - 0.5);
      expect(r.stack.singleTalk.leakShare, r.scene).toBeLessThanOrEqual(Math.max(r.browser.singleTalk.leakShare, r.ours.singleTalk.leakShare) + 0.001);
    }
  });
  it("does not take the browser's moving gain for path changes: at most 2 a call (measured 0-2: its gain moves 3-11 dB within a call)", () => {
    for (const r of rows) expect(r.pathChanges.stack, r.scene).toBeLessThanOrEqual(2);
  });
  it('where the browser loses the echo (a path change it was not told of), relearns it: half the leaks, 20 dB back within 1.5 s (measured 15.5 -> 8.2%, 1.35 s; 5.75 s and no change before the unheard-echo rule)', () => {
    const r = rows.find((x) => !isCall(x))!;
    expect(r.stack.singleTalk.leakShare, r.scene).toBeLessThanOrEqual(r.browser.singleTalk.leakShare - 0.05);
    expect(r.stack.convergence.pathChangeMs, r.scene).not.toBeNull();
    expect(r.stack.convergence.pathChangeMs!, r.scene).toBeLessThanOrEqual(1500);
  });
});

// The same situation without a browser in front: the reference plays while the mic hears no echo
// (speaker muted, headphones on), then the echo appears. Before the unheard-echo rule
// (assembly/aec-block.ts detectPathChange) the filter had become certain there was no echo and its
// bound had fallen to the silence: 0.9-1.8 dB and 70-72% leaks over the next 8 s.
describe('an echo that appears after the reference played unheard 6 s (speaker turned up, headphones unplugged)', () => {
  const heard = MAIN_ROOMS.map((room) => {
    const scene = echoFrom(buildScene({ room, sampleRate: 16000, delayMs: 120, erlDb: 12, script: 'single-talk', seed: 5 }), 6);
    const run = runOurs(scene);
    return { scene, f: measureEcho(scene, run.output, 'EchoCanceller'), pathChanges: run.pathChanges };
  });
  it("is learned as at a cold start: >= 35 dB, leaks <= 0.5%, 20 dB within 0.5 s (the issue: 1 s), counted as one path change (measured 37.7-38.3 dB, 38.2-39.0 before aec-tailgate, 0%, 470-500 ms; 520 ms in the laptop and the kiosk under aec-hall6's hall cap, HALL_NEAR, until aec-cap8: the reference played unheard met its long-tail condition, so the cap needed the echo heard; since aec-tailgate the long tail counts only updates with the echo heard and ./aec-late scores only once it was heard)", () => {
    for (const { scene, f, pathChanges } of heard) {
      expect(f.singleTalk.reductionDb, scene.name).toBeGreaterThanOrEqual(35);
      expect(f.singleTalk.leakShare, scene.name).toBeLessThanOrEqual(0.005);
      expect(f.convergence.coldStartMs, scene.name).not.toBeNull();
      expect(f.convergence.coldStartMs!, scene.name).toBeLessThanOrEqual(500);
      expect(pathChanges, scene.name).toBe(1);
    }
  });
});
