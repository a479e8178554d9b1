// The base of the processors that take the microphone (capture and session): the mono mixer, the
// pause, failure and close flags, the echo gate made here, the dead-mic watch (mic-silence.ts) and
// the error report. The processors' interfaces (CaptureProcessor, SessionProcessor) show only
// `echoGate` of it.
import { errorData } from '../errors.js';
import { MonoMixer } from './mono-mixer.js';
import { MicSilence, MIC_SAME, MIC_SILENT } from './mic-silence.js';
import type { MicrophoneEvent } from './microphone-watch.js';
import type { EchoGateLike, ProcessorBase, WorkletScope } from './worklet-scope.js';

export function micProcessorBase(scope: WorkletScope) {
  const Base = scope.AudioWorkletProcessor as new (options?: unknown) => ProcessorBase;
  return class MicProcessor extends Base {
    /** The echo gate made from the `echoGate` option (freed on close), if any. */
    echoGate: EchoGateLike | undefined;
    /** Averages a multi-channel input into one channel (a buffer made once). */
    readonly mixer = new MonoMixer();
    paused = false;
    /** A kernel threw: the processor stays silent and said so once. */
    failed = false;
    closed = false;
    /** The dead-mic watch; off until `watchSilence` (microphoneSilentMs 0: off). */
    silence = new MicSilence(0, 1);

    /** Starts the dead-mic watch: `microphoneSilentMs` of exact zeros or no input while not paused. */
    watchSilence(microphoneSilentMs: number | undefined, rate: number): void {
      const ms = microphoneSilentMs ?? 0;
      this.silence = new MicSilence(ms > 0 && rate > 0 ? Math.max(1, Math.round((ms * rate) / 1000)) : 0, rate);
    }

    /** One quantum's input through the dead-mic watch: the event to report (made only then), or null. */
    silenceEvent(input: Float32Array[] | undefined, frames: number): MicrophoneEvent | null {
      const change = this.silence.observe(input, frames, this.paused);
      if (change === MIC_SAME) return null;
      const silentMs = this.silence.silentMs;
      return change === MIC_SILENT ? { type: 'microphone_silent', silentMs } : { type: 'microphone_resumed', silentMs };
    }

    /** Stops processing and reports the error to the node. */
    fail(error: unknown): void {
      this.failed = true;
      this.port.postMessage({ type: 'error', ...errorData(error, 'processor_error') });
    }
  };
}
