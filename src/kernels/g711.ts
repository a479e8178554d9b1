// G.711 mu-law / A-law <-> PCM16, in wasm (assembly/g711.ts): bit-exact with ITU-T G.711 and with
// sox 14.4's `-e u-law` / `-e a-law` (16 -> 14/13-bit rounding half up). Input goes through a fixed
// window in wasm memory (4096 samples), so any length works and nothing in wasm grows.
import { kernels, type Heap } from '../wasm/load.js';
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
let window: { heap: Heap; fns: G711Exports; pcmPtr: number; codePtr: number } | undefined;

function io() {
  if (window === undefined) {
    const heap = kernels();
    const pcmPtr = heap.alloc(WINDOW_SAMPLES * 2);
    const codePtr = heap.alloc(WINDOW_SAMPLES);
    window = { heap, fns: heap.exports as unknown as G711Exports, pcmPtr, codePtr };
  }
  window.heap.refresh();
  return window;
}

type Samples = Int16Array | Uint8Array;

/**
 * Runs `kernel` over `input` through the fixed window: `input` -> `inView` at `inPtr`, kernel,
 * `outView` at `outPtr` -> `out`, WINDOW_SAMPLES at a time. Allocation-free.
 */
function through(
  kernel: (inPtr: number, outPtr: number, samples: number) => number,
  input: Samples,
  inView: Samples,
  inPtr: number,
  out: Samples,
  outView: Samples,
  outPtr: number,
): void {
  const samples = input.length;
  const inBase = inPtr / inView.BYTES_PER_ELEMENT;
  const outBase = outPtr / outView.BYTES_PER_ELEMENT;
  for (let done = 0; done < samples; done += WINDOW_SAMPLES) {
    const n = Math.min(WINDOW_SAMPLES, samples - done);
    if (n === samples) inView.set(input, inBase);
    else for (let i = 0; i < n; i++) inView[inBase + i] = input[done + i]!;
    kernel(inPtr, outPtr, n);
    for (let i = 0; i < n; i++) out[done + i] = outView[outBase + i]!;
  }
}

function encode(law: G711Law, input: Int16Array, output: Uint8Array | undefined, name: string): Uint8Array {
  const out = output ?? new Uint8Array(input.length);
  checkOutputLength(out, input.length, name);
  const { heap, fns, pcmPtr, codePtr } = io();
  through(law === 'mulaw' ? fns.g711_mulaw_encode : fns.g711_alaw_encode, input, heap.i16, pcmPtr, out, heap.u8, codePtr);
  return out;
}

function decode(law: G711Law, input: Uint8Array, output: Int16Array | undefined, name: string): Int16Array {
  const out = output ?? new Int16Array(input.length);
  checkOutputLength(out, input.length, name);
  const { heap, fns, pcmPtr, codePtr } = io();
  through(law === 'mulaw' ? fns.g711_mulaw_decode : fns.g711_alaw_decode, input, heap.u8, codePtr, out, heap.i16, pcmPtr);
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
