// Seeded pseudo-random numbers (mulberry32), the one generator of the fixture scripts and the tests
// (test/helpers/random.ts re-exports it), so a seed means the same numbers everywhere.

/** mulberry32: seeded uniform numbers in [0, 1). @param {number} seed @returns {() => number} */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
