import { describe, expect, it } from 'vitest';
import { Base64Error } from '../../src/index.js';
import { base64Codecs, base64Error, base64Implementation, decodeBase64, encodeBase64 } from '../../src/kernels/index.js';
import { randomBytes, randomChunking, rng } from '../helpers/random.js';

// Golden outputs come from Node's Buffer, an independent implementation.
const golden = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

const codecs = [...base64Codecs, { name: 'default', encode: encodeBase64, decode: decodeBase64 }];

describe('base64 implementations available here', () => {
  it('has the Node Buffer path chosen and the wasm path present', () => {
    expect(base64Implementation).toBe('buffer');
    expect(base64Codecs.map((c) => c.name)).toContain('wasm');
  });
});

describe.each(codecs)('base64 ($name)', (codec) => {
  it('is byte-identical to Buffer for every length 0..4096, both directions', () => {
    const bytes = randomBytes(4096, 1);
    for (let n = 0; n <= 4096; n++) {
      const view = bytes.subarray(0, n);
      const text = codec.encode(view);
      const expected = golden(view);
      if (text !== expected) expect(text, `length ${n}`).toBe(expected);
      const back = codec.decode(expected);
      if (!same(back, view)) expect(Array.from(back), `length ${n}`).toEqual(Array.from(view));
    }
  });

  it('is byte-identical to Buffer on random payloads up to 16 MiB (no stack overflow)', () => {
    const next = rng(2);
    const sizes = [16 * 1024 * 1024, 196_608 * 2 + 1, 262_145, ...Array.from({ length: 6 }, () => Math.floor(next() * 3_000_000))];
    for (const [i, size] of sizes.entries()) {
      const bytes = randomBytes(size, 100 + i);
      const text = codec.encode(bytes);
      expect(text.length).toBe(Math.ceil(size / 3) * 4);
      expect(text === golden(bytes), `encode ${size}`).toBe(true);
      expect(same(codec.decode(text), bytes), `decode ${size}`).toBe(true);
    }
  });

  it('decodes into an array that owns its buffer (byteOffset 0)', () => {
    const out = codec.decode('AAECAwQF');
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(6);
  });

  const invalid: Array<[string, string, Base64Error['reason'], number]> = [
    ['bad character', 'QUJD*UJD', 'invalid_character', 4],
    ['bad character at the end', 'QUJDQUJ!', 'invalid_character', 7],
    ['base64url character -', 'QUJD-UJD', 'invalid_character', 4],
    ['base64url character _', 'QUJD_UJD', 'invalid_character', 4],
    ['non-ASCII character', 'QUJDQ\u00e9JD', 'invalid_character', 5],
    ['character above U+00FF whose low byte is valid', 'QUJDQ\u0141JD', 'invalid_character', 5],
    ['embedded space', 'QUJD QUJD', 'invalid_character', 4],
    ['embedded newline', 'QUJD\nQUJD', 'invalid_character', 4],
    ['trailing newline', 'QUJD\n', 'invalid_character', 4],
    ['leading tab', '\tQUJD', 'invalid_character', 0],
    ['missing padding', 'QUI', 'invalid_length', 3],
    ['missing one pad char', 'QQ=', 'invalid_length', 3],
    ['too long', 'QUJDQ', 'invalid_length', 5],
    ['padding in the middle', 'QQ==QUJD', 'invalid_padding', 2],
    ['padding inside a quad', 'QU=D', 'invalid_padding', 2],
    ['three pad chars', 'Q===', 'invalid_padding', 1],
    ['empty quad (only padding)', '====', 'invalid_padding', 0],
    ['non-canonical bits, two pads', 'QR==', 'invalid_padding', 1],
    ['non-canonical bits, one pad', 'QUJ=', 'invalid_padding', 2],
  ];
  it.each(invalid)('rejects %s with a typed error naming the position', (_, text, reason, position) => {
    let error: unknown;
    try {
      codec.decode(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Base64Error);
    expect((error as Base64Error).reason).toBe(reason);
    expect((error as Base64Error).position).toBe(position);
    expect((error as Base64Error).code).toBe('invalid_base64');
    expect((error as Error).message).toContain(String(position));
  });

  it('classifies all 256 character codes correctly at every SIMD lane position', () => {
    const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
    const base = 'QUJDREVGR0hJSktMTU5PUFFSU1RV'; // 28 valid characters: one SIMD block and a tail
    for (let code = 0; code < 256; code++) {
      const ch = String.fromCharCode(code);
      for (let lane = 0; lane < 16; lane++) {
        const text = base.slice(0, lane) + ch + base.slice(lane + 1);
        let position = -1;
        try {
          const out = codec.decode(text);
          expect(same(out, Buffer.from(text, 'base64'))).toBe(true);
        } catch (e) {
          position = (e as Base64Error).position;
        }
        const valid = alphabet.has(ch);
        if (valid !== (position === -1) || (!valid && position !== lane)) {
          expect({ code, lane, position }).toEqual({ code, lane, position: valid ? -1 : lane });
        }
      }
    }
  });

  it('rejects input that is not a string (empty values included)', () => {
    for (const value of [undefined, null, 42, new Uint8Array(4)]) {
      expect(() => codec.decode(value as unknown as string)).toThrow(Base64Error);
    }
  });

  it('decodes the empty string to an empty array (RFC 4648 section 10)', () => {
    expect(codec.decode('').length).toBe(0);
    expect(codec.encode(new Uint8Array(0))).toBe('');
  });

  it('finds an invalid character deep inside a large input (across wasm windows)', () => {
    const text = golden(randomBytes(600_000, 5)).split('');
    text[500_001] = '!';
    let error: unknown;
    try {
      codec.decode(text.join(''));
    } catch (e) {
      error = e;
    }
    expect((error as Base64Error).position).toBe(500_001);
  });

  it('agrees with the reference validator on 20,000 random corruptions', () => {
    const next = rng(9);
    const alphabet = 'ABCXYZabcxyz0189+/=-_ \n\u00ff\u0141*';
    for (let k = 0; k < 20_000; k++) {
      const bytes = randomBytes(Math.floor(next() * 40), k);
      const chars = golden(bytes).split('');
      const edits = 1 + Math.floor(next() * 2);
      for (let e = 0; e < edits; e++) {
        const op = next();
        const at = Math.floor(next() * (chars.length + 1));
        const ch = alphabet[Math.floor(next() * alphabet.length)]!;
        if (op < 0.5) chars[at] = ch;
        else if (op < 0.8) chars.splice(at, 0, ch);
        else chars.splice(at, 1);
      }
      const text = chars.join('');
      const expected = base64Error(text);
      let actual: Base64Error | undefined;
      let decoded: Uint8Array | undefined;
      try {
        decoded = codec.decode(text);
      } catch (e) {
        actual = e as Base64Error;
      }
      if (expected === undefined) {
        // valid: must decode to what Buffer decodes (Buffer is right on valid input)
        expect(decoded && same(decoded, Buffer.from(text, 'base64')), text).toBe(true);
      } else {
        expect(actual?.reason, JSON.stringify(text)).toBe(expected.reason);
        expect(actual?.position, JSON.stringify(text)).toBe(expected.position);
      }
    }
  });

  it('gives the same text for any split of the input into multiples of 3 bytes', () => {
    const bytes = randomBytes(100_000, 3);
    const whole = codec.encode(bytes);
    for (const seed of [1, 2]) {
      let text = '';
      let at = 0;
      for (const pieces of randomChunking(Math.ceil(bytes.length / 3), seed, seed === 1 ? 1 : 5000)) {
        const n = Math.min(pieces * 3, bytes.length - at);
        text += codec.encode(bytes.subarray(at, at + n));
        at += n;
      }
      expect(text === whole).toBe(true);
    }
  });
});

describe('base64Error (the reference validator)', () => {
  it('accepts canonical text and is independent of the codecs: checked against RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, text] of vectors) {
      expect(base64Error(text)).toBeUndefined();
      for (const codec of codecs) {
        expect(codec.encode(new TextEncoder().encode(plain))).toBe(text);
        expect(new TextDecoder().decode(codec.decode(text))).toBe(plain);
      }
    }
  });
});
