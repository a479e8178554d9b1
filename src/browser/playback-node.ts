// Main-thread factory for playback: the playback processor, running the PlaybackPipeline in the
// AudioWorklet at the context's own rate, connected to the speakers (or anywhere). Deltas go in
// through `pushDelta`; `interrupt()` flushes at once and resolves with what was actually played.
import { RENAMED_PLAYBACK_OPTIONS, type PlaybackInterruption, type PlaybackPipelineOptions, type PlaybackStats } from '../pipeline/playback.js';
import { rejectRenamed } from '../pipeline/options.js';
import { PLAYBACK_PROCESSOR, type PlaybackReply } from './protocol.js';
import { createWorkletNode, loadWorklet, PortRequests } from './load-worklet.js';
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
export interface PlaybackNodeOptions extends Omit<PlaybackPipelineOptions, 'outputRate' | 'echoGate'> {
  /** Where to play; default `context.destination`. Pass `null` to leave it unconnected. */
  destination?: AudioNode | null;
  /** Feeds the echo gate of the capture node with the same `linkId`. */
  linkId?: string;
  /** Progress reports while playing, ms between them (0: none). Default 100. */
  progressIntervalMs?: number;
  onProgress?: (progress: PlaybackProgress) => void;
  onError?: (error: { code: string; message: string }) => void;
  workletUrl?: string | URL;
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
  /** The pipeline's counters, from the audio thread. */
  getStats(): Promise<PlaybackStats & { quanta: number; bufferedMs: number }>;
  close(): void;
}

/** Creates the playback node in `context` (loading the worklet once), connected to `destination` (default: the speakers). */
export async function createPlaybackNode(context: BaseAudioContext, options: PlaybackNodeOptions = {}): Promise<PlaybackNode> {
  rejectRenamed('createPlaybackNode', options, RENAMED_PLAYBACK_OPTIONS); // here: the worklet's own errors do not reach the caller
  const { destination, linkId, progressIntervalMs, onProgress, onError, workletUrl, ...pipeline } = options;
  await loadWorklet(context, workletUrl);
  const processorOptions: PlaybackProcessorOptions = { pipeline, linkId, progressIntervalMs };
  const node = createWorkletNode(context, PLAYBACK_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] }, processorOptions);
  const requests = new PortRequests(node.port);
  node.port.onmessage = (event: MessageEvent<PlaybackReply>) => {
    const message = event.data;
    if (requests.settle(message as { id?: number })) return;
    if (message.type === 'progress') onProgress?.(message);
    else if (message.type === 'error') onError?.(message);
  };
  const target = destination === undefined ? context.destination : destination;
  if (target !== null) node.connect(target);
  return {
    node,
    pushDelta: (base64, itemId) => node.port.postMessage({ type: 'delta', base64, itemId }),
    pushPcm16: (pcm, itemId) => node.port.postMessage({ type: 'pcm', pcm, itemId }, [pcm.buffer]),
    endItem: (itemId) => node.port.postMessage({ type: 'end-item', itemId }),
    interrupt: async () => (await requests.request<{ result: PlaybackInterruption }>({ type: 'interrupt' })).result,
    getStats: async () => (await requests.request<{ stats: PlaybackStats & { quanta: number; bufferedMs: number } }>({ type: 'stats' })).stats,
    close: () => {
      node.disconnect();
      node.port.onmessage = null;
    },
  };
}
