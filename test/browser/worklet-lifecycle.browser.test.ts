// Worklet processors created, used and closed many times in one running AudioContext (issue
// 14.1), in Chromium, the engine whose AudioWorklet heap a test can read (DevTools): each cycle a
// capture node (VAD, echo gate linked to a playback node) and a playback node, each asked for its
// stats and fed, then closed. Closing frees the processors' kernel memory in the AudioWorklet
// scope: it does not move at all after a warm-up (read from the processors' own stats); and both
// ends of the node's port are closed, so the engine drops the processor: the worklet's heap and
// array buffers, after garbage collection on both threads, stay flat. (With the ports left open,
// Chromium kept every closed processor, its pipelines' arrays included: 6 KB of heap and 203 KB
// of array buffers a pair.) Cycles: 1,000 (about 3 s); LONG=1: 100,000 (the kernel figures
// are exact, so the default count shows the same per-cycle growth: none).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ENGINES, openLibraryPage, type LibraryPage } from '../helpers/browser.js';
import { workletHeap } from '../helpers/browser-chromium.js';

const CYCLES = process.env.LONG === '1' ? 100_000 : 1_000;
const WARM_UP = 200;

describe.skipIf(!ENGINES.includes('chromium'))('worklet processors created, used and closed in chromium', () => {
  let opened: LibraryPage;
  let page: Page;

  beforeAll(async () => {
    opened = await openLibraryPage('chromium');
    page = opened.browser.native!(opened.page) as Page;
  }, 120_000);
  afterAll(() => opened?.close());

  it(`${CYCLES} capture + playback processors: kernel memory of the worklet scope exactly flat, heap bounded`, async () => {
    await page.evaluate(async () => {
      const w = window as any;
      w.lifecycleContext = new AudioContext({ sampleRate: 48000 });
      await w.lifecycleContext.resume();
      // rendering nodes: a source for the capture nodes, a silent sink for the playback nodes
      const source = new ConstantSourceNode(w.lifecycleContext, { offset: 0.01 });
      const silent = new GainNode(w.lifecycleContext, { gain: 0 });
      silent.connect(w.lifecycleContext.destination);
      source.start();
      w.lifecycleGraph = { source, silent };
      w.cycles = async (count: number) => {
        const context = w.lifecycleContext;
        const { source, silent } = w.lifecycleGraph;
        const delta = btoa(String.fromCharCode(...new Uint8Array(960)));
        for (let i = 0; i < count; i++) {
          const playback = await w.pcm.createPlaybackNode(context, { linkId: 'call', destination: silent, maxPlaybackMs: 1000 });
          const capture = await w.pcm.createCaptureNode(context, { source, linkId: 'call', echoGate: true, vad: true });
          playback.pushDelta(delta, 'item');
          await playback.getStats();
          await capture.flush();
          capture.close();
          playback.close();
        }
        // the scope's kernel memory, as a fresh processor reports it
        const probe = await w.pcm.createPlaybackNode(context, { destination: null, maxPlaybackMs: 100 });
        const stats = await probe.getStats();
        probe.close();
        return { memoryBytes: stats.kernelMemoryBytes, liveBytes: stats.kernelLiveBytes };
      };
    });
    const cycles = (count: number) => page.evaluate((n) => (window as any).cycles(n), count) as Promise<{ memoryBytes: number; liveBytes: number }>;
    const pageSession = await page.context().newCDPSession(page);
    /** The worklet heap once closed processors have rendered (returned false) and both threads collected garbage. */
    const settledHeap = async () => {
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
      await pageSession.send('HeapProfiler.collectGarbage'); // the nodes, on the main thread
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
      return heap.usage();
    };
    await cycles(WARM_UP);
    const heap = await workletHeap(page);
    const kernelBefore = await cycles(1);
    const heapBefore = await settledHeap();
    const started = performance.now();
    const kernelAfter = await cycles(CYCLES);
    const seconds = (performance.now() - started) / 1000;
    const heapAfter = await settledHeap();
    const growth = heapAfter.usedSize - heapBefore.usedSize;
    const backingGrowth = heapAfter.backingStorageSize - heapBefore.backingStorageSize;
    console.log(
      `chromium: ${CYCLES} capture + playback processors in ${seconds.toFixed(1)} s; worklet kernel memory ${kernelBefore.memoryBytes / 1048576} -> ${kernelAfter.memoryBytes / 1048576} MiB, ` +
        `live ${kernelBefore.liveBytes} -> ${kernelAfter.liveBytes} bytes; worklet heap ${heapBefore.usedSize} -> ${heapAfter.usedSize} bytes (${(growth / CYCLES).toFixed(0)} per pair), array buffers ${backingGrowth >= 0 ? '+' : ''}${backingGrowth} bytes`,
    );
    expect(kernelAfter.memoryBytes).toBe(kernelBefore.memoryBytes);
    expect(kernelAfter.liveBytes).toBe(kernelBefore.liveBytes);
    // a pair that stayed alive would hold 6 KB of heap and 203 KB of array buffers
    expect(growth).toBeLessThan(128 * 1024);
    expect(Math.abs(backingGrowth)).toBeLessThan(64 * 1024);
  }, 600_000);
});
