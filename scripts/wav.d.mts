// Types of scripts/wav.mjs for the TypeScript tests.
/** Mono PCM16 WAV: x 32768, rounded, clamped. Returns the sample count. */
export function writeWav(path: string, samples: ArrayLike<number>, rate: number): number;
