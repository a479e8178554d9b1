// realtime-pcm/browser: an ESM file a page imports with no bundler. Everything in `realtime-pcm`,
// plus the AudioWorklet runtime: capture and playback nodes running the pipelines at the
// context's own rate. Kernels compile synchronously on first use; in an engine that limits
// synchronous wasm compilation on the main thread, `await ready()` once first.
export * from '../index.js';
export { createCaptureNode } from './capture-node.js';
export type { CaptureNode, CaptureNodeOptions, CaptureLevel } from './capture-node.js';
export { createPlaybackNode } from './playback-node.js';
export type { PlaybackNode, PlaybackNodeOptions, PlaybackProgress } from './playback-node.js';
export { openMicrophone, DEFAULT_MICROPHONE_CONSTRAINTS } from './microphone.js';
export type { Microphone, MicrophoneOptions } from './microphone.js';
export { connectRealtimeAudio } from './session-node.js';
export type { RealtimeAudioConnection, RealtimeAudioConnectionOptions, SessionLevel } from './session-node.js';
export type { SessionEventMessage, CaptureStatsReply, PlaybackStatsReply, WorkletMemoryStats } from './protocol.js';
export { loadWorklet } from './load-worklet.js';
export { MICROPHONE_ENDED, DEFAULT_MICROPHONE_SILENT_MS } from './microphone-watch.js';
export type { MicrophoneEvent } from './microphone-watch.js';
export { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR, SESSION_PROCESSOR } from './protocol.js';
