// What the built-in session says: a short synthesized sentence (demo/assets/reply-24000.wav, made
// by espeak-ng: see scripts/demo-assets.sh), then the user's own turn played back. Without the
// asset, a two-note chime made here stands in for the sentence.
import { readFileSync } from 'node:fs';
import { floatToPcm16 } from '../kernels/pcm16.js';
import { decodeWav } from '../wav/wav.js';

const RATE = 24000;

/** The sentence as 24 kHz PCM16, or a chime when the file is missing or not 24 kHz. */
export function loadReplyVoice(path: string | undefined): { pcm: Int16Array; source: string } {
  if (path !== undefined) {
    try {
      const { info, samples } = decodeWav(readFileSync(path));
      if (info.sampleRate === RATE) return { pcm: floatToPcm16(samples), source: path };
    } catch {
      // fall through to the chime
    }
  }
  return { pcm: chime(), source: 'chime' };
}

/** 0.6 s: 660 Hz then 880 Hz, each with a 10 ms raised-cosine fade, at -12 dBFS. */
export function chime(): Int16Array {
  const note = Math.round(0.3 * RATE);
  const fade = Math.round(0.01 * RATE);
  const out = new Float32Array(2 * note);
  for (let n = 0; n < 2; n++) {
    const hz = n === 0 ? 660 : 880;
    for (let i = 0; i < note; i++) {
      const edge = Math.min(i, note - 1 - i);
      const gain = edge < fade ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / fade) : 1;
      out[n * note + i] = 0.25 * gain * Math.sin((2 * Math.PI * hz * i) / RATE);
    }
  }
  return floatToPcm16(out);
}
