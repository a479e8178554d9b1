// A 4 x 4 float matrix held as four f32x4 rows, transposed with eight shuffles and stored (the
// resampler's gather for a decimation by 4, the FFT's first stages).
// Latency: none.

/** Rows a, b, c, d of a 4 x 4 matrix (one vector each) transposed, stored at p .. p + 48. */
// @ts-ignore: decorator
@inline export function storeTransposed(p: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(p, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(p, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(p, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(p, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
}
