// Live capture in every engine from its fake microphone, at the device rates the engine offers
// (44.1 and 48 kHz, 16 kHz where it allows one), with the context at the microphone's rate (what
// openMicrophone() does) and at another rate (the browser converts; Firefox up to ESR 140 throws
// there instead, which is why openMicrophone never does it). The chunks must be contiguous 24 kHz
// PCM16, and their correlation is measured against what entered the context (recorded beside the
// capture node, brought to 24 kHz by a reference interpolator placed on the recorder's delay) and,
// where the source is known, against it: Chromium plays the speech fixture (looped as its fake
// device loops it: fakeMicrophone24k), Firefox a 1 kHz sine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, pcm16ToFloat } from '../../src/index.js';
import { ENGINES, openLibraryPage, type EngineName, type LaunchOptions, type LibraryPage } from '../helpers/browser.js';
import { bestLoudWindow, correlationWithInput, findCorrelation, loudest } from '../helpers/browser-correlation.js';
import { fakeMicrophone24k } from '../helpers/speech-fixture.js';
import { sineFit } from '../helpers/spectrum.mjs';

interface MicCase {
  name: string;
  constraints?: Record<string, unknown>;
  /** WebKit: the mock device, by label. */
  device?: string;
  /** Give openMicrophone a context at this rate (else it makes one at the microphone's rate). */
  contextRate?: number;
  /** Start the capture this long after the microphone opened (Chromium: its file's position). */
  startAfterMs?: number;
  expected: { trackRate: number | null; contextRate: number; channels?: number };
  /** Correlation with the known source: the fixture (min r), or the 1 kHz tone (min r). */
  fixture?: number;
  tone?: number;
}
interface LimitCase {
  name: string;
  constraints: Record<string, unknown>;
  /** The error getUserMedia rejects with. */
  rejects: string;
}
interface LaunchGroup {
  launch: LaunchOptions;
  cases: MicCase[];
  limits?: LimitCase[];
}

const PROCESSING_OFF = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const MIC_16K = { name: 'a 16 kHz microphone', constraints: { sampleRate: { exact: 16000 } }, rejects: 'OverconstrainedError' };

// What each engine's fake microphone offers (measured; docs/browsers.md):
// Chromium: 48 kHz mono with processing on, 44.1 kHz stereo with it off; no other rate.
// Firefox: the fake stream runs at the audio device's rate (media.cubeb.force_sample_rate), any rate.
// WebKit: three mock devices at 44.1, 48 and 96 kHz; nothing below 44.1 kHz.
const PLAN: Partial<Record<EngineName, LaunchGroup[]>> = {
  chromium: [
    {
      launch: {},
      cases: [
        // the browser's own processing reshapes the waveform (0.70-0.82 measured, lower early on while its
        // noise suppression and gain control adapt); with it off the chunks are the fixture itself
        { name: '48 kHz (processing on)', expected: { trackRate: 48000, contextRate: 48000, channels: 1 }, fixture: 0.6 },
        {
          name: '44.1 kHz stereo (processing off)',
          constraints: { ...PROCESSING_OFF, channelCount: 2 },
          expected: { trackRate: 44100, contextRate: 44100, channels: 2 },
          fixture: 0.99,
        },
        {
          // the device restarts its file when the microphone opens; 5 s later it plays the second pass,
          // offset from the first by 46 zeros at 48 kHz (half a sample at 24 kHz): read against the
          // plain looped file 0.989-0.992 there, against the loop as the device plays it 1.0000
          name: '44.1 kHz stereo, in the second pass of the looped file',
          constraints: { ...PROCESSING_OFF, channelCount: 2 },
          startAfterMs: 5000,
          expected: { trackRate: 44100, contextRate: 44100, channels: 2 },
          fixture: 0.99,
        },
        {
          name: '44.1 kHz microphone, 48 kHz context',
          constraints: { ...PROCESSING_OFF, channelCount: 2 },
          contextRate: 48000,
          expected: { trackRate: 44100, contextRate: 48000 },
          fixture: 0.99,
        },
      ],
      limits: [MIC_16K],
    },
  ],
  firefox: [
    { launch: { deviceRate: 44100 }, cases: [{ name: '44.1 kHz device', expected: { trackRate: null, contextRate: 44100, channels: 1 }, tone: 0.99 }] },
    {
      launch: { deviceRate: 48000 },
      cases: [
        { name: '48 kHz device', expected: { trackRate: null, contextRate: 48000, channels: 1 }, tone: 0.99 },
        // Firefox's own conversion of the stream to the context's rate is not always clean (0.82 to 1.0000
        // with the tone over runs, where the context at the mic's rate gives 1.0000): what openMicrophone avoids
        { name: '48 kHz microphone, 44.1 kHz context', contextRate: 44100, expected: { trackRate: null, contextRate: 44100 }, tone: 0.5 },
      ],
    },
    { launch: { deviceRate: 16000 }, cases: [{ name: '16 kHz device', expected: { trackRate: null, contextRate: 16000, channels: 1 }, tone: 0.99 }] },
  ],
  webkit: [
    {
      launch: {},
      cases: [
        { name: '44.1 kHz device', device: 'Mock audio device 1', expected: { trackRate: 44100, contextRate: 44100 } },
        { name: '48 kHz device', device: 'Mock audio device 2', expected: { trackRate: 48000, contextRate: 48000 } },
        { name: '48 kHz microphone, 44.1 kHz context', device: 'Mock audio device 2', contextRate: 44100, expected: { trackRate: 48000, contextRate: 44100 } },
      ],
      limits: [MIC_16K],
    },
  ],
};

