// realtime-pcm/kernels: the kernel API, low level included, for code that works next to the wasm
// kernels (custom pipelines, worklets of your own, benchmarks). The kernels as the root exports
// them, plus: the shared kernel instance and its memory views (`kernels()`, `Heap`), the compiled
// module (`kernelModule`, `setKernelModule` for a worklet, `WASM_SHA256`), each base64
// implementation, G.711 per law, the resampler presets and the VAD's raw event codes.
// It shares one copy of the library with `realtime-pcm` (same classes, same kernel instance).

// loading and memory
export { ready, kernels, kernelMemory, kernelModule, setKernelModule, WASM_SHA256 } from '../wasm/load.js';
export type { Heap, KernelExports, KernelMemory } from '../wasm/load.js';

// PCM16 and base64
export { floatToPcm16, pcm16ToFloat } from './pcm16.js';
export { encodeBase64, decodeBase64, base64Error, base64Codecs, base64Implementation, wasmBase64 } from './base64.js';
export type { Base64Codec, Base64Implementation } from './base64.js';

// G.711
export { encodeG711, decodeG711, encodeMuLaw, decodeMuLaw, encodeALaw, decodeALaw } from './g711.js';
export type { G711Law } from './g711.js';

// resampler, VAD, echo gate, echo canceller
export { Resampler, SUPPORTED_SAMPLE_RATES, QUALITY_PRESETS } from './resampler.js';
export type { ResamplerOptions, ResamplerQuality } from './resampler.js';
export type { QualityPreset } from './resampler-design.js';
export { EnergyVad, VAD_SPEECH_START, VAD_SPEECH_STOP } from './vad.js';
export type { EnergyVadOptions, VadEvent, VadEventType } from './vad.js';
export { EchoGate } from './echo-gate.js';
export type { EchoGateOptions } from './echo-gate.js';
export { EchoCanceller } from './echo-canceller.js';
export type { EchoCancellerOptions } from './echo-canceller.js';
