// A tiny PCM16 WAV reader for fixtures (mono, or the first channel): samples / 32768 as float32.
import { readFileSync } from 'node:fs';

export interface WavData {
  sampleRate: number;
  samples: Float32Array;
}

export function readWav(path: string): WavData {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let p = 12;
  let sampleRate = 0;
  let channels = 1;
  let bits = 0;
  while (p + 8 <= b.length) {
    const id = b.toString('ascii', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(p + 10);
      sampleRate = b.readUInt32LE(p + 12);
      bits = b.readUInt16LE(p + 22);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: only PCM16 is supported, got ${bits} bits`);
      const n = Math.floor(Math.min(size, b.length - p - 8) / (2 * channels));
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = b.readInt16LE(p + 8 + i * 2 * channels) / 32768;
      return { sampleRate, samples };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}