const RECORDER = `class Recorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.samples = new Float32Array(sampleRate * 6);
    this.frames = 0;
    this.port.onmessage = () => this.port.postMessage(this.samples.slice(0, this.frames));
  }
  process(inputs) {
    const x = inputs[0] && inputs[0][0];
    if (x) for (let i = 0; i < x.length && this.frames < this.samples.length; i++) this.samples[this.frames++] = x[i];
    return true;
  }
}
registerProcessor('recorder', Recorder);`;

interface Captured {
  settings: { sampleRate?: number; channelCount?: number };
  trackRate: number | null;
  contextRate: number;
  events: { type: string; base64: string; startMs: number; durationMs: number; frames: number }[];
  recorded: string;
}

/** In the page: openMicrophone, a capture node and a recorder on the source, until `chunks` chunks arrived. */
async function capture(a: {
  constraints?: Record<string, unknown>;
  device?: string;
  contextRate?: number;
  startAfterMs?: number;
  chunks: number;
}): Promise<Captured> {
  const lib = (window as any).pcm;
  const constraints: Record<string, unknown> = { ...a.constraints };
  if (a.device) {
    const probe = await navigator.mediaDevices.getUserMedia({ audio: true }); // labels show once permission is granted
    for (const t of probe.getTracks()) t.stop();
    const device = (await navigator.mediaDevices.enumerateDevices()).find((d) => d.kind === 'audioinput' && d.label === a.device);
    if (!device) throw new Error(`no ${a.device}`);
    constraints.deviceId = { exact: device.deviceId };
  }
  const given = a.contextRate ? new AudioContext({ sampleRate: a.contextRate }) : undefined;
  const mic = await lib.openMicrophone({ constraints, context: given });
  await mic.context.resume();
  if (a.startAfterMs) await new Promise((resolve) => setTimeout(resolve, a.startAfterMs));
  const url = URL.createObjectURL(new Blob([(window as any).RECORDER], { type: 'text/javascript' }));
  await mic.context.audioWorklet.addModule(url);
  const events: any[] = [];
  const capture = await lib.createCaptureNode(mic.context, { source: mic.source, chunkMs: 40, onEvents: (batch: any[]) => events.push(...batch) });
  const recorder = new AudioWorkletNode(mic.context, 'recorder');
  mic.source.connect(recorder);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const poll = () =>
      events.length >= a.chunks ? resolve() : performance.now() - started > 20000 ? reject(new Error(`${events.length} chunks in 20 s`)) : setTimeout(poll, 50);
    poll();
  });
  const recorded: Float32Array = await new Promise((resolve) => {
    recorder.port.onmessage = (e) => resolve(e.data);
    recorder.port.postMessage('send');
  });
  capture.close();
  const settings = mic.stream.getAudioTracks()[0].getSettings();
  const contextRate = mic.context.sampleRate;
  await mic.close();
  if (given) await given.close();
  const bytes = new Uint8Array(recorded.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return { settings, trackRate: mic.trackSampleRate ?? null, contextRate, events, recorded: btoa(binary) };
}

