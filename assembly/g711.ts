// G.711 mu-law and A-law companding (8-bit telephony codes <-> 16-bit linear PCM).
//
// Algorithm: ITU-T G.711 (11/88) segment rules. mu-law works on 14-bit linear values: the
// magnitude, capped at 8158, plus a bias of 33 falls in segment e where 32 * 2^e <= y < 64 * 2^e;
// the 4-bit step inside it is (y >> (e + 1)) & 15, and the code is the one's complement of
// sign|e|step. A-law works on 13-bit values: segment 0 and 1 share steps of 2, segment e >= 1
// covers 16 * 2^e <= |x| < 32 * 2^e in steps of 2^e, and the code has its even bits inverted
// (XOR 0x55). Decoding returns the middle of the code's decision interval, scaled to 16 bits.
// 16 -> 14/13-bit reduction: round half up, as sox 14.4 does (so `sox -e u-law`/`-e a-law` output
// is reproduced bit for bit), negatives as magnitudes for mu-law and one's complement for A-law
// (ITU-T G.191 convention, also sox's). Reference: ITU-T G.711 Tables 1 and 2.
// Latency: none (sample by sample). Scalar: 8 kHz telephony makes this negligible.

// @ts-ignore: decorator
@inline function muLawFromLinear(x: i32): u32 {
  let v = (x + 2) >> 2; // round to 14 bits
  if (v > 8191) v = 8191;
  let mask: u32 = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > 8158) v = 8158;
  const y = <u32>(v + 33); // 33 ..= 8191
  const segment = 26 - clz<u32>(y); // top bit index - 5
  const step = (y >> (segment + 1)) & 15;
  return ((segment << 4) | step) ^ mask;
}

// @ts-ignore: decorator
@inline function muLawToLinear(code: u32): i32 {
  const c = ~code & 0xff;
  const segment = (c >> 4) & 7;
  const magnitude = <i32>((((c & 15) << 1) + 33) << segment) - 33;
  return (c & 0x80 ? -magnitude : magnitude) << 2;
}

// @ts-ignore: decorator
@inline function aLawFromLinear(x: i32): u32 {
  let v = (x + 4) >> 3; // round to 13 bits
  if (v > 4095) v = 4095;
  let mask: u32 = 0xd5;
  if (v < 0) {
    v = ~v; // one's complement magnitude: -1 -> 0
    mask = 0x55;
  }
  const magnitude = <u32>v;
  if (magnitude < 32) return (magnitude >> 1) ^ mask;
  const segment = 27 - clz<u32>(magnitude); // top bit index - 4
  return ((segment << 4) | ((magnitude >> segment) & 15)) ^ mask;
}

// @ts-ignore: decorator
@inline function aLawToLinear(code: u32): i32 {
  const c = code ^ 0x55;
  const segment = (c >> 4) & 7;
  const step = <i32>(c & 15);
  const magnitude = segment == 0 ? (step << 1) + 1 : ((step << 1) + 33) << (segment - 1);
  return (c & 0x80 ? magnitude : -magnitude) << 3;
}

// The four loops below mirror each other on purpose: one per law and direction, each inlining its
// own codec (a function argument would be an indirect call per sample).
/** Encodes `samples` int16 values at `inPtr` as mu-law bytes at `outPtr`; returns the count. */
export function g711_mulaw_encode(inPtr: usize, outPtr: usize, samples: usize): usize {
  for (let i: usize = 0; i < samples; i++) {
    store<u8>(outPtr + i, <u8>muLawFromLinear(<i32>load<i16>(inPtr + (i << 1))));
  }
  return samples;
}

/** Decodes `samples` mu-law bytes at `inPtr` to int16 at `outPtr`; returns the count. */
export function g711_mulaw_decode(inPtr: usize, outPtr: usize, samples: usize): usize {
  for (let i: usize = 0; i < samples; i++) {
    store<i16>(outPtr + (i << 1), <i16>muLawToLinear(<u32>load<u8>(inPtr + i)));
  }
  return samples;
}

/** Encodes `samples` int16 values at `inPtr` as A-law bytes at `outPtr`; returns the count. */
export function g711_alaw_encode(inPtr: usize, outPtr: usize, samples: usize): usize {
  for (let i: usize = 0; i < samples; i++) {
    store<u8>(outPtr + i, <u8>aLawFromLinear(<i32>load<i16>(inPtr + (i << 1))));
  }
  return samples;
}

/** Decodes `samples` A-law bytes at `inPtr` to int16 at `outPtr`; returns the count. */
export function g711_alaw_decode(inPtr: usize, outPtr: usize, samples: usize): usize {
  for (let i: usize = 0; i < samples; i++) {
    store<i16>(outPtr + (i << 1), <i16>aLawToLinear(<u32>load<u8>(inPtr + i)));
  }
  return samples;
}
