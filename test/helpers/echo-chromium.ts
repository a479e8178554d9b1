// Chromium's own echo canceller (AEC3) on a lab scene (issue 13; echo-browser-run.ts runs it). How
// its canceller gets a reference on this machine (measured; docs/echo-canceller.md, "In the
// browser"): the microphone is the fake capture device playing the mic file. By default Chromium
// cancels in the audio service (chrome-wide echo cancellation), whose reference is what the audio
// service plays; with no sound card (a fake output) it takes none: 0.3 dB, the high-pass filter
// alone, the same whether the reply plays from an <audio> element, Web Audio or a WebRTC loopback,
// and whether playwright's --mute-audio is on or off (with a PulseAudio null sink as the output,
// the fake device's track came through unprocessed). With the chrome-wide canceller off, the
// renderer's canceller runs and takes WebRTC's playout, whatever the output device: the reply goes
// through a WebRTC loopback in the page ('webrtc' in echo-browser-page.ts).
import { runEchoPage, type EchoBrowserRun, type EchoRunOptions, type OpenEchoPage } from './echo-browser-run.js';
import type { EchoScene } from './echo-scenes.js';

/** The flags that give the renderer's canceller the fake mic and WebRTC's playout as reference. */
export function chromiumEchoArgs(micFile: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${micFile}%noloop`,
    '--disable-features=ChromeWideEchoCancellation',
  ];
}

/**
 * Reply ahead of its echo in the mic file: the loopback takes ~0.24 s (the 200 ms jitter buffer),
 * so the browser sees the scene's delay plus ~50 ms (measured 165-185 ms on the 120 ms scenes).
 */
export const CHROMIUM_LEAD_S = 0.29;

/** `open` launches Chromium with `chromiumEchoArgs(micFile)` and opens the page at the url. */
export function runChromium(scene: EchoScene, open: OpenEchoPage, options: Partial<EchoRunOptions> = {}): Promise<EchoBrowserRun> {
  return runEchoPage(scene, 'webrtc', open, { leadS: CHROMIUM_LEAD_S, ...options });
}