for (const engine of ENGINES) {
  const groups = PLAN[engine];
  if (groups === undefined) continue;
  describe.each(groups.map((g) => [g.launch.deviceRate ? `${engine}, device at ${g.launch.deviceRate} Hz` : engine, g] as const))(
    'live capture from the fake microphone in %s',
    (_label, group) => {
      let opened: LibraryPage;
      beforeAll(async () => {
        opened = await openLibraryPage(engine, group.launch);
        await opened.page.evaluate((source) => {
          (window as any).RECORDER = source;
        }, RECORDER);
      }, 120_000);
      afterAll(() => opened?.close());

      for (const c of group.cases) {
        it(`${c.name}: contiguous 24 kHz PCM16 chunks, correlated with the source`, async () => {
          const result = await opened.page.evaluate(capture, {
            constraints: c.constraints,
            device: c.device,
            contextRate: c.contextRate,
            startAfterMs: c.startAfterMs,
            chunks: 30,
          });
          expect(result.trackRate).toBe(c.expected.trackRate);
          expect(result.contextRate).toBe(c.expected.contextRate);
          if (c.expected.channels !== undefined) expect(result.settings.channelCount).toBe(c.expected.channels);
          const chunks = result.events.filter((e) => e.type === 'audio');
          expect(chunks.length).toBeGreaterThanOrEqual(30);
          const samples: number[] = [];
          chunks.forEach((chunk, i) => {
            expect([chunk.startMs, chunk.durationMs, chunk.frames]).toEqual([i * 40, 40, 960]);
            const bytes = decodeBase64(chunk.base64);
            expect(bytes.length).toBe(1920);
            samples.push(...pcm16ToFloat(new Int16Array(bytes.buffer)));
          });
          const out = Float32Array.from(samples);
          const window = 12000; // the loudest half second
          const { start, meanSquare } = loudest(out, window);
          expect(meanSquare).toBeGreaterThan(1e-4); // not silence
          const recorded = new Float32Array(Buffer.from(result.recorded, 'base64').buffer.slice(0));
          let vsInput = correlationWithInput(out, start, window, recorded, result.contextRate, 7200);
          if (vsInput.r <= 0.995) {
            // A realtime context starved of CPU can skip a render quantum for one node and not the
            // other (seen once in WebKit at load average 9: 0.992); judge the best loud window of each half.
            const half = Math.floor(out.length / 2);
            for (const from of [0, half]) {
              const other = loudest(out.subarray(from, from + half), window);
              if (other.meanSquare <= 1e-4) continue;
              const r = correlationWithInput(out, from + other.start, window, recorded, result.contextRate, 7200);
              if (r.r > vsInput.r) vsInput = r;
            }
          }
          let vsSource = '';
          let sourceR = 1;
          let filePass = 0;
          if (c.fixture !== undefined) {
            // The device loops its file with a short silence after each pass, so that every other pass
            // sits half a sample off the one before at 24 kHz (fakeMicrophone24k): search two passes of lags.
            const deviceRate = result.trackRate ?? result.contextRate;
            const loop = fakeMicrophone24k(deviceRate, 3);
            const period = loop.length / 3;
            const found = findCorrelation(out, start, window, loop, Math.ceil(2 * period));
            sourceR = found.r;
            filePass = Math.floor((start + found.lag) / period) + 1;
            if (sourceR <= c.fixture) {
              // Chromium's fake device reads its file on a timer: starved of CPU (a loaded CI run) its
              // stream jumps by a read, 10 ms (seen at load 9, and with the browser process stopped for
              // 150 ms), a jump the context's input has too (judged above); across it the loudest window and
              // those of each half read 0.43-0.97 (10 ms of silence put into a recorded input; 0.849 and
              // 0.797 in two CI runs). Judge the best loud window anywhere, at a lag
              // within 50 ms of the lag found for the loudest window, or for the loudest of either half
              // (the loudest window's own lag can be a false one when it straddles the jump)
              const half = Math.floor(out.length / 2);
              const lags = new Set([found.lag]);
              for (const from of [0, half]) {
                const other = loudest(out.subarray(from, from + half), window);
                if (other.meanSquare > 1e-4) lags.add(findCorrelation(out, from + other.start, window, loop, Math.ceil(2 * period)).lag);
              }
              for (const lag of lags) sourceR = Math.max(sourceR, bestLoudWindow(out, window, loop, lag, 1200).r);
            }
            const fileS = ((((start + found.lag) % period) + period) % period) / 24000;
            // (alternate passes fall half a 24 kHz sample apart: which one the capture is in step with)
            const phase = filePass % 2 === 1 ? 'in step with its first pass' : 'half a sample off its first pass (its second)';
            vsSource = `, with the fixture ${sourceR.toFixed(4)} (its loudest window ${fileS.toFixed(2)} s into the file, ${phase})`;
          }
          if (c.tone !== undefined) {
            const fit = sineFit(out, 1000 / 24000, start, start + window);
            sourceR = Math.sqrt(fit.fitPower / fit.power);
            vsSource = `, with a 1 kHz sine ${sourceR.toFixed(4)} (amplitude ${fit.amplitude.toFixed(4)})`;
          }
          console.log(
            `${engine} ${c.name}: track ${result.trackRate ?? 'rate not reported'}, context ${result.contextRate} Hz, ${chunks.length} chunks; ` +
              `correlation with the context's input ${vsInput.r.toFixed(4)} (lag ${vsInput.lag.toFixed(1)})${vsSource}`,
          );
          expect(vsInput.r).toBeGreaterThan(0.995);
          expect(sourceR).toBeGreaterThan(c.fixture ?? c.tone ?? 0);
        });
      }

      for (const limit of group.limits ?? []) {
        it(`${limit.name}: getUserMedia rejects with ${limit.rejects} (this engine's fake microphone has no such rate)`, async () => {
          const error = await opened.page.evaluate(async (constraints) => {
            try {
              const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
              const rate = stream.getAudioTracks()[0]!.getSettings().sampleRate;
              for (const t of stream.getTracks()) t.stop();
              return `resolved at ${rate}`;
            } catch (e) {
              return (e as Error).name;
            }
          }, limit.constraints);
          expect(error).toBe(limit.rejects);
        });
      }
    },
  );
}

