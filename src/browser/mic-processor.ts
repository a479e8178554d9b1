// The base of the processors that take the microphone (capture and session): the mono mixer, the
// pause, failure and close flags, the echo gate made here, and the error report. The processors'
// interfaces (CaptureProcessor, SessionProcessor) show only `echoGate` of it.
import { errorData } from '../errors.js';
import { MonoMixer } from './mono-mixer.js';
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

    /** Stops processing and reports the error to the node. */
    fail(error: unknown): void {
      this.failed = true;
      this.port.postMessage({ type: 'error', ...errorData(error, 'processor_error') });
    }
  };
}
