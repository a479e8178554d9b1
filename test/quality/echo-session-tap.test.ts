// The session-rate playback reference where the session's rates differ (Gemini Live: 16 kHz in,
// 24 kHz out). The adapter feeds its 16 kHz canceller the playback's 24 kHz tap (what was played,
// before the one resampler to the speaker) through one 24 -> 16 kHz resampler in the capture
// pipeline, in place of the speaker's 48 kHz stream through a 48 -> 16 kHz resampler. On the lab's
// 48 kHz group played from a 24 kHz stream (test/helpers/echo-pipeline.ts, playedFromSession) the
// same mic goes through a 16 kHz CapturePipeline with either reference: the tap must cancel the echo
// as well as the device-rate reference (sample alignment: a reference out of step by a sample
// loses several dB). That the adapter's tap is this stream, pushed 64 frames per quantum, is
// test/unit/pipeline-playback-tap.test.ts. Cost: about 10 s (the 6 scenes at 18 dB; all 12 with
// ECHO_PIPELINE_ALL=1).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { deviceRateGroup } from '../helpers/echo-grid.js';
import { expectAsGoodAs, playedFromSession, runCapture, sessionView } from '../helpers/echo-pipeline.js';
import { sceneTable } from '../helpers/echo-report.js';
import { buildScene } from '../helpers/echo-scenes.js';

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