// Firefox ESR 140: no realtime AudioContext runs here (no sound server, and no mock audio device
// before 153), so capture cannot be measured; what the design relies on can: openMicrophone()
// makes the context at the device's rate, and a stream into a context at another rate throws.
if (ENGINES.includes('firefox-esr-140')) {
  describe('the fake microphone in firefox-esr-140 (device at 48000 Hz)', () => {
    let opened: LibraryPage;
    beforeAll(async () => {
      opened = await openLibraryPage('firefox-esr-140', { deviceRate: 48000 });
    }, 120_000);
    afterAll(() => opened?.close());

    it('openMicrophone() opens the context at the device rate; a stream into a 24 kHz context throws NotSupportedError', async () => {
      const result = await opened.page.evaluate(async () => {
        const lib = (window as any).pcm;
        const mic = await lib.openMicrophone();
        const other = new AudioContext({ sampleRate: 24000 });
        let crossRate = 'connected';
        try {
          other.createMediaStreamSource(mic.stream);
        } catch (e) {
          crossRate = `${(e as Error).name}: ${(e as Error).message}`;
        }
        const contextRate = mic.context.sampleRate;
        const state = mic.context.state;
        await other.close();
        await mic.close();
        return { contextRate, state, crossRate, trackRate: mic.trackSampleRate ?? null };
      });
      console.log(`firefox-esr-140: context ${result.contextRate} Hz (${result.state}); into a 24 kHz context: ${result.crossRate}`);
      expect(result.trackRate).toBeNull();
      expect(result.contextRate).toBe(48000);
      expect(result.crossRate).toBe(
        'NotSupportedError: AudioContext.createMediaStreamSource: Connecting AudioNodes from AudioContexts with different sample-rate is currently not supported.',
      );
    });

    it('a realtime AudioContext stays suspended here (documented limit: ESR 140 has no media.cubeb.force_mock_context)', async () => {
      const state = await opened.page.evaluate(async () => {
        const context = new AudioContext();
        const resumed = context.resume().then(() => 'resumed');
        const waited = new Promise((resolve) => setTimeout(() => resolve('still suspended after 2 s'), 2000));
        const outcome = await Promise.race([resumed, waited]);
        const result = `${outcome}, state ${context.state}, currentTime ${context.currentTime}`;
        void context.close();
        return result;
      });
      expect(state).toBe('still suspended after 2 s, state suspended, currentTime 0');
    });
  });
}
