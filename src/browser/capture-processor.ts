// The capture AudioWorkletProcessor: runs a CapturePipeline at the context's own rate on every
// 128-frame render quantum and posts finished chunks (every `chunkMs`) and VAD events to the main
// thread. Per quantum nothing allocates: the input channel goes straight into the pipeline (a
// stereo input is averaged into a buffer made once); messages are posted only when a chunk is
// complete, and level reports every `levelIntervalMs`.
import { CapturePipeline, type CapturePipelineOptions } from '../pipeline/capture.js';
import {
  contextRate,
  echoLink,
  installKernels,
  type EchoGateLike,
  type EchoGateSettings,
  type ProcessorBase,
  type WorkletProcessor,
  type WorkletScope,
} from './worklet-scope.js';
import { RealtimePcmError, errorData } from '../errors.js';
import { LevelMeter } from './level-meter.js';
import { MonoMixer } from './mono-mixer.js';
import type { CaptureReply, CaptureRequest, WorkletKernelOptions } from './protocol.js';

export interface CaptureProcessorOptions extends WorkletKernelOptions {
  /** Pipeline options; `inputRate` is the context's rate and is set by the processor. */
  pipeline?: Omit<CapturePipelineOptions, 'inputRate' | 'echoGate'>;
  /** Gate the microphone against what the linked playback node plays (needs `linkId`). */
  echoGate?: boolean | EchoGateSettings;
  /** How often to post `level` messages, ms; 0 for never. Default 50. */
  levelIntervalMs?: number;
}

export interface CaptureProcessor extends WorkletProcessor {
  readonly pipeline: CapturePipeline;
  readonly echoGate: EchoGateLike | undefined;
}

export function createCaptureProcessorClass(scope: WorkletScope): new (options?: { processorOptions?: CaptureProcessorOptions }) => CaptureProcessor {
  const Base = scope.AudioWorkletProcessor;
  return class CaptureProcessor extends (Base as new (options?: unknown) => ProcessorBase) {
    readonly pipeline: CapturePipeline;
    readonly echoGate: EchoGateLike | undefined;
    private readonly mixer = new MonoMixer();
    private paused = false;
    private failed = false;
    private quanta = 0;
    private readonly meter: LevelMeter;

    constructor(options?: { processorOptions?: CaptureProcessorOptions }) {
      super(options);
      const config = options?.processorOptions ?? {};
      installKernels(config);
      const rate = contextRate(scope, config);
      if (config.echoGate !== undefined && config.echoGate !== false) {
        if (scope.createEchoGate === undefined) throw new RealtimePcmError('no_echo_gate', 'this worklet build has no echo gate');
        this.echoGate = scope.createEchoGate(config.echoGate === true ? {} : config.echoGate, rate);
        if (config.linkId !== undefined) echoLink(config.linkId).reference = this.echoGate;
      }
      this.pipeline = new CapturePipeline({ ...config.pipeline, inputRate: rate, echoGate: this.echoGate });
      this.meter = LevelMeter.fromMs(config.levelIntervalMs ?? 50, rate, (rmsDb, peakDb) =>
        this.post({ type: 'level', rmsDb, peakDb, speaking: this.pipeline.speaking, echoGateOpen: this.echoGate === undefined ? null : this.echoGate.open }),
      );
      this.port.onmessage = (event: MessageEvent<CaptureRequest>) => this.handle(event.data);
    }

    process(inputs: Float32Array[][]): boolean {
      const input = inputs[0];
      if (this.failed || this.paused || input === undefined || input.length === 0) return true;
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

    private handle(message: CaptureRequest): void {
      try {
        switch (message?.type) {
          case 'flush':
            this.post({ type: 'flushed', id: message.id, events: this.pipeline.flush() });
            break;
          case 'reset':
            this.pipeline.reset();
            break;
          case 'pause':
            this.paused = Boolean(message.paused);
            break;
          case 'stats':
            this.post({
              type: 'stats',
              id: message.id,
              stats: { ...this.pipeline.stats, quanta: this.quanta, echoGateOpen: this.echoGate === undefined ? null : this.echoGate.open },
            });
            break;
          default:
            this.post({
              type: 'error',
              code: 'unknown_message',
              message: `unknown message to the capture processor: ${String((message as { type?: unknown })?.type)}`,
            });
        }
      } catch (error) {
        this.fail(error);
      }
    }

    private fail(error: unknown): void {
      this.failed = true;
      this.post({ type: 'error', ...errorData(error, 'processor_error') });
    }

    private post(message: CaptureReply): void {
      this.port.postMessage(message);
    }
  };
}
