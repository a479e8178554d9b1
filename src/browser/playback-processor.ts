// The playback AudioWorkletProcessor: a PlaybackPipeline read on every 128-frame render quantum
// (allocation-free), fed with the session's audio deltas through the port. `interrupt` flushes at
// once and answers with the audio of the playing item actually played. What it plays goes to the
// linked capture processor's echo gate as its reference (same render thread, no copy). Progress
// is posted every `progressIntervalMs`.
import { errorData } from '../errors.js';
import { PlaybackPipeline, type PlaybackPipelineOptions } from '../pipeline/playback.js';
import { contextRate, echoLink, installKernels, type EchoLink, type ProcessorBase, type WorkletProcessor, type WorkletScope } from './worklet-scope.js';
import type { PlaybackReply, PlaybackRequest, WorkletKernelOptions } from './protocol.js';

export interface PlaybackProcessorOptions extends WorkletKernelOptions {
  /** Pipeline options; `outputRate` is the context's rate and is set by the processor. */
  pipeline?: Omit<PlaybackPipelineOptions, 'outputRate' | 'echoGate'>;
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
      const echoGate = link === undefined ? undefined : { pushReference: (block: Float32Array) => link.reference?.pushReference(block) };
      this.rate = contextRate(scope, config);
      this.pipeline = new PlaybackPipeline({ ...config.pipeline, outputRate: this.rate, echoGate });
      const progressIntervalMs = config.progressIntervalMs ?? 100;
      this.progressFrames = progressIntervalMs > 0 ? Math.round((progressIntervalMs * this.rate) / 1000) : 0;
      this.port.onmessage = (event: MessageEvent<PlaybackRequest>) => this.handle(event.data);
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
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
        playedMs: (this.pipeline.stats.playedFrames * 1000) / this.rate,
        bufferedMs: this.pipeline.bufferedMs,
        playing,
      });
    }

    private handle(message: PlaybackRequest): void {
      try {
        switch (message?.type) {
          case 'delta':
            this.pipeline.pushDelta(message.base64, message.itemId);
            break;
          case 'pcm':
            this.pipeline.pushPcm16(message.pcm, message.itemId);
            break;
          case 'end-item':
            this.pipeline.endItem(message.itemId);
            break;
          case 'interrupt':
            this.post({ type: 'interrupted', id: message.id, result: this.pipeline.interrupt() });
            break;
          case 'reset':
            this.pipeline.reset();
            break;
          case 'stats':
            this.post({ type: 'stats', id: message.id, stats: { ...this.pipeline.stats, quanta: this.quanta, bufferedMs: this.pipeline.bufferedMs } });
            break;
          default:
            this.post({
              type: 'error',
              code: 'unknown_message',
              message: `unknown message to the playback processor: ${String((message as { type?: unknown })?.type)}`,
            });
        }
      } catch (error) {
        // bad input from the network (invalid base64, odd byte count): reported, playback goes on
        this.post({ type: 'error', ...errorData(error, 'processor_error') });
      }
    }

    private post(message: PlaybackReply): void {
      this.port.postMessage(message);
    }
  };
}
