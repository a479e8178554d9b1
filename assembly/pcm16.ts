// PCM16 <-> float32 conversion.
//
// floatToPcm16: y = x * 32768, rounded half away from zero, clamped to [-32768, 32767], NaN -> 0
// (WebRTC's FloatToS16 convention). The rounding is exact: t = trunc(v), d = v - t (exact in
// float32), y = t + sign(v) when |d| >= 0.5. The naive trunc(v + 0.5) is wrong for v just below a
// half (0.49999997 + 0.5 rounds up to 1.0 in float32). Clamping comes from the saturating
// conversions (i32x4.trunc_sat_f32x4_s, then i16x8.narrow_i32x4_s), which also map NaN to 0.
// pcm16ToFloat: y = x / 32768, exact.
// SIMD: 8 samples per step, scalar tail. Latency: none (sample by sample).

// @ts-ignore: decorator
@inline function roundToPcm16(x: f32): i32 {
  const v = x * 32768.0;
  if (isNaN(v)) return 0; // the PCM16 convention (./shared): NaN -> 0, +-Inf saturate
  const t = Mathf.trunc(v);
  let r = t;
  if (Mathf.abs(v - t) >= 0.5) r += v < 0 ? -1.0 : 1.0;
  if (r > 32767.0) return 32767;
  if (r < -32768.0) return -32768;
  return <i32>r;
}

// @ts-ignore: decorator
@inline function roundVec(x: v128): v128 {
  const v = f32x4.mul(x, f32x4.splat(32768.0));
  const t = f32x4.trunc(v);
  const half = f32x4.ge(f32x4.abs(f32x4.sub(v, t)), f32x4.splat(0.5));
  const signedOne = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1.0));
  return i32x4.trunc_sat_f32x4_s(f32x4.add(t, v128.and(signedOne, half)));
}

/** Converts `samples` float32 values at `inPtr` to int16 at `outPtr`. */
export function pcm16_from_f32(inPtr: usize, outPtr: usize, samples: i32): void {
  let i = 0;
  for (; i + 8 <= samples; i += 8) {
    const p = inPtr + (<usize>i << 2);
    const lo = roundVec(v128.load(p));
    const hi = roundVec(v128.load(p, 16));
    v128.store(outPtr + (<usize>i << 1), i16x8.narrow_i32x4_s(lo, hi));
  }
  for (; i < samples; i++) {
    store<i16>(outPtr + (<usize>i << 1), <i16>roundToPcm16(load<f32>(inPtr + (<usize>i << 2))));
  }
}

/** Converts `samples` int16 values at `inPtr` to float32 at `outPtr`. */
export function pcm16_to_f32(inPtr: usize, outPtr: usize, samples: i32): void {
  const scale = f32x4.splat(1.0 / 32768.0);
  let i = 0;
  for (; i + 8 <= samples; i += 8) {
    const x = v128.load(inPtr + (<usize>i << 1));
    const p = outPtr + (<usize>i << 2);
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(x)), scale));
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(x)), scale), 16);
  }
  for (; i < samples; i++) {
    store<f32>(outPtr + (<usize>i << 2), <f32>load<i16>(inPtr + (<usize>i << 1)) * (1.0 / 32768.0));
  }
}
