// G.711 mu-law / A-law <-> PCM16, in wasm (assembly/g711.ts): bit-exact with ITU-T G.711 and with
// sox 14.4's `-e u-law` / `-e a-law` (16 -> 14/13-bit rounding half up). Input goes through fixed
// windows in wasm memory (4096 samples, Heap.through), so any length works and nothing in wasm grows.
import { kernelWindows } from '../wasm/load.js';
import { checkOutputLength } from '../errors.js';

interface G711Exports {
  g711_mulaw_encode(inPtr: number, outPtr: number, samples: number): number;
  g711_mulaw_decode(inPtr: number, outPtr: number, samples: number): number;
  g711_alaw_encode(inPtr: number, outPtr: number, samples: number): number;
  g711_alaw_decode(inPtr: number, outPtr: number, samples: number): number;
}

/** The two G.711 companding laws: `mulaw` (North America, Japan; `audio/pcmu`), `alaw` (`audio/pcma`). */
export type G711Law = 'mulaw' | 'alaw';

const WINDOW_SAMPLES = 4096;
const windows = { ptr: 0, bytes: WINDOW_SAMPLES * 3 }; // the int16 window, then the code (byte) window
const CODE_OFFSET = WINDOW_SAMPLES * 2;

function encode(law: G711Law, input: Int16Array, output: Uint8Array | undefined, name: string): Uint8Array {
  const out = output ?? new Uint8Array(input.length);
  checkOutputLength(out, input.length, name);
  const heap = kernelWindows(windows);
  const fns = heap.exports as unknown as G711Exports;
  heap.through(law === 'mulaw' ? fns.g711_mulaw_encode : fns.g711_alaw_encode, WINDOW_SAMPLES, input, windows.ptr, out, windows.ptr + CODE_OFFSET);
  return out;
}

function decode(law: G711Law, input: Uint8Array, output: Int16Array | undefined, name: string): Int16Array {
  const out = output ?? new Int16Array(input.length);
  checkOutputLength(out, input.length, name);
  const heap = kernelWindows(windows);
  const fns = heap.exports as unknown as G711Exports;
  heap.through(law === 'mulaw' ? fns.g711_mulaw_decode : fns.g711_alaw_decode, WINDOW_SAMPLES, input, windows.ptr + CODE_OFFSET, out, windows.ptr);
  return out;
}

/**
 * PCM16 to G.711 mu-law bytes (one byte per sample). Writes into `output` (allocated when not
 * given; allocation-free otherwise) and returns it.
 */
export function encodeMuLaw(input: Int16Array, output?: Uint8Array): Uint8Array {
  return encode('mulaw', input, output, 'encodeMuLaw');
}

/** G.711 mu-law bytes to PCM16. Writes into `output` (allocated when not given) and returns it. */
export function decodeMuLaw(input: Uint8Array, output?: Int16Array): Int16Array {
  return decode('mulaw', input, output, 'decodeMuLaw');
}

/**
 * PCM16 to G.711 A-law bytes (one byte per sample). Writes into `output` (allocated when not
 * given; allocation-free otherwise) and returns it.
 */
export function encodeALaw(input: Int16Array, output?: Uint8Array): Uint8Array {
  return encode('alaw', input, output, 'encodeALaw');
}

/** G.711 A-law bytes to PCM16. Writes into `output` (allocated when not given) and returns it. */
export function decodeALaw(input: Uint8Array, output?: Int16Array): Int16Array {
  return decode('alaw', input, output, 'decodeALaw');
}

/** Encodes with the given law (`mulaw` or `alaw`); see `encodeMuLaw`. */
export function encodeG711(law: G711Law, input: Int16Array, output?: Uint8Array): Uint8Array {
  return encode(law, input, output, law === 'mulaw' ? 'encodeMuLaw' : 'encodeALaw');
}

/** Decodes with the given law (`mulaw` or `alaw`); see `decodeMuLaw`. */
export function decodeG711(law: G711Law, input: Uint8Array, output?: Int16Array): Int16Array {
  return decode(law, input, output, law === 'mulaw' ? 'decodeMuLaw' : 'decodeALaw');
}
