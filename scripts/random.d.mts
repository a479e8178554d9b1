// Types of scripts/random.mjs for the TypeScript tests.
/** mulberry32: seeded uniform numbers in [0, 1). */
export function rng(seed: number): () => number;
