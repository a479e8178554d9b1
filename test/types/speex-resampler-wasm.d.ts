// @echogarden/speex-resampler-wasm ships no types; the benchmarks call its Emscripten exports directly.
declare module '@echogarden/speex-resampler-wasm/simd';
