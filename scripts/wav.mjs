// PCM16 WAV writing (mono, or interleaved channels), shared by the fixture scripts and the browser bench's fake capture files.
import { writeFileSync } from 'node:fs';

/**
 * PCM16 WAV: x 32768, rounded, clamped; `samples` interleaved where `channels` > 1. Returns the sample count.
 * @param {string} path
 * @param {ArrayLike<number>} samples
 * @param {number} rate
 * @param {number} [channels]
 */
export function writeWav(path, samples, rate, channels = 1) {
  const n = samples.length;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2 * channels, 28);
  b.writeUInt16LE(2 * channels, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const v = Math.round(samples[i] * 32768);
    b.writeInt16LE(Math.max(-32768, Math.min(32767, v)), 44 + i * 2);
  }
  writeFileSync(path, b);
  return n;
}
