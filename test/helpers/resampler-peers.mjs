// The npm peers of the Resampler, driven as their READMEs and headers describe, behind one shape
// so that the quality battery and the benchmark treat every resampler alike:
//   { name, quality, latencyMs?, convert(input) => whole-stream output, stream() => { process(block) } }
// - @alexanderolsen/libsamplerate-js (libsamplerate in wasm): `simple()` for a whole stream,
//   `full(block, out)` (the streaming API, reusing an output array) per block.
// - @echogarden/speex-resampler-wasm (speexdsp in wasm, SIMD build): speex_resampler_init /
//   speex_resampler_process_float through the Emscripten heap; the whole-stream convert also feeds
//   the input latency as zeros so that the tail comes out. Every quality 0..10 (the benchmark looks
//   for the fastest one that meets our targets); latencyMs from speex_resampler_get_input_latency.
// - wave-resampler (plain JS, whole buffers only, no state between calls).
import libsamplerateJs from '@alexanderolsen/libsamplerate-js';
import SpeexModule from '@echogarden/speex-resampler-wasm/simd';
import waveResampler from 'wave-resampler';

const { create, ConverterType } = libsamplerateJs;
const waveResample = waveResampler.resample;

const LIBSAMPLERATE = [
  ['SRC_SINC_BEST_QUALITY', 'best'],
  ['SRC_SINC_MEDIUM_QUALITY', 'medium'],
  ['SRC_SINC_FASTEST', 'fastest'],
];
const SPEEX_QUALITIES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const WAVE_METHODS = ['sinc', 'cubic'];

async function libsamplerate(inputRate, outputRate) {
  const peers = [];
  for (const [type, label] of LIBSAMPLERATE) {
    const whole = await create(1, inputRate, outputRate, { converterType: ConverterType[type] });
    peers.push({
      name: '@alexanderolsen/libsamplerate-js',
      quality: label,
      convert: (input) => whole.simple(input),
      stream: async () => {
        const src = await create(1, inputRate, outputRate, { converterType: ConverterType[type] });
        let out = new Float32Array(0);
        const length = { frames: 0 };
        return {
          process(block) {
            const need = Math.ceil((block.length * outputRate) / inputRate) + 64;
            if (out.length < need) out = new Float32Array(need);
            src.full(block, out, length);
            return length.frames;
          },
          free: () => src.destroy(),
        };
      },
    });
  }
  return peers;
}

let speexModule;
async function speex(inputRate, outputRate) {
  speexModule ??= await SpeexModule();
  const m = speexModule;
  const make = (quality, maxFrames) => {
    const err = m._malloc(4);
    const st = m._speex_resampler_init(1, inputRate, outputRate, quality, err);
    const inPtr = m._malloc(maxFrames * 4);
    const outCap = Math.ceil((maxFrames * outputRate) / inputRate) + 64;
    const outPtr = m._malloc(outCap * 4);
    const inLen = m._malloc(4);
    const outLen = m._malloc(4);
    const latency = m._speex_resampler_get_input_latency(st);
    return {
      latency,
      process(block, sink) {
        m.HEAPF32.set(block, inPtr >> 2);
        let done = 0;
        let written = 0;
        while (done < block.length) {
          m.HEAPU32[inLen >> 2] = block.length - done;
          m.HEAPU32[outLen >> 2] = outCap;
          m._speex_resampler_process_float(st, 0, inPtr + done * 4, inLen, outPtr, outLen);
          const used = m.HEAPU32[inLen >> 2];
          const got = m.HEAPU32[outLen >> 2];
          if (sink) sink(m.HEAPF32.subarray(outPtr >> 2, (outPtr >> 2) + got));
          written += got;
          done += used;
          if (used === 0 && got === 0) break;
        }
        return written;
      },
      free() {
        m._speex_resampler_destroy(st);
        for (const p of [err, inPtr, outPtr, inLen, outLen]) m._free(p);
      },
    };
  };
  const latencyMsOf = (quality) => {
    const r = make(quality, 16);
    r.free();
    return (1000 * r.latency) / inputRate;
  };
  return SPEEX_QUALITIES.map((quality) => ({
    name: '@echogarden/speex-resampler-wasm',
    quality: `q${quality}`,
    latencyMs: latencyMsOf(quality),
    convert: (input) => {
      const r = make(quality, input.length + 4096);
      const parts = [];
      const padded = new Float32Array(input.length + r.latency + 16);
      padded.set(input);
      r.process(padded, (out) => parts.push(out.slice()));
      r.free();
      const total = parts.reduce((n, p) => n + p.length, 0);
      const out = new Float32Array(total);
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    },
    stream: async () => {
      const r = make(quality, inputRate);
      return { process: (block) => r.process(block), free: () => r.free() };
    },
  }));
}

function wave(inputRate, outputRate) {
  return WAVE_METHODS.map((method) => ({
    name: 'wave-resampler',
    quality: method,
    convert: (input) => Float32Array.from(waveResample(input, inputRate, outputRate, { method })),
    stream: async () => ({
      process: (block) => waveResample(block, inputRate, outputRate, { method }).length,
      free() {},
    }),
  }));
}

/** Every peer configuration for one rate pair. */
export async function resamplerPeers(inputRate, outputRate) {
  return [...(await libsamplerate(inputRate, outputRate)), ...(await speex(inputRate, outputRate)), ...wave(inputRate, outputRate)];
}
