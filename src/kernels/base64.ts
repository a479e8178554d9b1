// Base64 (RFC 4648, standard alphabet, '=' padding; strict decoding).
//
// Three implementations give byte-identical results; the fastest one this platform has is chosen
// once at load: `native` (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64, e.g. Chromium),
// `buffer` (Node's Buffer), otherwise `wasm` (assembly/base64.ts, SIMD, through fixed windows in
// wasm memory; works in an AudioWorklet, which has no atob/btoa/TextDecoder). Native decoders are
// lenient (they skip whitespace or accept base64url), so their output is checked cheaply (length,
// alphabet, canonical padding bits) and any doubt is settled by `base64Error`, which finds the
// first offending position. No path builds arguments lists or recursion: any size works.
import { kernelWindows } from '../wasm/load.js';
import { Base64Error } from '../errors.js';

/** Which base64 implementation: the engine's own (`Uint8Array.toBase64`), Node's Buffer, or the wasm kernel. */
export type Base64Implementation = 'native' | 'buffer' | 'wasm';

/** One base64 implementation (strict decoding, byte-identical to the others). */
export interface Base64Codec {
  readonly name: Base64Implementation;
  encode(bytes: Uint8Array): string;
  decode(text: string): Uint8Array;
}

function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  return -1;
}

function describe(c: number): string {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) return `whitespace (code ${c}) is not allowed`;
  return `'${String.fromCharCode(c)}' (code ${c}) is not in the base64 alphabet`;
}

/**
 * The error strict decoding raises for `text`, or `undefined` when `text` is valid canonical
 * base64. Plain JS, one pass; used to report where an input went wrong.
 */
export function base64Error(text: unknown): Base64Error | undefined {
  if (typeof text !== 'string') {
    return new Base64Error('not_a_string', 0, `base64 input must be a string, got ${text === null ? 'null' : typeof text}`);
  }
  const length = text.length;
  let dataEnd = length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) {
      if (dataEnd === length) dataEnd = i;
      continue;
    }
    if (sextet(c) < 0) return new Base64Error('invalid_character', i, `invalid base64 at position ${i}: ${describe(c)}`);
    if (dataEnd !== length) {
      return new Base64Error('invalid_padding', dataEnd, `invalid base64 at position ${dataEnd}: '=' padding may only end the text`);
    }
  }
  const padding = length - dataEnd;
  if (length % 4 !== 0) {
    return new Base64Error('invalid_length', length, `invalid base64 length ${length}: base64 text is a multiple of 4 characters long (padded with '=')`);
  }
  if (padding > 2) {
    return new Base64Error('invalid_padding', dataEnd, `invalid base64 at position ${dataEnd}: at most two '=' may end the text`);
  }
  if (padding > 0) {
    const last = sextet(text.charCodeAt(dataEnd - 1));
    if ((padding === 2 && (last & 15) !== 0) || (padding === 1 && (last & 3) !== 0)) {
      return new Base64Error(
        'invalid_padding',
        dataEnd - 1,
        `invalid base64 at position ${dataEnd - 1}: the bits before the '=' padding must be zero (non-canonical encoding)`,
      );
    }
  }
  return undefined;
}

function fail(text: unknown): never {
  throw base64Error(text) ?? new Base64Error('invalid_character', 0, 'invalid base64');
}

/** Bytes that canonical base64 `text` decodes to, or -1 when its length or padding rules it out. */
export function decodedLength(text: string): number {
  const length = text.length;
  if (length % 4 !== 0) return -1;
  if (length === 0) return 0;
  const padding = text.charCodeAt(length - 1) !== 61 ? 0 : text.charCodeAt(length - 2) !== 61 ? 1 : 2;
  if (padding === 2 && text.charCodeAt(length - 3) === 61) return -1;
  if (padding > 0) {
    const last = sextet(text.charCodeAt(length - 1 - padding));
    if (last < 0 || (last & (padding === 2 ? 15 : 3)) !== 0) return -1;
  }
  return (length / 4) * 3 - padding;
}

// ---- wasm ----------------------------------------------------------------------------------------

const ENCODE_WINDOW_BYTES = 3 * 65536; // multiple of 3: only the last window is padded
const DECODE_WINDOW_CHARS = 4 * 65536; // multiple of 4
const DECODE_SLACK_BYTES = 16; // the SIMD decoder stores 16 bytes for every 12 it produces

// the byte window (encode input, decode output), then the character window at CHARS_OFFSET
const windows = { ptr: 0, bytes: ENCODE_WINDOW_BYTES + DECODE_SLACK_BYTES + DECODE_WINDOW_CHARS };
const CHARS_OFFSET = ENCODE_WINDOW_BYTES + DECODE_SLACK_BYTES;

type AsciiReader = (u8: Uint8Array, start: number, end: number) => string;

