// Live capture in headless Chromium from its fake microphone, fed a fixture WAV: at the 48 kHz
// mono it reports with the default (processing on) constraints, and the 44.1 kHz stereo it reports
// with processing off. The chunks must be valid 24 kHz PCM16 in contiguous stream time, and their
// content must match the fixture resampled (normalised cross-correlation at the best lag).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLibraryPage, type LibraryPage } from '../helpers/browser.js';
import { SPEECH_48K_PATH, speech24k } from '../helpers/speech-fixture.js';
import { decodeBase64, pcm16ToFloat } from '../../src/index.js';

interface Chunk {
  type: string;
  base64: string;
  startMs: number;
  durationMs: number;
  frames: number;
}

/** Best normalised correlation of `segment` against `reference` (treated as looping). */
function bestCorrelation(segment: Float32Array, reference: Float32Array): { r: number; lag: number } {
  let segEnergy = 0;
  for (const v of segment) segEnergy += v * v;
  const n = segment.length;
  const m = reference.length;
  let best = { r: 0, lag: -1 };
  for (let lag = 0; lag < m; lag++) {
    let dot = 0;
    let refEnergy = 0;
    for (let i = 0; i < n; i++) {
      const x = reference[(lag + i) % m]!;
      dot += x * segment[i]!;
      refEnergy += x * x;
    }
    const r = dot / Math.sqrt(segEnergy * refEnergy + 1e-20);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

describe("live capture from Chromium's fake microphone", () => {
  const reference = speech24k();

  const cases = [
    // With the browser's own processing on, WebRTC's noise suppression and gain control reshape
    // the waveform (0.82 measured); with it off the chunks are the fixture itself (1.0000 measured).
    { name: 'default constraints (processing on)', constraints: {}, rate: 48000, channels: 1, minCorrelation: 0.75 },
    {
      name: 'processing off',
      constraints: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 2 },
      rate: 44100,
      channels: 2,
      minCorrelation: 0.99,
    },
  ];
  for (const variant of cases) {
    describe(variant.name, () => {
      let opened: LibraryPage;
      let page: Page;
      beforeAll(async () => {
        opened = await openLibraryPage({
          args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH_48K_PATH}`],
        });
        page = opened.page;
      });
      afterAll(() => opened?.close());

      it(`captures at the ${variant.rate} Hz the microphone reports and sends 24 kHz chunks matching the fixture`, async () => {
        const result = await page.evaluate(async (constraints) => {
          const lib = (window as any).pcm;
          const mic = await lib.openMicrophone({ constraints });
          const settings = mic.stream.getAudioTracks()[0].getSettings();
          const events: any[] = [];
          const capture = await lib.createCaptureNode(mic.context, { source: mic.source, chunkMs: 40, onEvents: (batch: any[]) => events.push(...batch) });
          const collected = new Promise<void>((resolve) => {
            const started = performance.now();
            const poll = setInterval(() => {
              if (performance.now() - started > 3500) {
                clearInterval(poll);
                resolve();
              }
            }, 100);
          });
          await collected;
          capture.close();
          const contextRate = mic.context.sampleRate;
          await mic.close();
          return { settings: { sampleRate: settings.sampleRate, channelCount: settings.channelCount }, contextRate, events };
        }, variant.constraints);

        expect(result.settings.sampleRate).toBe(variant.rate);
        expect(result.settings.channelCount).toBe(variant.channels);
        expect(result.contextRate).toBe(variant.rate); // the context runs at the microphone's rate
        const chunks = (result.events as Chunk[]).filter((e) => e.type === 'audio');
        expect(chunks.length).toBeGreaterThan(50); // > 2 s of 40 ms chunks
        let expectedStart = 0;
        const samples: number[] = [];
        for (const chunk of chunks) {
          expect(chunk.startMs).toBeCloseTo(expectedStart, 9);
          expect(chunk.durationMs).toBe(40);
          const bytes = decodeBase64(chunk.base64);
          expect(bytes.length).toBe(960 * 2); // 40 ms of 24 kHz PCM16
          samples.push(...pcm16ToFloat(new Int16Array(bytes.buffer)));
          expectedStart += chunk.durationMs;
        }
        // the loudest half second captured, located in the fixture resampled to 24 kHz
        const window = 12000;
        let bestStart = 0;
        let bestEnergy = -1;
        for (let s = 0; s + window <= samples.length; s += 1200) {
          let e = 0;
          for (let i = s; i < s + window; i++) e += samples[i]! * samples[i]!;
          if (e > bestEnergy) [bestEnergy, bestStart] = [e, s];
        }
        expect(bestEnergy).toBeGreaterThan(window * 1e-4); // not silence
        const { r } = bestCorrelation(Float32Array.from(samples.slice(bestStart, bestStart + window)), reference);
        console.log(`${variant.name}: ${chunks.length} chunks, best correlation with the fixture ${r.toFixed(4)}`);
        expect(r).toBeGreaterThan(variant.minCorrelation);
      });
    });
  }
});
