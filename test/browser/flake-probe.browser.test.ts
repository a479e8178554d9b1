// A probe for a flake, not a test (skipped unless PROBE_RUNS is set; aec-stats3, docs/NOTES.md): renders
// one processor scene (capture-44100 by default) PROBE_RUNS times in one page of one engine (WebKit by
// default) and reports every run whose events differ from Node's, with the quanta the processor took
// in and the shift of its audio. PROBE_STRESS=graph makes the page's main thread take the context's
// graph lock over and over while it renders (GainNodes connected and disconnected), PROBE_STRESS=gc
// allocates on it; PROBE_KEEP=1 keeps every context and node alive (as processors.browser.test.ts
// does), PROBE_ALTERNATE=1 renders capture-48000 before each run. JSC options reach WebKit's web
// process as environment variables (JSC_useOMGJIT=0 ...).
//   PROBE_RUNS=300 npx vitest run test/browser/flake-probe.browser.test.ts
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineName, EnginePage, LibraryPage } from '../helpers/browser.js';
import { PROCESSOR_PAGE } from '../helpers/processor-page.js';
import { audioDifference, sentPcm } from '../helpers/sent-audio.js';

// the helpers are imported when the probe runs: skipped, it costs CI nothing (the scenes take seconds to build)
const helpers = async () => ({ ...(await import('../helpers/browser.js')), ...(await import('../helpers/browser-scenes.js')) });
const ENGINE = (process.env.PROBE_ENGINE ?? 'webkit') as EngineName;
const RUNS = Number(process.env.PROBE_RUNS ?? 40);
const SCENE_NAME = process.env.PROBE_SCENE ?? 'capture-44100';

type Args = { frames: number; sampleRate: number; expected: number } & Record<string, any>;

async function renderCapture(a: Args) {
  const w = window as any;
  const context = new OfflineAudioContext(1, a.frames, a.sampleRate);
  const source = w.bufferSource(context, a.samples, a.frames);
  const events: any[] = [];
  const capture = await w.pcm.createCaptureNode(context, { ...a.options, source, onEvents: (batch: any[]) => events.push(...batch) });
  source.start();
  const t0 = performance.now();
  const rendering = context.startRendering();
  let done = false;
  rendering.then(() => (done = true));
  let touches = 0;
  if (a.stress === 'graph') {
    // hold this context's graph lock from the main thread, again and again, while it renders
    while (!done && performance.now() - t0 < 5000) {
      const g = new GainNode(context);
      g.connect(context.destination);
      g.disconnect();
      touches++;
      if (touches % 50 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  } else if (a.stress === 'gc') {
    while (!done && performance.now() - t0 < 5000) {
      const junk = [];
      for (let i = 0; i < 2000; i++) junk.push(new Float32Array(256));
      touches++;
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  await rendering;
  const renderMs = performance.now() - t0;
  await w.until(() => events.length >= a.expected, 20000, 'the capture events');
  const stats = await capture.getStats();
  if (!a.keep) capture.close();
  else (window as any).kept = [...((window as any).kept ?? []), context, capture];
  return { events, output: '', quanta: stats.quanta, renderMs, touches, liveBytes: stats.kernelLiveBytes };
}

describe.skipIf(process.env.PROBE_RUNS === undefined)(`probe ${SCENE_NAME} in ${ENGINE}`, () => {
  let opened: LibraryPage;
  let page: EnginePage;
  beforeAll(async () => {
    opened = await (await helpers()).openLibraryPage(ENGINE, { html: PROCESSOR_PAGE });
    page = opened.page;
  }, 120_000);
  afterAll(() => opened?.close());

  it(`${RUNS} renders`, { timeout: 3_600_000 }, async () => {
    const { SCENES, digest } = await helpers();
    const SCENE = SCENES.find((s) => s.name === SCENE_NAME)!;
    const node = SCENE.node();
    const want = digest(node, SCENE.sampleRate);
    const wantPcm = sentPcm(node.events);
    const bad: string[] = [];
    const other = SCENES.find((x) => x.name === 'capture-48000')!;
    for (let r = 0; r < RUNS; r++) {
      if (process.env.PROBE_ALTERNATE === '1') {
        await page.evaluate(renderCapture, {
          ...other.input(),
          frames: other.frames,
          sampleRate: other.sampleRate,
          keep: process.env.PROBE_KEEP === '1',
          expected: (digest(other.node(), other.sampleRate).events as unknown[]).length,
        } as Args);
      }
      const run = (await page.evaluate(renderCapture, {
        ...SCENE.input(),
        frames: SCENE.frames,
        sampleRate: SCENE.sampleRate,
        stress: process.env.PROBE_STRESS,
        keep: process.env.PROBE_KEEP === '1',
        expected: (want.events as unknown[]).length,
      } as Args)) as { events: Record<string, unknown>[]; output: string; quanta: number; renderMs: number; touches: number; liveBytes: number };
      const got = digest(run, SCENE.sampleRate);
      const same = isDeepStrictEqual(got.events, want.events);
      let line = `run ${r}: ${same ? 'same' : 'DIFFERENT'} quanta ${run.quanta} of ${SCENE.frames / 128}, render ${run.renderMs.toFixed(0)} ms, touches ${run.touches}, kernel live bytes ${run.liveBytes}, events ${run.events.length}`;
      if (!same) {
        const firstDiff = (got.events as unknown[]).findIndex((e, i) => !isDeepStrictEqual(e, (want.events as unknown[])[i]));
        line += `; first differing event ${firstDiff} ${JSON.stringify((got.events as unknown[])[firstDiff])}; ${audioDifference(sentPcm(run.events), wantPcm)}`;
        bad.push(line);
      }
      console.log(line);
    }
    console.log(`${bad.length} of ${RUNS} differed`);
    expect(bad).toEqual([]);
  });
});
