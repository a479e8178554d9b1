// Main-thread factory for live or rendered capture: a source node (a microphone, or anything)
// -> the capture processor, running the CapturePipeline in the AudioWorklet at the context's own
// rate. Chunks and VAD events arrive through `onEvents`.
import type { CaptureEvent, CapturePipelineOptions } from '../pipeline/capture.js';
import type { EchoGateOptions } from '../kernels/echo-gate.js';
import type { EchoCancellerOptions } from '../kernels/echo-canceller.js';
import { OptionsError } from '../errors.js';
import { microphoneSilentMs, microphoneTracks, watchMicrophone, type MicrophoneEvent } from './microphone-watch.js';
import { checkOneEchoStage, type EchoCancellerReadings } from '../pipeline/capture-echo.js';
import { checkTimeoutMs } from '../requests.js';
import { CAPTURE_PROCESSOR, type CaptureReply, type CaptureStatsReply } from './protocol.js';
import { createWorkletNode, loadWorklet, ProcessorPort, type WorkletNodeOptions } from './load-worklet.js';
import type { CaptureProcessorOptions } from './capture-processor.js';

/**
 * A level report of the capture node, for meters: microphone RMS and peak in dBFS, VAD and echo gate
 * state, echo removed by the canceller (dB) and where it saw the echo past its `maxDelayMs` (ms).
 */
export interface CaptureLevel extends EchoCancellerReadings {
  rmsDb: number;
  peakDb: number;
  speaking: boolean;
  echoGateOpen: boolean | null;
}

/** Options of `createCaptureNode`: the capture pipeline's (its input rate is the context's), plus the source and callbacks. */
export interface CaptureNodeOptions extends Omit<CapturePipelineOptions, 'inputRate' | 'echoGate' | 'echoCancellation' | 'referenceRate'>, WorkletNodeOptions {
  /** What to capture: any node (e.g. a MediaStreamAudioSourceNode), or a MediaStream. */
  source?: AudioNode;
  stream?: MediaStream;
  /**
   * Cancel the echo of the linked playback node's output (give both the same `linkId`): true, or
   * EchoCancellerOptions without sampleRate. Default false. Render the playback node before this
   * one in each quantum (connect the playback node's output into the capture graph, e.g. through
   * a zero gain, or use `connectRealtimeAudio`), or the mic pairs with the previous quantum's output.
   */
  echoCancellation?: boolean | Omit<EchoCancellerOptions, 'sampleRate'>;
  /**
   * With `echoCancellation`: the rate the canceller takes the linked playback's output at. The
   * playback node's session rate (its `inputRate`, 24000 by default) takes its tap, what it plays
   * before its one resampler to the device (through one resampler to the capture's `outputRate`
   * when that differs: 24 -> 16 kHz for Gemini); the context's rate takes what the speaker plays.
   * At any other rate the capture gets no reference. Default 24000.
   */
  referenceRate?: number;
  /** Gate the microphone against the linked playback node's output (give both the same `linkId`). */
  echoGate?: boolean | Omit<EchoGateOptions, 'sampleRate'>;
  linkId?: string;
  /** Level reports for meters, ms between them (0: none). Default 50. */
  levelIntervalMs?: number;
  onEvents?: (events: CaptureEvent[]) => void;
  onLevel?: (level: CaptureLevel) => void;
  /**
   * The microphone's events: `microphone_muted` / `microphone_unmuted` (the browser, OS or device
   * muted a track of the source), `microphone_silent` / `microphone_resumed` (see
   * `microphoneSilentMs`). A track that ended is the error `microphone_ended`, through `onError`.
   */
  onMicrophone?: (event: MicrophoneEvent) => void;
  /**
   * Report `microphone_silent` once the source has delivered exact zeros or no input this long while
   * not paused (a stopped or dead microphone), and `microphone_resumed` when samples return, ms; 0:
   * never. Default 1000 where the source is a MediaStream (or a MediaStreamAudioSourceNode, or
   * `microphoneStream` is given), else 0.
   */
  microphoneSilentMs?: number;
  /** The stream whose audio tracks are watched (ended, mute) when `source` is not its MediaStreamAudioSourceNode. */
  microphoneStream?: MediaStream;
}