function chooseAsciiReader(): AsciiReader {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (NodeBuffer !== undefined) {
    return (u8, start, end) => NodeBuffer.from(u8.buffer, u8.byteOffset + start, end - start).toString('latin1');
  }
  if (typeof TextDecoder === 'function') {
    const decoder = new TextDecoder('latin1');
    return (u8, start, end) => decoder.decode(u8.subarray(start, end));
  }
  return (u8, start, end) => {
    let text = '';
    for (let i = start; i < end; i += 8192) {
      text += String.fromCharCode.apply(null, u8.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
    }
    return text;
  };
}

let readAscii: AsciiReader | undefined;
// AudioWorklet scopes have no TextEncoder: there the decoder copies characters one by one.
const encoder = typeof TextEncoder === 'function' ? new TextEncoder() : undefined;

function wasmEncode(bytes: Uint8Array): string {
  const heap = kernelWindows(windows);
  const bytesPtr = windows.ptr;
  const charsPtr = bytesPtr + CHARS_OFFSET;
  readAscii ??= chooseAsciiReader();
  let text = '';
  for (let done = 0; done < bytes.length; done += ENCODE_WINDOW_BYTES) {
    const n = Math.min(ENCODE_WINDOW_BYTES, bytes.length - done);
    heap.write(bytesPtr, bytes, done, n);
    const chars = heap.exports.b64_encode(bytesPtr, n, charsPtr);
    text += readAscii(heap.u8, charsPtr, charsPtr + chars);
  }
  return text;
}

function wasmDecode(text: string): Uint8Array {
  const total = typeof text === 'string' ? decodedLength(text) : -1;
  if (total < 0) fail(text);
  const out = new Uint8Array(total);
  const heap = kernelWindows(windows).refresh();
  const bytesPtr = windows.ptr;
  const charsPtr = bytesPtr + CHARS_OFFSET;
  const u8 = heap.u8;
  let written = 0;
  for (let done = 0; done < text.length; done += DECODE_WINDOW_CHARS) {
    const n = Math.min(DECODE_WINDOW_CHARS, text.length - done);
    if (encoder !== undefined) {
      // ASCII maps 1:1; any other character takes 2+ bytes and shows as a count mismatch
      const result = encoder.encodeInto(text.slice(done, done + n), u8.subarray(charsPtr, charsPtr + n));
      if (result.read !== n || result.written !== n) fail(text);
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(done + i);
        u8[charsPtr + i] = Math.min(c, 255);
      }
    }
    const produced = heap.exports.b64_decode(charsPtr, n, bytesPtr, done + n === text.length ? 1 : 0);
    if (produced < 0) fail(text);
    heap.read(bytesPtr, out, written, produced);
    written += produced;
  }
  return out;
}

/** The wasm SIMD implementation (works everywhere, AudioWorklets included). */
export const wasmBase64: Base64Codec = { name: 'wasm', encode: wasmEncode, decode: wasmDecode };

// ---- Node Buffer ---------------------------------------------------------------------------------

function makeBufferCodec(NodeBuffer: typeof Buffer): Base64Codec {
  return {
    name: 'buffer',
    encode: (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    decode(text) {
      const expected = typeof text === 'string' ? decodedLength(text) : -1;
      if (expected < 0) fail(text);
      // Buffer skips characters outside the alphabet (so the output comes out short), accepts the
      // base64url characters '-' and '_', and reads only the low byte of characters above U+00FF
      // (so those are looked for: indexOf and utf8 byteLength are fast native scans).
      const out = NodeBuffer.allocUnsafeSlow(expected); // unpooled: owns its whole ArrayBuffer
      const written = out.write(text, 'base64');
      if (written !== expected || text.indexOf('-') !== -1 || text.indexOf('_') !== -1 || NodeBuffer.byteLength(text, 'utf8') !== text.length) {
        fail(text);
      }
      return new Uint8Array(out.buffer, 0, expected);
    },
  };
}

// ---- native (TC39 Uint8Array base64) -------------------------------------------------------------

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
interface NativeBase64Static {
  fromBase64?: (text: string, options?: { lastChunkHandling?: 'strict' }) => Uint8Array;
}

function makeNativeCodec(): Base64Codec | undefined {
  const toBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
  const fromBase64 = (Uint8Array as unknown as NativeBase64Static).fromBase64;
  if (typeof toBase64 !== 'function' || typeof fromBase64 !== 'function') return undefined;
  return {
    name: 'native',
    encode: (bytes) => toBase64.call(bytes),
    decode(text) {
      const expected = typeof text === 'string' ? decodedLength(text) : -1;
      if (expected < 0) fail(text);
      let out: Uint8Array;
      try {
        out = fromBase64(text, { lastChunkHandling: 'strict' });
      } catch {
        fail(text);
      }
      // fromBase64 skips ASCII whitespace: a skipped character shows as a short output.
      if (out.length !== expected) fail(text);
      return out;
    },
  };
}

// ---- choice --------------------------------------------------------------------------------------

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
/** Every implementation available here, fastest first. */
export const base64Codecs: readonly Base64Codec[] = [
  makeNativeCodec(),
  typeof NodeBuffer === 'function' ? makeBufferCodec(NodeBuffer) : undefined,
  wasmBase64,
].filter((codec): codec is Base64Codec => codec !== undefined);

const chosen = base64Codecs[0]!;
/** The implementation `encodeBase64`/`decodeBase64` use on this platform. */
export const base64Implementation: Base64Implementation = chosen.name;

/** Encodes bytes as RFC 4648 base64 with padding. Allocates the returned string. */
export function encodeBase64(bytes: Uint8Array): string {
  return chosen.encode(bytes);
}

/**
 * Decodes strict RFC 4648 base64: standard alphabet, '=' padding only at the end, length a
 * multiple of 4, canonical (zero) padding bits; no whitespace. The empty string decodes to an empty
 * array. Throws `Base64Error` (with `position` and `reason`) otherwise. The result owns its whole
 * ArrayBuffer (byteOffset 0). Allocates the returned array.
 */
export function decodeBase64(text: string): Uint8Array {
  return chosen.decode(text);
}
