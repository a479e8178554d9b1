// The capture AudioWorkletProcessor: runs a CapturePipeline at the context's own rate on every
// 128-frame render quantum and posts finished chunks (every `chunkMs`) and VAD events to the main
// thread. Per quantum nothing allocates: the input channel goes straight into the pipeline (a
// stereo input is averaged into a buffer made once); messages are posted only when a chunk is
// complete, and level reports every `levelIntervalMs`. With `echoCancellation` or `echoGate` and a
// `linkId`, the linked playback processor's output is the reference: it pushes each quantum it
// plays into this pipeline (the same render thread, no copy); the canceller takes it at
// `referenceRate`, by default 24 kHz: the playback's tap before its resampler (its default session
// rate), through one 24 -> 16 kHz resampler when the pipeline's output is at 16 kHz (Gemini); at
// the context's rate it takes what the speaker plays, as the gate always does. `close` frees the
// pipeline and the echo gate (their kernel memory in this scope) and ends the processor.
import { CapturePipeline, type CapturePipelineOptions } from '../pipeline/capture.js';
import { cancellerReadings } from '../pipeline/capture-echo.js';
import { BLOCK_FRAMES, REALTIME_SAMPLE_RATE } from '../constants.js';
import {
  contextRate,
  echoLink,
  installKernels,
  closePort,
  serve,
  unknownMessage,
  workletEchoGate,
  unlinkEcho,
  workletMemory,
  type EchoCancellerSettings,
  type EchoGateLike,
  type EchoGateSettings,
  type WorkletProcessor,
  type WorkletScope,
} from './worklet-scope.js';
import { freedError } from '../wasm/blocks.js';
import { LevelMeter } from './level-meter.js';
import { micProcessorBase } from './mic-processor.js';
import type { CaptureReply, CaptureRequest, WorkletKernelOptions } from './protocol.js';

export interface CaptureProcessorOptions extends WorkletKernelOptions {
  /** Pipeline options; `inputRate` (and the reference's rate) is the context's rate and is set by the processor. */
  pipeline?: Omit<CapturePipelineOptions, 'inputRate' | 'echoGate' | 'echoCancellation' | 'referenceRate'>;
  /** Cancel the echo of what the linked playback node plays (needs `linkId`). */
  echoCancellation?: EchoCancellerSettings;
  /**
   * The rate the canceller takes the linked playback at: its session rate (24000, its default)
   * for its tap, or the context's rate for what the speaker plays. Default 24000.
   */
  referenceRate?: number;
  /** Gate the microphone against what the linked playback node plays (needs `linkId`). */
  echoGate?: boolean | EchoGateSettings;
  /** How often to post `level` messages, ms; 0 for never. Default 50. */
  levelIntervalMs?: number;
  /** Post `microphone_silent` after this long of exact zeros or no input while not paused, ms; 0 (the default here): never. */
  microphoneSilentMs?: number;
}

export interface CaptureProcessor extends WorkletProcessor {
  readonly pipeline: CapturePipeline;
  readonly echoGate: EchoGateLike | undefined;
}

export function createCaptureProcessorClass(scope: WorkletScope): new (options?: { processorOptions?: CaptureProcessorOptions }) => CaptureProcessor {
  return class CaptureProcessor extends micProcessorBase(scope) {
    readonly pipeline: CapturePipeline;
    private quanta = 0;
    private readonly meter: LevelMeter;
    private readonly linkId: string | undefined;

    constructor(options?: { processorOptions?: CaptureProcessorOptions }) {
      super(options);
      const config = options?.processorOptions ?? {};
      installKernels(config);
      const rate = contextRate(scope, config);
      this.echoGate = workletEchoGate(scope, config.echoGate, rate);
      this.linkId = config.linkId;
      // the canceller takes the linked playback's 24 kHz tap (its default session rate) unless told another rate
      const cancelling = this.echoGate === undefined && config.echoCancellation !== undefined && config.echoCancellation !== false;
      this.pipeline = new CapturePipeline({
        ...config.pipeline,
        inputRate: rate,
        echoGate: this.echoGate,
        echoCancellation: config.echoCancellation as CapturePipelineOptions['echoCancellation'],
        referenceRate: cancelling ? (config.referenceRate ?? REALTIME_SAMPLE_RATE) : rate,
      });
      // the linked playback processor's output goes to the pipeline's echo stages
      if (config.linkId !== undefined && (this.echoGate !== undefined || this.pipeline.echoCanceller !== undefined)) {
        echoLink(config.linkId).reference = this.pipeline;
      }
      this.meter = LevelMeter.fromMs(config.levelIntervalMs ?? 50, rate, (rmsDb, peakDb) =>
        this.post({
          type: 'level',
          rmsDb,
          peakDb,
          speaking: this.pipeline.speaking,
          echoGateOpen: this.echoGate === undefined ? null : this.echoGate.open,
          ...cancellerReadings(this.pipeline.echoCanceller),
        }),
      );
      this.watchSilence(config.microphoneSilentMs, rate);
      this.port.onmessage = (event: MessageEvent<CaptureRequest>) => serve(this.port, event.data, (message) => this.handle(message));
    }

    process(inputs: Float32Array[][]): boolean {
      if (this.closed) return false; // the engine may drop the processor
      const input = inputs[0];
      if (!this.failed) {
        const micEvent = this.silenceEvent(input, input?.[0]?.length ?? BLOCK_FRAMES);
        if (micEvent !== null) this.post({ type: 'microphone', event: micEvent });
      }
      const idle = this.failed || this.paused || input === undefined || input.length === 0;
      // no mic this quantum: the canceller drops exactly its span of the linked playback's reference
      // (skipMicrophone, in step at any rate); the gate's is not queued
      const cancelling = !this.failed && this.pipeline.echoCanceller !== undefined;
      this.pipeline.referenceEnabled = !idle || cancelling;
      if (idle) {
        if (cancelling) this.pipeline.skipMicrophone(input?.[0]?.length ?? BLOCK_FRAMES);
        return true;
      }
      this.quanta++;
      const samples = this.mixer.mix(input);
      this.meter.add(samples);
      try {
        const events = this.pipeline.push(samples);
        if (events.length > 0) this.post({ type: 'events', events });
      } catch (error) {
        this.fail(error);
      }
      return true;
    }

    /** One message from the node: requests return their result (see `serve`). */
    private handle(message: CaptureRequest): unknown {
      if (this.closed) throw freedError('capture processor');
      switch (message?.type) {
        case 'flush':
          return this.pipeline.flush();
        case 'stats':
          return {
            ...this.pipeline.stats,
            ...workletMemory(),
            quanta: this.quanta,
            echoGateOpen: this.echoGate === undefined ? null : this.echoGate.open,
            ...cancellerReadings(this.pipeline.echoCanceller),
          };
        case 'reset':
          return this.pipeline.reset();
        case 'pause':
          this.paused = Boolean(message.paused);
          return;
        case 'close':
          return this.close();
        default:
          throw unknownMessage('capture', message);
      }
    }

    /** Frees the pipeline and the echo gate made here; the processor ends. */
    private close(): void {
      this.closed = true;
      unlinkEcho(this.linkId, this.pipeline);
      this.pipeline.free();
      this.echoGate?.free?.();
      closePort(this.port);
    }

    private post(message: CaptureReply): void {
      this.port.postMessage(message);
    }
  };
}
