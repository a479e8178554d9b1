// Types of scripts/wav.mjs for the TypeScript tests.
/** PCM16 WAV: x 32768, rounded, clamped; `samples` interleaved where `channels` (default 1) > 1. Returns the sample count. */
export function writeWav(path: string, samples: ArrayLike<number>, rate: number, channels?: number): number;