/** A capture pipeline running in an AudioWorklet, as `createCaptureNode` returns it. */
export interface CaptureNode {
  readonly node: AudioWorkletNode;
  readonly source: AudioNode | undefined;
  /** Ends the stream: resolves with the partial chunk and the resampler's tail. */
  flush(): Promise<CaptureEvent[]>;
  /** The pipeline's counters and the worklet's kernel memory, from the audio thread. */
  getStats(): Promise<CaptureStatsReply>;
  /** Forgets the stream (stream time restarts at 0). */
  reset(): void;
  /** While paused, input is ignored (nothing is sent). */
  pause(paused: boolean): void;
  /** Ends the capture: disconnects the source and the node, stops watching the microphone's tracks, and frees the processor's kernel memory. Idempotent. */
  close(): void;
}

/**
 * Creates the capture node in `context` (loading the worklet once) and connects `source` (or the
 * `stream`) to it. Chunks and VAD events arrive through `onEvents`.
 */
export async function createCaptureNode(context: BaseAudioContext, options: CaptureNodeOptions = {}): Promise<CaptureNode> {
  const {
    source: givenSource,
    stream,
    echoGate,
    echoCancellation,
    referenceRate,
    linkId,
    levelIntervalMs,
    onEvents,
    onLevel,
    onError,
    onMicrophone,
    microphoneSilentMs: silentMs,
    microphoneStream,
    workletUrl,
    requestTimeoutMs,
    ...pipeline
  } = options;
  const timeoutMs = checkTimeoutMs(requestTimeoutMs);
  checkOneEchoStage(echoGate, echoCancellation);
  if (echoGate && linkId === undefined) throw new OptionsError('echoGate needs a linkId shared with the playback node whose output it should gate against');
  if (echoCancellation && linkId === undefined) {
    throw new OptionsError('echoCancellation needs a linkId shared with the playback node whose echo it should cancel');
  }
  if (referenceRate !== undefined && !echoCancellation) {
    throw new OptionsError("referenceRate is the rate echoCancellation takes the linked playback's output at: pass echoCancellation too");
  }
  await loadWorklet(context, workletUrl);
  let source = givenSource;
  if (source === undefined && stream !== undefined) {
    if (!('createMediaStreamSource' in context)) throw new OptionsError('a MediaStream source needs a live AudioContext, not an OfflineAudioContext');
    source = (context as AudioContext).createMediaStreamSource(stream);
  }
  const tracks = microphoneTracks(source, microphoneStream ?? stream);
  const silentAfterMs = microphoneSilentMs('createCaptureNode', silentMs, source !== undefined && tracks.length > 0);
  const processorOptions: CaptureProcessorOptions = {
    pipeline,
    echoGate,
    echoCancellation,
    referenceRate,
    linkId,
    levelIntervalMs,
    microphoneSilentMs: silentAfterMs,
  };
  const node = createWorkletNode(
    context,
    CAPTURE_PROCESSOR,
    // no outputs: the node is pulled by the graph without being connected to the destination;
    // one channel, so the browser downmixes a stereo source ('speakers' rules)
    { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' },
    processorOptions,
  );
  const port = new ProcessorPort<Exclude<CaptureReply, { id: number }>>(node, 'capture', timeoutMs, (message) => {
    if (message.type === 'events') onEvents?.(message.events);
    else if (message.type === 'level') onLevel?.(message);
    else if (message.type === 'microphone') onMicrophone?.(message.event);
    else if (message.type === 'error') onError?.(message);
  });
  const unwatch = watchMicrophone(
    tracks,
    (error) => onError?.(error),
    (event) => onMicrophone?.(event),
  );
  source?.connect(node);
  return {
    node,
    source,
    flush: () => port.request<CaptureEvent[]>({ type: 'flush' }),
    getStats: () => port.request<CaptureStatsReply>({ type: 'stats' }),
    reset: () => port.notify({ type: 'reset' }),
    pause: (paused) => port.notify({ type: 'pause', paused }),
    close: () => {
      if (port.isClosed) return;
      unwatch();
      source?.disconnect(node);
      port.close();
    },
  };
}
