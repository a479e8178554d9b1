// Base64: the wasm SIMD codec (kernel inside wasm memory, and the public path with its string
// conversion), Node's Buffer (raw, and with our strict checks), chunked btoa/atob (what browser
// code does today), and the engine's native Uint8Array.toBase64 where it exists.
import { base64Codecs, wasmBase64, kernels } from 'realtime-pcm/kernels';
import { runSuite } from './lib.mjs';

/** @type {Array<[string, number]>} */
const sizes = [
  ['20 ms (960 B)', 960],
  ['4 KiB', 4096],
  ['1 MiB', 1048576],
];
const heap = kernels();
const bufferCodec = base64Codecs.find((c) => c.name === 'buffer');
if (bufferCodec === undefined) throw new Error("this benchmark runs in Node (Buffer's codec)");
const nativeCodec = base64Codecs.find((c) => c.name === 'native');

/** @param {Uint8Array} bytes */
function btoaChunked(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192)
    binary += String.fromCharCode.apply(null, /** @type {number[]} */ (/** @type {unknown} */ (bytes.subarray(i, i + 8192))));
  return btoa(binary);
}
/** @param {string} text */
function atobLoop(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** @type {import('./lib.mjs').BenchCase[]} */
const cases = [];
for (const [label, bytes] of sizes) {
  const data = new Uint8Array(bytes).map((_, i) => (i * 2654435761) >>> 24);
  const text = Buffer.from(data).toString('base64');
  const inPtr = heap.alloc(bytes + 16);
  const outPtr = heap.alloc(text.length + 16);
  heap.refresh().u8.set(data, inPtr);
  const textPtr = heap.alloc(text.length);
  heap.refresh().u8.set(Buffer.from(text, 'latin1'), textPtr);
  const seconds = bytes / 48000; // 24 kHz mono PCM16 = 48,000 bytes per second
  const enc = { group: `encode ${label}`, bytes, seconds };
  const dec = { group: `decode ${label}`, bytes, seconds };
  cases.push(
    { ...enc, impl: 'wasm kernel (in wasm memory)', fn: () => heap.exports.b64_encode(inPtr, bytes, outPtr) },
    { ...enc, impl: 'wasm codec (to JS string)', fn: () => wasmBase64.encode(data) },
    { ...enc, impl: 'Buffer', fn: () => bufferCodec.encode(data) },
    ...(nativeCodec ? [{ ...enc, impl: 'native toBase64', fn: () => nativeCodec.encode(data) }] : []),
    { ...enc, impl: 'chunked btoa', baseline: true, fn: () => btoaChunked(data) },
    { ...dec, impl: 'wasm kernel (in wasm memory)', fn: () => heap.exports.b64_decode(textPtr, text.length, outPtr, 1) },
    { ...dec, impl: 'wasm codec (from JS string)', fn: () => wasmBase64.decode(text) },
    { ...dec, impl: 'Buffer + strict checks (default in Node)', fn: () => bufferCodec.decode(text) },
    { ...dec, impl: 'Buffer.from, lenient', fn: () => Buffer.from(text, 'base64') },
    { ...dec, impl: 'atob + charCodeAt loop', baseline: true, fn: () => atobLoop(text) },
  );
}
await runSuite('base64', cases);
