// Main-thread factory for playback: the playback processor, running the PlaybackPipeline in the
// AudioWorklet at the context's own rate, connected to the speakers (or anywhere). Deltas go in
// through `pushDelta`; `interrupt()` flushes at once and resolves with what was actually played.
import { RENAMED_PLAYBACK_OPTIONS, type PlaybackInterruption, type PlaybackPipelineOptions } from '../pipeline/playback.js';
import { rejectRenamed } from '../pipeline/options.js';
import { checkTimeoutMs } from '../requests.js';
import { PLAYBACK_PROCESSOR, type PlaybackReply, type PlaybackStatsReply } from './protocol.js';
import { createWorkletNode, loadWorklet, ProcessorPort, type WorkletNodeOptions } from './load-worklet.js';
import type { PlaybackProcessorOptions } from './playback-processor.js';

/** A progress report of the playback node while it plays. */
export interface PlaybackProgress {
  itemId: string | null;
  /** Device audio played since the node started, ms. */
  playedMs: number;
  bufferedMs: number;
  playing: boolean;
}

/** Options of `createPlaybackNode`: the playback pipeline's (its output rate is the context's), plus destination and callbacks. */
export interface PlaybackNodeOptions extends Omit<PlaybackPipelineOptions, 'outputRate' | 'echoGate' | 'sessionReference'>, WorkletNodeOptions {
  /** Where to play; default `context.destination`. Pass `null` to leave it unconnected. */
  destination?: AudioNode | null;
  /** Feeds the echo gate of the capture node with the same `linkId`. */
  linkId?: string;
  /** Progress reports while playing, ms between them (0: none). Default 100. */
  progressIntervalMs?: number;
  onProgress?: (progress: PlaybackProgress) => void;
}

/** A playback pipeline running in an AudioWorklet, as `createPlaybackNode` returns it. */
export interface PlaybackNode {
  readonly node: AudioWorkletNode;
  /** Queues a session audio delta (base64 PCM16 at `inputRate`, default 24 kHz) for `itemId`. */
  pushDelta(base64: string, itemId: string): void;
  /** Queues PCM16 samples (transferred, not copied: the array is unusable afterwards). */
  pushPcm16(pcm: Int16Array, itemId: string): void;
  /** No more audio will come for `itemId`. */
  endItem(itemId: string): void;
  /** Stops playback at once; resolves with the playing item and how much of it was heard. */
  interrupt(): Promise<PlaybackInterruption>;
  /** The pipeline's counters and the worklet's kernel memory, from the audio thread. */
  getStats(): Promise<PlaybackStatsReply>;
  /** No more audio for now: the item being received plays out to its end. */
  flush(): void;
  /** Forgets everything buffered and every item. */
  reset(): void;
  /** Ends playback: disconnects the node and frees the processor's kernel memory. Idempotent. */
  close(): void;
}

/** Creates the playback node in `context` (loading the worklet once), connected to `destination` (default: the speakers). */
export async function createPlaybackNode(context: BaseAudioContext, options: PlaybackNodeOptions = {}): Promise<PlaybackNode> {
  rejectRenamed('createPlaybackNode', options, RENAMED_PLAYBACK_OPTIONS); // here: the worklet's own errors do not reach the caller
  const { destination, linkId, progressIntervalMs, onProgress, onError, workletUrl, requestTimeoutMs, ...pipeline } = options;
  const timeoutMs = checkTimeoutMs(requestTimeoutMs);
  await loadWorklet(context, workletUrl);
  const processorOptions: PlaybackProcessorOptions = { pipeline, linkId, progressIntervalMs };
  const node = createWorkletNode(context, PLAYBACK_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] }, processorOptions);
  const port = new ProcessorPort<Exclude<PlaybackReply, { id: number }>>(node, 'playback', timeoutMs, (message) => {
    if (message.type === 'progress') onProgress?.(message);
    else if (message.type === 'error') onError?.(message);
  });
  const target = destination === undefined ? context.destination : destination;
  if (target !== null) node.connect(target);
  return {
    node,
    pushDelta: (base64, itemId) => port.notify({ type: 'delta', base64, itemId }),
    pushPcm16: (pcm, itemId) => port.notify({ type: 'pcm', pcm, itemId }, [pcm.buffer]),
    endItem: (itemId) => port.notify({ type: 'end-item', itemId }),
    interrupt: () => port.request<PlaybackInterruption>({ type: 'interrupt' }),
    getStats: () => port.request<PlaybackStatsReply>({ type: 'stats' }),
    flush: () => port.notify({ type: 'flush' }),
    reset: () => port.notify({ type: 'reset' }),
    close: () => port.close(),
  };
}
