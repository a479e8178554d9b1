// The playback AudioWorkletProcessor: a PlaybackPipeline read on every 128-frame render quantum
// (allocation-free), fed with the session's audio deltas through the port. `interrupt` flushes at
// once and answers with the audio of the playing item actually played. What it plays goes to the
// linked capture processor's echo stages as their reference (same render thread, no copy): when
// linked, the playout runs at the session rate (PlaybackPipeline's `sessionReference`) and the
// capture gets that tap when it takes the session rate (its canceller at 24 kHz), else what the
// speaker plays at the context's rate (the gate). A capture taking neither rate gets nothing. Progress
// is posted every `progressIntervalMs`. `close` frees the pipeline (its kernel memory in this
// scope) and ends the processor.
import { PlaybackPipeline, type PlaybackPipelineOptions } from '../pipeline/playback.js';
import { REALTIME_SAMPLE_RATE } from '../constants.js';
import { freedError } from '../wasm/blocks.js';
import {
  contextRate,
  echoLink,
  installKernels,
  closePort,
  serve,
  unknownMessage,
  workletMemory,
  type EchoLink,
  type ProcessorBase,
  type WorkletProcessor,
  type WorkletScope,
} from './worklet-scope.js';
import type { PlaybackReply, PlaybackRequest, WorkletKernelOptions } from './protocol.js';

export interface PlaybackProcessorOptions extends WorkletKernelOptions {
  /** Pipeline options; `outputRate` is the context's rate and is set by the processor. */
  pipeline?: Omit<PlaybackPipelineOptions, 'outputRate' | 'echoGate' | 'sessionReference'>;
  /** How often to post `progress` messages while audio plays, ms; 0 for never. Default 100. */
  progressIntervalMs?: number;
}

export interface PlaybackProcessor extends WorkletProcessor {
  readonly pipeline: PlaybackPipeline;
}

export function createPlaybackProcessorClass(scope: WorkletScope): new (options?: { processorOptions?: PlaybackProcessorOptions }) => PlaybackProcessor {
  const Base = scope.AudioWorkletProcessor;
  return class PlaybackProcessor extends (Base as new (options?: unknown) => ProcessorBase) {
    readonly pipeline: PlaybackPipeline;
    private readonly rate: number;
    private readonly link: EchoLink | undefined;
    private failed = false;
    private closed = false;
    private quanta = 0;
    private readonly progressFrames: number;
    private sinceProgress = 0;
    private wasPlaying = false;

    constructor(options?: { processorOptions?: PlaybackProcessorOptions }) {
      super(options);
      const config = options?.processorOptions ?? {};
      installKernels(config);
      this.link = config.linkId === undefined ? undefined : echoLink(config.linkId);
      const link = this.link;
      this.rate = contextRate(scope, config);
      const rate = this.rate;
      const sessionRate = config.pipeline?.inputRate ?? REALTIME_SAMPLE_RATE;
      // linked: the playout runs at the session rate; the capture gets the tap or the device's stream, at the rate it takes
      // (the device's stream only when the rates differ: at equal rates the tap is the same signal)
      const sinkAt = (wanted: number, skip: boolean) => ({
        pushReference(block: Float32Array): void {
          const sink = link!.reference;
          if (!skip && sink !== undefined && sink.referenceRate === wanted) sink.pushReference(block);
        },
      });
      const sessionReference = link === undefined ? undefined : sinkAt(sessionRate, false);
      const echoGate = link === undefined ? undefined : sinkAt(rate, rate === sessionRate);
      this.pipeline = new PlaybackPipeline({ ...config.pipeline, outputRate: rate, echoGate, sessionReference });
      const progressIntervalMs = config.progressIntervalMs ?? 100;
      this.progressFrames = progressIntervalMs > 0 ? Math.round((progressIntervalMs * this.rate) / 1000) : 0;
      // bad input from the network (invalid base64, odd byte count) is reported; playback goes on
      this.port.onmessage = (event: MessageEvent<PlaybackRequest>) => serve(this.port, event.data, (message) => this.handle(message));
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      if (this.closed) return false; // the engine may drop the processor
      const output = outputs[0];
      if (this.failed || output === undefined || output.length === 0) return true;
      this.quanta++;
      const first = output[0]!;
      const written = this.pipeline.read(first);
      for (let c = 1; c < output.length; c++) output[c]!.set(first);
      if (this.progressFrames > 0) {
        const playing = written > 0;
        this.sinceProgress += first.length;
        if (playing ? this.sinceProgress >= this.progressFrames : this.wasPlaying) {
          this.sinceProgress = 0;
          this.postProgress(playing);
        }
        this.wasPlaying = playing;
      }
      return true;
    }

    private postProgress(playing: boolean): void {
      this.post({
        type: 'progress',
        itemId: this.pipeline.playingItemId,
        playedMs: (this.pipeline.stats.playedFrames * 1000) / this.pipeline.playoutRate,
        bufferedMs: this.pipeline.bufferedMs,
        playing,
      });
    }

    /** One message from the node: requests return their result (see `serve`). */
    private handle(message: PlaybackRequest): unknown {
      if (this.closed) throw freedError('playback processor');
      const pipeline = this.pipeline;
      switch (message?.type) {
        case 'delta':
          return pipeline.pushDelta(message.base64, message.itemId);
        case 'pcm':
          return pipeline.pushPcm16(message.pcm, message.itemId);
        case 'end-item':
          return pipeline.endItem(message.itemId);
        case 'interrupt':
          return pipeline.interrupt();
        case 'stats':
          return { ...pipeline.stats, ...workletMemory(), quanta: this.quanta, bufferedMs: pipeline.bufferedMs };
        case 'flush':
          return pipeline.flush();
        case 'reset':
          return pipeline.reset();
        case 'close':
          this.closed = true;
          pipeline.free();
          return closePort(this.port);
        default:
          throw unknownMessage('playback', message);
      }
    }

    private post(message: PlaybackReply): void {
      this.port.postMessage(message);
    }
  };
}
