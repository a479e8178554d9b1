// Base64 (RFC 4648 section 4: standard alphabet, '=' padding), encode and strict decode.
//
// Encode: 12 input bytes -> 16 characters per SIMD step. A swizzle puts each 3-byte group in a
// 32-bit lane as N = a<<16 | b<<8 | c; shifts and masks place its four 6-bit values in the lane's
// four bytes; a 14-entry offset table indexed by a saturating subtract maps each value to ASCII
// (the approach described by W. Mula and D. Lemire, "Faster Base64 Encoding and Decoding using
// AVX2 Instructions", ACM TWEB 2018). Decode: 16 characters -> 12 bytes per SIMD step; validity
// and value come from nibble lookups with swizzle (after the same paper), a dot product packs the
// bits; any invalid character stops the block and the scalar path finds the position. Padding is
// accepted only in the last quad of the final chunk, with its unused bits zero (canonical).
// Latency: none; chunks are whole quads (4 chars) / triples (3 bytes).

// @ts-ignore: decorator
@inline function sextetToChar(s: u32): u32 {
  if (s < 26) return s + 65;
  if (s < 52) return s + 71;
  if (s < 62) return s - 4;
  return s == 62 ? 43 : 47;
}

// @ts-ignore: decorator
@inline function charToSextet(c: u32): u32 {
  if (c - 65 < 26) return c - 65;
  if (c - 97 < 26) return c - 71;
  if (c - 48 < 10) return c + 4;
  if (c == 43) return 62;
  if (c == 47) return 63;
  return 0xff;
}

/** Characters produced by encoding `bytes` bytes, padding included. */
export function b64_encoded_length(bytes: usize): usize {
  return ((bytes + 2) / 3) << 2;
}

/**
 * Encodes `bytes` bytes at `inPtr` into ASCII at `outPtr`; pads when the length is not a multiple
 * of 3. Returns the characters written. Reads up to 4 bytes past the last full 12-byte group only
 * while 16 bytes remain, so it never reads beyond `inPtr + bytes`.
 */
