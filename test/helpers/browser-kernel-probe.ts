// One kernel probe, as source text, run in three places on the same input: in Node (the reference),
// in a browser page and inside an AudioWorklet. It runs PCM16 both ways, every base64 codec
// (native where the engine has it, and the wasm codec, forced), the resampler for four rate pairs
// fed in seeded random pieces, and the VAD over the speech fixture; `digestReport` turns what came
// out into SHA-256 hex strings and small JSON, so only hashes cross the driver. Inputs are the
// fixture's samples and seeded integer noise: no Math.sin or other function whose last bit may
// differ between JavaScript engines. Its seeded numbers are the tests' own generator (mulberry32,
// scripts/random.mjs), put in as source text.
import { rng } from '../../scripts/random.mjs';

export const KERNEL_PROBE = String.raw`
const probeRandom = ${rng.toString()};
function probeBytes(length, seed) {
  const next = probeRandom(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}
function bytesOf(view) {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}
const PROBE_INVALID_BASE64 = ['QUJD*UJD', 'QUJD-UJD', 'QUJDQ\u0141JD', 'QUJD QUJD', 'QUJD\n', 'QUI', 'QQ==QUJD', 'Q===', '====', 'QR==', 'QUJ='];
/** The float inputs of floatToPcm16: every int16 / 32768, rounding halves and edges, seeded noise in [-1.25, 1.25). */
function pcm16Inputs() {
  const edges = [1, -1, 1.5, -1.5, NaN, Infinity, -Infinity, 0.5 / 32768, -0.5 / 32768, 1.5 / 32768, -1.5 / 32768, 32766.5 / 32768, -32767.5 / 32768, 1e-30, -0, 3.0000001];
  const next = probeRandom(7);
  const floats = new Float32Array(65536 + edges.length + 8192);
  for (let i = 0; i < 65536; i++) floats[i] = (i - 32768) / 32768;
  floats.set(edges, 65536);
  for (let i = 65536 + edges.length; i < floats.length; i++) floats[i] = next() * 2.5 - 1.25;
  return floats;
}
function resampleInPieces(lib, inputRate, outputRate, quality, samples, seed) {
  const resampler = new lib.Resampler({ inputRate, outputRate, quality });
  const next = probeRandom(seed);
  const parts = [];
  let total = 0;
  for (let at = 0; at < samples.length; ) {
    const n = Math.min(samples.length - at, next() < 0.3 ? 128 : 1 + Math.floor(next() * 700));
    const out = resampler.process(samples.subarray(at, at + n));
    parts.push(out.slice());
    total += out.length;
    at += n;
  }
  const tail = resampler.flush().slice();
  parts.push(tail);
  total += tail.length;
  resampler.free();
  const all = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return bytesOf(all);
}
function kernelReport(lib, input) {
  const report = { codecs: [], native: typeof Uint8Array.prototype.toBase64 === 'function', implementation: lib.base64Implementation };
  report.floatToPcm16 = bytesOf(lib.floatToPcm16(pcm16Inputs()));
  const ints = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) ints[i] = i - 32768;
  report.pcm16ToFloat = bytesOf(lib.pcm16ToFloat(ints));
  const payload = probeBytes(4096, 1);
  const big = probeBytes(16 * 1024 * 1024, 2);
  for (const codec of lib.base64Codecs) {
    let all = '';
    let decodeMismatches = 0;
    for (let n = 0; n <= 4096; n++) {
      const text = codec.encode(payload.subarray(0, n));
      all += text + '|';
      const back = codec.decode(text);
      if (back.length !== n || back.some((v, i) => v !== payload[i])) decodeMismatches++;
    }
    const bigText = codec.encode(big);
    const bigBack = codec.decode(bigText);
    let bigMismatch = bigBack.length !== big.length;
    for (let i = 0; !bigMismatch && i < big.length; i++) if (bigBack[i] !== big[i]) bigMismatch = true;
    const errors = PROBE_INVALID_BASE64.map((text) => {
      try {
        codec.decode(text);
        return 'no error';
      } catch (e) {
        return e.name + ':' + e.reason + '@' + e.position;
      }
    });
    report.codecs.push({ name: codec.name, all, bigText, decodeMismatches, bigMismatch, errors });
  }
  const noise16 = new Float32Array(16000 * 2);
  const next = probeRandom(11);
  for (let i = 0; i < noise16.length; i++) noise16[i] = next() * 1.6 - 0.8;
  report.resampled = {
    '48000->24000 high': resampleInPieces(lib, 48000, 24000, 'high', input.speech48, 21),
    '48000->24000 voice': resampleInPieces(lib, 48000, 24000, 'voice', input.speech48, 22),
    '44100->24000 high': resampleInPieces(lib, 44100, 24000, 'high', input.speech44, 23),
    '16000->24000 high': resampleInPieces(lib, 16000, 24000, 'high', noise16, 24),
    '24000->48000 high': resampleInPieces(lib, 24000, 48000, 'high', input.speech48.subarray(0, 48000), 25),
  };
  const vad = new lib.EnergyVad({ sampleRate: 48000 });
  report.vadEvents = [];
  for (let at = 0; at < input.speech48.length; at += 480) report.vadEvents.push(...vad.process(input.speech48.subarray(at, at + 480)));
  vad.free();
  return report;
}
async function probeSha(value) {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
async function digestReport(report) {
  const resampled = {};
  for (const key of Object.keys(report.resampled)) resampled[key] = await probeSha(report.resampled[key]);
  const codecs = [];
  for (const c of report.codecs) {
    codecs.push({ name: c.name, all: await probeSha(c.all), big: await probeSha(c.bigText), decodeMismatches: c.decodeMismatches, bigMismatch: c.bigMismatch, errors: c.errors });
  }
  return {
    native: report.native,
    implementation: report.implementation,
    floatToPcm16: await probeSha(report.floatToPcm16),
    pcm16ToFloat: await probeSha(report.pcm16ToFloat),
    codecs,
    resampled,
    vadEvents: JSON.stringify(report.vadEvents),
  };
}
`;

export interface KernelDigest {
  native: boolean;
  implementation: string;
  floatToPcm16: string;
  pcm16ToFloat: string;
  codecs: { name: string; all: string; big: string; decodeMismatches: number; bigMismatch: boolean; errors: string[] }[];
  resampled: Record<string, string>;
  vadEvents: string;
}

/** Runs the probe in Node on `lib` (realtime-pcm's exports) and digests it. */
export async function nodeKernelDigest(lib: object, input: { speech48: Float32Array; speech44: Float32Array }): Promise<KernelDigest> {
  const run = new Function('lib', 'input', `${KERNEL_PROBE}\nreturn digestReport(kernelReport(lib, input));`);
  return run(lib, input);
}
