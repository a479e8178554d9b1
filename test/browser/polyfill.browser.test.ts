// The documented fallback for browsers without AudioWorklet: with AudioWorkletNode and
// audioWorklet removed from the page, audioworklet-polyfill (ScriptProcessorNode underneath,
// processors on the main thread) runs the playback processor; deltas play and interrupt answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';
import { encodeBase64 } from '../../src/index.js';

const PAGE = `<!doctype html>
<script>
  // a browser without AudioWorklet
  delete window.AudioWorkletNode;
  Object.defineProperty(BaseAudioContext.prototype, 'audioWorklet', { get() { return undefined; }, configurable: true });
</script>
<script src="/node_modules/audioworklet-polyfill/dist/audioworklet-polyfill.js"></script>
<script type="module">
import * as pcm from '/dist/browser.js';
window.pcm = pcm;
window.loaded = true;
</script>`;

describe.each(REALTIME_ENGINES)('%s without AudioWorklet, through audioworklet-polyfill', (engine) => {
  let opened: LibraryPage;
  let page: EnginePage;
  beforeAll(async () => {
    opened = await openLibraryPage(engine, { html: PAGE });
    page = opened.page;
  }, 120_000);
  afterAll(() => opened?.close());

  it('plays deltas with the playback processor on the main thread and interrupts', async () => {
    const tone = new Int16Array(48000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24000))); // 2 s at 24 kHz
    const result = await page.evaluate(
      async (delta) => {
        const lib = (window as any).pcm;
        const context = new AudioContext();
        await context.resume();
        const playback = await lib.createPlaybackNode(context, { workletUrl: '/dist/worklet.js' });
        const emulated = playback.node instanceof ScriptProcessorNode;
        playback.pushDelta(delta, 'item_1');
        playback.endItem('item_1');
        // until half a second has played (a failure after 10 s)
        const started = performance.now();
        let stats = await playback.getStats();
        while (stats.playedFrames < context.sampleRate / 2 && performance.now() - started < 10000) {
          await new Promise((r) => setTimeout(r, 50));
          stats = await playback.getStats();
        }
        const interruption = await playback.interrupt();
        await context.close();
        return { emulated, native: typeof AudioWorkletNode, stats, interruption, rate: context.sampleRate };
      },
      encodeBase64(new Uint8Array(tone.buffer)),
    );
    console.log(
      `${engine} polyfill: ${result.stats.quanta} callbacks, played ${((result.stats.playedFrames / result.rate) * 1000).toFixed(0)} ms, interrupted at ${result.interruption.playedMs.toFixed(1)} ms`,
    );
    expect(result.emulated).toBe(true);
    expect(result.stats.receivedFrames).toBe(48000);
    expect(result.stats.playedFrames).toBeGreaterThan(0);
    expect(result.interruption.itemId).toBe('item_1');
    expect(result.interruption.playedMs).toBeGreaterThan(100);
    expect(result.interruption.playedMs).toBeLessThan(2000);
  });
});