export function b64_encode(inPtr: usize, bytes: usize, outPtr: usize): usize {
  let i: usize = 0;
  let o: usize = outPtr;
  const lut = i8x16(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
  const spread = i8x16(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
  const m0 = i32x4.splat(0x3f);
  const m1 = i32x4.splat(0x3f00);
  const m2 = i32x4.splat(0x3f0000);
  const m3 = i32x4.splat(0x3f000000);
  while (i + 16 <= bytes) {
    const n = i8x16.swizzle(v128.load(inPtr + i), spread);
    const s = v128.or(
      v128.or(v128.and(i32x4.shr_u(n, 18), m0), v128.and(i32x4.shr_u(n, 4), m1)),
      v128.or(v128.and(i32x4.shl(n, 10), m2), v128.and(i32x4.shl(n, 24), m3)),
    );
    let idx = i8x16.sub_sat_u(s, i8x16.splat(51));
    idx = v128.bitselect(i8x16.splat(13), idx, i8x16.lt_u(s, i8x16.splat(26)));
    v128.store(o, i8x16.add(s, i8x16.swizzle(lut, idx)));
    i += 12;
    o += 16;
  }
  for (; i + 3 <= bytes; i += 3) {
    const n = (<u32>load<u8>(inPtr + i) << 16) | (<u32>load<u8>(inPtr + i + 1) << 8) | <u32>load<u8>(inPtr + i + 2);
    store<u8>(o, <u8>sextetToChar(n >> 18));
    store<u8>(o + 1, <u8>sextetToChar((n >> 12) & 63));
    store<u8>(o + 2, <u8>sextetToChar((n >> 6) & 63));
    store<u8>(o + 3, <u8>sextetToChar(n & 63));
    o += 4;
  }
  const rest = bytes - i;
  if (rest != 0) {
    const a = <u32>load<u8>(inPtr + i);
    const b = rest == 2 ? <u32>load<u8>(inPtr + i + 1) : 0;
    store<u8>(o, <u8>sextetToChar(a >> 2));
    store<u8>(o + 1, <u8>sextetToChar(((a & 3) << 4) | (b >> 4)));
    store<u8>(o + 2, rest == 2 ? <u8>sextetToChar((b & 15) << 2) : 61);
    store<u8>(o + 3, 61);
    o += 4;
  }
  return o - outPtr;
}

/**
 * Decodes `chars` ASCII characters at `inPtr` into bytes at `outPtr`. `chars` must be a multiple of
 * 4. Padding is allowed only when `final` is set, in the last quad. Writes up to 4 bytes past the
 * decoded length (the caller's window has that slack). Returns the bytes written, or -(p + 1) where
 * p is the index of the first invalid character (or of the quad that is wrong) on error.
 */
export function b64_decode(inPtr: usize, chars: usize, outPtr: usize, final: bool): isize {
  if ((chars & 3) != 0) return -(<isize>(chars & ~3) + 1);
  let i: usize = 0;
  let o: usize = outPtr;
  // Validity: split each character into its high and low nibble. Classes of high nibble (bit in
  // `hiClass`): 0x2_ (only B and F valid: '+', '/'), 0x3_ (0-9 valid), 0x4_/0x6_ (1-F valid),
  // 0x5_/0x7_ (0-A valid), anything else (none valid). `loInvalid[lo]` holds the classes for which
  // that low nibble is invalid, so a character is invalid iff hiClass[hi] & loInvalid[lo] != 0.
  // (Tables derived here from the alphabet and checked over all 256 bytes by the tests.)
  const hiClass = i8x16(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const loInvalid = i8x16(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  // Offset from character to 6-bit value, by high nibble; '/' (0x2F) uses slot 1 (hi + (-1)).
  const offsetByHi = i8x16(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const nibble = i8x16.splat(0x0f);
  const slash = i8x16.splat(0x2f);
  const lo8 = i16x8.splat(0xff);
  const weights = i32x4.splat(0x00011000); // 16-bit lanes (4096, 1): dot product packs two 12-bit halves
  const gather = i8x16(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  while (i + 20 <= chars) {
    const c = v128.load(inPtr + i);
    const hi = v128.and(i16x8.shr_u(c, 4), nibble);
    const lo = v128.and(c, nibble);
    if (v128.any_true(v128.and(i8x16.swizzle(hiClass, hi), i8x16.swizzle(loInvalid, lo)))) break;
    const s = i8x16.add(c, i8x16.swizzle(offsetByHi, i8x16.add(hi, i8x16.eq(c, slash))));
    // pairs of 6-bit values -> 12 bits per 16-bit lane, then pairs of those -> 24 bits per 32-bit lane
    const p = v128.or(i16x8.shl(v128.and(s, lo8), 6), i16x8.shr_u(s, 8));
    const n = i32x4.dot_i16x8_s(p, weights);
    v128.store(o, i8x16.swizzle(n, gather));
    i += 16;
    o += 12;
  }
  for (; i < chars; i += 4) {
    const p = inPtr + i;
    const c2 = <u32>load<u8>(p + 2);
    const c3 = <u32>load<u8>(p + 3);
    const last = final && i + 4 == chars;
    const s0 = charToSextet(<u32>load<u8>(p));
    if (s0 == 0xff) return -(<isize>i + 1);
    const s1 = charToSextet(<u32>load<u8>(p + 1));
    if (s1 == 0xff) return -(<isize>i + 2);
    if (last && c3 == 61) {
      if (c2 == 61) {
        if ((s1 & 15) != 0) return -(<isize>i + 2);
        store<u8>(o, <u8>((s0 << 2) | (s1 >> 4)));
        return <isize>(o + 1 - outPtr);
      }
      const s2 = charToSextet(c2);
      if (s2 == 0xff) return -(<isize>i + 3);
      if ((s2 & 3) != 0) return -(<isize>i + 3);
      store<u8>(o, <u8>((s0 << 2) | (s1 >> 4)));
      store<u8>(o + 1, <u8>(((s1 & 15) << 4) | (s2 >> 2)));
      return <isize>(o + 2 - outPtr);
    }
    const s2 = charToSextet(c2);
    if (s2 == 0xff) return -(<isize>i + 3);
    const s3 = charToSextet(c3);
    if (s3 == 0xff) return -(<isize>i + 4);
    const n = (s0 << 18) | (s1 << 12) | (s2 << 6) | s3;
    store<u8>(o, <u8>(n >> 16));
    store<u8>(o + 1, <u8>(n >> 8));
    store<u8>(o + 2, <u8>n);
    o += 3;
  }
  return <isize>(o - outPtr);
}
