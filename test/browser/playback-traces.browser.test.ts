// The playback worklet on the arrival traces of fixtures/playback: an OfflineAudioContext renders
// the playback node at 48 kHz while the trace's deltas, ends and barge-ins arrive at their quanta
// (the render is suspended at each arrival: deltas and interrupts go through the node's port, a
// stats request that the processor answers after them, then it resumes). The samples must be the
// Node PlaybackPipeline's on the same arrivals (test/helpers/playback-trace.ts), 100 ms block by
// block, and so must the underrun count and the played frames. Engines without
// OfflineAudioContext.suspend (Firefox) cannot deliver audio mid-render: there the test asserts
// that suspend is still missing (so a Firefox that gains it fails here and gets compared).
// About 2-4 s per engine (four traces of speech, 20-30 s each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';
import { digest } from '../helpers/browser-scenes.js';
import { ItemAudio, QUANTUM, TRACE_NAMES, loadTrace, quantumOf, runTrace, speechSource, type Trace } from '../helpers/playback-trace.js';

const RATE = 48000;
type Op = { type: 'delta'; itemId: string; base64: string } | { type: 'end'; itemId: string } | { type: 'interrupt' };
interface Script {
  frames: number;
  steps: Array<{ quantum: number; ops: Op[] }>;
}

/** The trace as the page delivers it: the ops due before each quantum's read, in order. */
function script(trace: Trace, source: Int16Array, frames: number): Script {
  const audio = new ItemAudio(source);
  const steps: Script['steps'] = [];
  for (const e of trace.events) {
    const quantum = quantumOf(e.atMs, RATE);
    let op: Op | undefined;
    if (e.type === 'audio') {
      const pcm = audio.next(e.itemId!, e.frames!);
      op = { type: 'delta', itemId: e.itemId!, base64: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64') };
    } else if (e.type === 'done') op = { type: 'end', itemId: e.itemId! };
    else if (e.type === 'barge_in') op = { type: 'interrupt' };
    if (op === undefined) continue;
    if (steps.at(-1)?.quantum !== quantum) steps.push({ quantum, ops: [] });
    steps.at(-1)!.ops.push(op);
  }
  return { frames, steps };
}

/** In the page: render the playback node, delivering each step at its quantum. */
async function renderTrace(s: Script & { rate: number; quantum: number }) {
  const w = window as any;
  const context = new OfflineAudioContext(1, s.frames, s.rate);
  const playback = await w.pcm.createPlaybackNode(context, { progressIntervalMs: 0 });
  const deliver = async (ops: Op[]) => {
    for (const op of ops) {
      if (op.type === 'delta') playback.pushDelta(op.base64, op.itemId);
      else if (op.type === 'end') playback.endItem(op.itemId);
      else await playback.interrupt();
    }
    await playback.getStats(); // answered after the ops were taken in (the port keeps order)
  };
  const pending: Promise<void>[] = [];
  for (const step of s.steps) {
    if (step.quantum === 0) {
      await deliver(step.ops);
      continue;
    }
    pending.push(
      context.suspend((step.quantum * s.quantum) / s.rate).then(async () => {
        await deliver(step.ops);
        await context.resume();
      }),
    );
  }
  const rendered = await context.startRendering();
  await Promise.all(pending);
  const stats = await playback.getStats();
  return { output: w.f32ToBase64(rendered.getChannelData(0)), underruns: stats.underruns, playedFrames: stats.playedFrames };
}

const PAGE = `<!doctype html><script>
window.f32ToBase64 = (f) => {
  const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
};
</script><script type="module">
import * as pcm from '/dist/browser.js';
window.pcm = pcm;
window.loaded = true;
</script>`;

const speech = speechSource();

describe.each(ENGINES)('playback worklet on the arrival traces in %s', (engine) => {
  let opened: LibraryPage;
  let page: EnginePage;
  let canSuspend = false;

  beforeAll(async () => {
    opened = await openLibraryPage(engine, { html: PAGE });
    page = opened.page;
    canSuspend = await page.evaluate(() => typeof OfflineAudioContext.prototype.suspend === 'function');
  }, 120_000);
  afterAll(() => opened?.close());

  const lacksSuspend = engine.startsWith('firefox');
  if (lacksSuspend) {
    it('has no OfflineAudioContext.suspend, so no trace can arrive mid-render (compared in Chromium and WebKit)', () => {
      expect(canSuspend).toBe(false);
    });
    return;
  }
  for (const name of TRACE_NAMES) {
    it(`${name}: the same samples, underruns and played frames as the Node pipeline`, async () => {
      expect(canSuspend).toBe(true);
      const trace = loadTrace(name);
      const node = runTrace(trace, speech, {}, RATE);
      const frames = node.output.length;
      const run = await page.evaluate(renderTrace, { ...script(trace, speech, frames), rate: RATE, quantum: QUANTUM });
      const expected = digest({ events: [], output: Buffer.from(node.output.buffer, node.output.byteOffset, node.output.byteLength).toString('base64') }, RATE);
      const actual = digest({ events: [], output: run.output }, RATE);
      expect(actual.outputBlocks).toEqual(expected.outputBlocks);
      expect(run.underruns).toBe(node.stats.underruns);
      expect(run.playedFrames).toBe(node.stats.playedFrames);
    }, 120_000);
  }
});
