// Seeded pseudo-random numbers for reproducible tests (mulberry32, the fixture scripts' generator).
import { rng } from '../../scripts/random.mjs';

export { rng };

/** Random bytes from a seed. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}

/** Splits `length` into random piece sizes (1-sample pieces included when `maxPiece` is small). */
export function randomChunking(length: number, seed: number, maxPiece: number): number[] {
  const next = rng(seed);
  const sizes: number[] = [];
  let left = length;
  while (left > 0) {
    const n = Math.min(left, 1 + Math.floor(next() * maxPiece));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}
