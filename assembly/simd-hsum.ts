// The sum of an f32x4's four lanes, added in lane order ((l0 + l1) + l2) + l3: the echo canceller's
// passes reduce their per-bin sums with it, and their outputs depend on that order bit for bit.
// Latency: none.

/** Lanes 0 + 1 + 2 + 3 of `v`, in that order. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
