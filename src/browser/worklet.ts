// The AudioWorklet module (bundled alone into dist/worklet.js, and embedded as text into
// dist/browser.js): registers the capture, playback and session processors. Self-contained: no imports at
// run time; the wasm kernels arrive compiled through processorOptions.
import { createCaptureProcessorClass } from './capture-processor.js';
import { createPlaybackProcessorClass } from './playback-processor.js';
import { createSessionProcessorClass } from './session-processor.js';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR, SESSION_PROCESSOR } from './protocol.js';
import { EchoGate, type EchoGateOptions } from '../kernels/echo-gate.js';
import type { WorkletScope } from './worklet-scope.js';

declare const AudioWorkletProcessor: WorkletScope['AudioWorkletProcessor'];
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;

const scope: WorkletScope = {
  AudioWorkletProcessor,
  sampleRate,
  createEchoGate: (settings, rate) => new EchoGate({ ...(settings as Partial<EchoGateOptions>), sampleRate: rate }),
};
registerProcessor(CAPTURE_PROCESSOR, createCaptureProcessorClass(scope));
registerProcessor(PLAYBACK_PROCESSOR, createPlaybackProcessorClass(scope));
registerProcessor(SESSION_PROCESSOR, createSessionProcessorClass(scope));
