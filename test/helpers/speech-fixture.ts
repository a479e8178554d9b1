// The browser speech fixture (fixtures/browser/speech-48000.wav) as the tests need it: the 48 kHz
// samples, and the session's view of it (24 kHz PCM16, resampled by our Resampler).
import { fileURLToPath } from 'node:url';
import { readWav } from './wav-read.js';
import { Resampler, floatToPcm16 } from '../../src/index.js';

export const SPEECH_48K_PATH = fileURLToPath(new URL('../../fixtures/browser/speech-48000.wav', import.meta.url));

export function speech48k(): Float32Array {
  return readWav(SPEECH_48K_PATH).samples;
}

/** The fixture at 24 kHz, float. */
export function speech24k(): Float32Array {
  const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
  return Float32Array.from([...resampler.process(speech48k()), ...resampler.flush()]);
}

/**
 * What Chromium's fake microphone plays from the fixture (`--use-file-for-fake-audio-capture`), at
 * 24 kHz, `passes` times over. The device reads its file in reads of one 10 ms buffer of the device
 * (deviceRate / 100 frames, counted at the file's rate) and zero-fills the last, partial one
 * before it rewinds (Chromium's FileSource: "Unfilled frames will be zeroed"), so each pass is the
 * file and a short silence: at 44.1 kHz 220895 frames + 46 zeros at 48 kHz, a period of 110470.5
 * samples at 24 kHz. Measured over four passes of a 44.1 kHz capture (correlation per 0.2 s at one
 * fixed lag): 1.000 with 46 zeros, 0.90-0.996 with 44 or 48, 0.65-0.98 with 42 or 50; the plain
 * looped file matches from the second pass at best 0.96-0.998 (the half-sample offset of every
 * other pass).
 */
export function fakeMicrophone24k(deviceRate: number, passes: number): Float32Array {
  const file = speech48k();
  const readFrames = Math.round(deviceRate / 100);
  const pass = Math.ceil(file.length / readFrames) * readFrames;
  const looped = new Float32Array(pass * passes);
  for (let k = 0; k < passes; k++) looped.set(file, k * pass);
  const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
  return Float32Array.from([...resampler.process(looped), ...resampler.flush()]);
}

/** The fixture at 24 kHz as PCM16: what a session would send as the assistant's voice. */
export function speechPcm24k(): Int16Array {
  return floatToPcm16(speech24k());
}
