// The sum of an f32x4's four lanes, added in lane order ((l0 + l1) + l2) + l3: the echo canceller's
// passes reduce their per-bin sums with it, and their outputs depend on that order bit for bit. And
// the energy of n floats summed four lanes at a time then reduced so (the blocks', the partitions').
// Latency: none.

/** Lanes 0 + 1 + 2 + 3 of `v`, in that order. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** The sum of squares of the `n` f32 at `p` (n a multiple of 4), four lanes at a time, reduced by hsum. */
export function energy(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  return hsum(acc);
}
