// The session-rate playback reference where the session's rates differ (Gemini Live: 16 kHz in,
// 24 kHz out). The adapter feeds its 16 kHz canceller the playback's 24 kHz tap (what was played,
// before the one resampler to the speaker) through one 24 -> 16 kHz resampler in the capture
// pipeline, in place of the speaker's 48 kHz stream through a 48 -> 16 kHz resampler. On the lab's
// 48 kHz group played from a 24 kHz stream (test/helpers/echo-pipeline.ts, playedFromSession) the
// same mic goes through a 16 kHz CapturePipeline with either reference: the tap must cancel the echo
// as well as the device-rate reference (sample alignment: a reference out of step by a sample
// loses several dB). That the adapter's tap is this stream, pushed 64 frames per quantum, is
// test/unit/pipeline-playback-tap.test.ts. Then the same through the linked browser processors
// (createCaptureNode at 16 kHz beside createPlaybackNode), below. Cost: about 10 s, and as much
// again for the processors (the 6 scenes at 18 dB; all 12 with ECHO_PIPELINE_ALL=1).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { deviceRateGroup } from '../helpers/echo-grid.js';
import { audioOf, delayFrames, expectAsGoodAs, playedFromSession, QUANTUM, runCapture, sessionView } from '../helpers/echo-pipeline.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene, type EchoScene } from '../helpers/echo-scenes.js';
import { createCaptureProcessorClass } from '../../src/browser/capture-processor.js';
import { createPlaybackProcessorClass } from '../../src/browser/playback-processor.js';
import { floatToPcm16, kernelModule } from '../../src/kernels/index.js';
import type { CaptureEvent } from '../../src/index.js';
import { type FakePort, FakeProcessorBase } from '../helpers/worklet-fakes.js';

const GEMINI_IN = 16000;
const SCENES = deviceRateGroup(48000).scenes.filter((p) => process.env.ECHO_PIPELINE_ALL === '1' || p.erlDb === 18);
const gemini: { device: EchoFigures; session: EchoFigures }[] = [];

beforeAll(() => {
  for (const params of SCENES) {
    const { scene, session } = playedFromSession(buildScene(params));
    const view = sessionView(scene, GEMINI_IN);
    const device = measureEcho(view, runCapture(scene, { echoCancellation: true }, GEMINI_IN).audio, 'CapturePipeline 48k > 16k, device-rate reference');
    const tapped = runCapture(scene, { echoCancellation: true, referenceRate: 24000 }, GEMINI_IN, session).audio;
    gemini.push({ device, session: measureEcho(view, tapped, 'CapturePipeline 48k > 16k, 24 kHz tap') });
  }
  console.log(
    `\nGemini's rates: the 48 kHz group played from 24 kHz, cancelled at 16 kHz with either reference\n${sceneTable(gemini.flatMap((p) => [p.device, p.session]))}`,
  );
}, 300_000);

describe("Gemini's rates (16 kHz canceller, 24 kHz playback): the 24 kHz tap through one resampler against the speaker's 48 kHz stream", () => {
  it('cancels as well: single talk within 0.5 dB, leaks <= + 0.5 point, double talk and cold start >= - 1 point, no utterance lost', () => {
    expect(gemini.length).toBe(SCENES.length);
    for (const { device: d, session: s } of gemini) {
      expectAsGoodAs(d, s, 0.5, 0.01);
    }
  });
});

// The same through the browser's linked processors (run in Node with stand-ins for the worklet's
// globals, as test/unit/worklet-processors.test.ts runs them): a playback processor at 48 kHz plays
// the 24 kHz reply (PCM16) and feeds a capture processor at 16 kHz output (Gemini's input through
// `createCaptureNode`) through their link; the mic is the scene's, heard in the quantum after the
// playback rendered. `referenceRate: 48000` takes what the speaker plays (what a 16 kHz capture took
// before aec-tap3), the default takes the playback's 24 kHz tap through one 24 -> 16 kHz resampler.
let links = 0;

