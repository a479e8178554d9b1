// realtime-pcm: the audio layer for realtime voice sessions. Runs in Node, browsers and bundlers.
// The root gives what an application needs: the kernels as functions and classes, the pipelines,
// the session adapter, and the typed errors. The low-level kernel API (the wasm instance and its
// memory, the base64 implementations, per-law G.711, the raw VAD codes) is `realtime-pcm/kernels`;
// the AudioWorklet runtime is `realtime-pcm/browser`, the worker_threads host `realtime-pcm/node`.
// Every entry shares one copy of the library (one error class each, one kernel instance).

// errors
export { RealtimePcmError, Base64Error, OptionsError, WasmLoadError } from './errors.js';
export type { Base64ErrorReason } from './errors.js';
export { AudioInputError } from './pipeline/errors.js';
export type { AudioInputErrorCode } from './pipeline/errors.js';
export { TransportError } from './transport/errors.js';
export type { TransportErrorCode } from './transport/errors.js';

// kernels
export { ready, kernelMemory } from './wasm/load.js';
export type { KernelMemory } from './wasm/load.js';
export { REALTIME_SAMPLE_RATE } from './constants.js';
export { floatToPcm16, pcm16ToFloat } from './kernels/pcm16.js';
export { encodeBase64, decodeBase64 } from './kernels/base64.js';
export { encodeG711, decodeG711 } from './kernels/g711.js';
export type { G711Law } from './kernels/g711.js';
export { Resampler, SUPPORTED_SAMPLE_RATES } from './kernels/resampler.js';
export type { ResamplerOptions, ResamplerQuality } from './kernels/resampler.js';
export { EnergyVad } from './kernels/vad.js';
export type { EnergyVadOptions, VadEvent, VadEventType } from './kernels/vad.js';
export { EchoGate } from './kernels/echo-gate.js';
export type { EchoGateOptions } from './kernels/echo-gate.js';
export { EchoCanceller } from './kernels/echo-canceller.js';
export type { EchoCancellerOptions } from './kernels/echo-canceller.js';
export type { EchoCancellerReadings } from './pipeline/capture-echo.js';

// pipelines
export { CapturePipeline } from './pipeline/capture.js';
export type {
  CapturePipelineOptions,
  CaptureEvent,
  CaptureAudioEvent,
  CaptureVadEvent,
  CaptureStats,
  CaptureVad,
  CaptureEchoGate,
  CaptureEchoCanceller,
  EchoCancellationOption,
} from './pipeline/capture.js';
export { PlaybackPipeline } from './pipeline/playback.js';
export type { PlaybackPipelineOptions, PlaybackInterruption, PlaybackStats, PlaybackReferenceSink } from './pipeline/playback.js';
export { Fade } from './pipeline/fade.js';
export type { OutputLimiterOptions } from './pipeline/limiter.js';
export { TelephonyBridge } from './pipeline/telephony.js';
export type { TelephonyBridgeOptions } from './pipeline/telephony.js';

// session adapter
export { RealtimeAudioAdapter, MIN_COMMIT_MS } from './transport/adapter.js';
export type { RealtimeAudioAdapterOptions } from './transport/adapter.js';
export type {
  AdapterEvent,
  AdapterStats,
  InterruptionEvent,
  InterruptionSource,
  TransportErrorEvent,
  SessionAudioFormat,
  SessionProtocolName,
  TurnDetectionMode,
} from './transport/events.js';
export type { SessionPlayout, PlayoutInterruption } from './transport/playout.js';
export { openAISessionAudio, openAIBetaSessionAudio, geminiSetupAudio } from './transport/session-config.js';
export type { SessionAudioOptions } from './transport/session-config.js';
export type { SendTarget, TextSocket } from './transport/sink.js';

// phone calls: a carrier media stream (Twilio Media Streams and the like) bridged to a session
export { PhoneBridge } from './transport/phone-bridge.js';
export type { PhoneBridgeOptions, PhoneBridgeEvent, PhoneStartEvent, PhoneDtmfEvent, PhoneStopEvent } from './transport/phone-options.js';
export type { PhoneBridgeStats, CarrierStats } from './transport/phone-stats.js';
export type { CarrierPlayout, CarrierPlayoutStats } from './transport/carrier-playout.js';
export type { Clock } from './transport/clock.js';
