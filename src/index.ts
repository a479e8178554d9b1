// realtime-pcm: kernels, pipelines and transports. Runs in Node, browsers and bundlers.
export { RealtimePcmError, Base64Error, OptionsError, WasmLoadError } from './errors.js';
export type { Base64ErrorReason } from './errors.js';
export { ready, setKernelModule, kernelModule, kernels, WASM_SHA256 } from './wasm/load.js';
export type { Heap, KernelExports } from './wasm/load.js';
export { floatToPcm16, pcm16ToFloat } from './kernels/pcm16.js';
export {
  encodeBase64,
  decodeBase64,
  base64Error,
  base64Codecs,
  base64Implementation,
  wasmBase64,
} from './kernels/base64.js';
export type { Base64Codec, Base64Implementation } from './kernels/base64.js';
export { REALTIME_SAMPLE_RATE } from './constants.js';
export { encodeMuLaw, decodeMuLaw, encodeALaw, decodeALaw, encodeG711, decodeG711 } from './kernels/g711.js';
export type { G711Law } from './kernels/g711.js';
export { CapturePipeline } from './pipeline/capture.js';
export type {
  CapturePipelineOptions,
  CaptureEvent,
  CaptureAudioEvent,
  CaptureVadEvent,
  CaptureStats,
  CaptureVad,
  CaptureEchoGate,
} from './pipeline/capture.js';
export { PlaybackPipeline } from './pipeline/playback.js';
export type { PlaybackPipelineOptions, PlaybackInterruption, PlaybackStats, PlaybackReferenceSink } from './pipeline/playback.js';
export { AudioInputError } from './pipeline/errors.js';
export type { AudioInputErrorCode } from './pipeline/errors.js';
export { RealtimeAudioAdapter, MIN_COMMIT_MS } from './transport/adapter.js';
export type { RealtimeAudioAdapterOptions } from './transport/adapter.js';
export { TransportError } from './transport/errors.js';
export type { TransportErrorCode } from './transport/errors.js';
export type {
  AdapterEvent,
  AdapterStats,
  InterruptionEvent,
  InterruptionSource,
  TransportErrorEvent,
  SessionProtocolName,
  TurnDetectionMode,
} from './transport/events.js';
export { openAISessionAudio, openAIBetaSessionAudio, geminiSetupAudio } from './transport/session-config.js';
export type { SessionAudioOptions } from './transport/session-config.js';
export type { SendTarget, TextSocket } from './transport/sink.js';
export { TelephonyBridge } from './pipeline/telephony.js';
export type { TelephonyBridgeOptions } from './pipeline/telephony.js';
export { Resampler, SUPPORTED_SAMPLE_RATES, QUALITY_PRESETS } from './kernels/resampler.js';
export type { ResamplerOptions, ResamplerQuality } from './kernels/resampler.js';
export { EnergyVad, VAD_SPEECH_START, VAD_SPEECH_STOP } from './kernels/vad.js';
export type { EnergyVadOptions, VadEvent, VadEventType } from './kernels/vad.js';
export { EchoGate } from './kernels/echo-gate.js';
export type { EchoGateOptions } from './kernels/echo-gate.js';