/** The scene through linked playback and capture processors at the scene's rate; the 16 kHz audio aligned to `sessionView(scene, 16000)`, and what the speaker played. */
function runLinked(scene: EchoScene, session: Float32Array, referenceRate: number | undefined): { audio: Float32Array; played: Float32Array; taken: number } {
  const at = { AudioWorkletProcessor: FakeProcessorBase, sampleRate: scene.sampleRate };
  const linkId = `session-tap-${links++}`;
  const playback = new (createPlaybackProcessorClass(at))({ processorOptions: { module: kernelModule(), progressIntervalMs: 0, linkId } });
  const capture = new (createCaptureProcessorClass(at))({
    processorOptions: { module: kernelModule(), pipeline: { outputRate: GEMINI_IN }, echoCancellation: true, referenceRate, linkId, levelIntervalMs: 0 },
  });
  const playbackPort = playback.port as unknown as FakePort;
  const capturePort = capture.port as unknown as FakePort;
  playbackPort.deliver({ type: 'pcm', itemId: 'reply', pcm: floatToPcm16(session) });
  const speaker = new Float32Array(QUANTUM);
  const mic = new Float32Array(QUANTUM);
  const played = new Float32Array(scene.mic.length);
  const last = scene.mic.length + 2 * QUANTUM; // the 48 -> 16 kHz resampler's delay (45 frames at 16 kHz) covered
  for (let t = 0; t < last; t += QUANTUM) {
    speaker.fill(0);
    playback.process([], [[speaker]]);
    if (t < played.length) played.set(speaker.subarray(0, Math.min(QUANTUM, played.length - t)), t);
    mic.fill(0);
    if (t < scene.mic.length) mic.set(scene.mic.subarray(t, Math.min(scene.mic.length, t + QUANTUM)));
    capture.process([[mic]], []);
  }
  capturePort.deliver({ type: 'flush', id: 1 });
  const events: CaptureEvent[] = [];
  for (const m of capturePort.posted) {
    if (m.type === 'events') events.push(...m.events);
    else if (m.id === 1) events.push(...m.result);
  }
  const taken = capture.pipeline.referenceRate;
  capturePort.deliver({ type: 'close' });
  playbackPort.deliver({ type: 'close' });
  const delay = delayFrames(scene.sampleRate, GEMINI_IN, true);
  const length = Math.round((scene.mic.length * GEMINI_IN) / scene.sampleRate);
  return { audio: audioOf(events).slice(delay, delay + length), played, taken };
}

const linked: { device: EchoFigures; session: EchoFigures }[] = [];
const playedErrorDb: number[] = [];

describe("the linked processors at 16 kHz (createCaptureNode beside createPlaybackNode, Gemini): the default 24 kHz tap against the speaker's 48 kHz stream", () => {
  beforeAll(() => {
    for (const params of SCENES) {
      const { scene, session } = playedFromSession(buildScene(params));
      const view = sessionView(scene, GEMINI_IN);
      const device = runLinked(scene, session, 48000);
      const tapped = runLinked(scene, session, undefined);
      expect([device.taken, tapped.taken]).toEqual([48000, 24000]);
      // the speaker plays the scene's reference (the mic's echo is of it): the PCM16 reply through the playback's one resampler
      let error = 0;
      let energy = 0;
      for (let t = 0; t < scene.reference.length; t++) {
        error += (tapped.played[t]! - scene.reference[t]!) ** 2;
        energy += scene.reference[t]! ** 2;
      }
      playedErrorDb.push(10 * Math.log10(error / energy));
      linked.push({
        device: measureEcho(view, device.audio, 'linked processors 48k > 16k, device-rate reference'),
        session: measureEcho(view, tapped.audio, 'linked processors 48k > 16k, 24 kHz tap (default)'),
      });
    }
    console.log(
      `\nlinked processors at Gemini's rates: the speaker's stream against the scene's reference ${playedErrorDb.map((d) => d.toFixed(1)).join(', ')} dB\n` +
        sceneTable(linked.flatMap((p) => [p.device, p.session])),
    );
  }, 300_000);

  it("the speaker plays the scene's reference (within -60 dB), and the tap cancels as well: single talk within 0.5 dB, leaks <= + 0.5 point, double talk and cold start >= - 1 point, no utterance lost", () => {
    expect(linked.length).toBe(SCENES.length);
    for (const db of playedErrorDb) expect(db).toBeLessThan(-60);
    for (const { device: d, session: s } of linked) expectAsGoodAs(d, s, 0.5, 0.01);
  });
});
