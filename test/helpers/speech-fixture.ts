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

/** The fixture at 24 kHz as PCM16: what a session would send as the assistant's voice. */
export function speechPcm24k(): Int16Array {
  return floatToPcm16(speech24k());
}
