// `connectRealtimeAudio`: the one call that wires a microphone (or any source node), the speaker
// and a realtime session together: a RealtimeAudioAdapter running in an AudioWorklet at the
// context's own rate (see session-processor.ts), whose client events go to `send` on the main
// thread, and which takes the session's messages through `handleServerEvent`.
import type { AdapterStats, InterruptionEvent } from '../transport/events.js';
import type { ClientEvent } from '../transport/protocol.js';
import { createProtocol, maxSendBufferBytes } from '../transport/protocols.js';
import type { SessionAudioOptions } from '../transport/session-config.js';
import { EventSink, type SendTarget } from '../transport/sink.js';
import type { EchoGateOptions } from '../kernels/echo-gate.js';
import { OptionsError } from '../errors.js';
import { microphoneSilentMs, microphoneTracks, watchMicrophone } from './microphone-watch.js';
import { checkOneEchoStage } from '../pipeline/capture-echo.js';
import { checkTimeoutMs } from '../requests.js';
import { SESSION_PROCESSOR, type SessionEventMessage, type SessionLevel, type SessionReply, type WorkletMemoryStats } from './protocol.js';
import { createWorkletNode, loadWorklet, ProcessorPort } from './load-worklet.js';
import type { SessionAdapterSettings, SessionProcessorOptions } from './session-processor.js';

export type { SessionLevel } from './protocol.js';

/** Options of `connectRealtimeAudio`: the adapter's settings (rates are the context's), the nodes and the callbacks. */
export interface RealtimeAudioConnectionOptions extends SessionAdapterSettings {
  /** The context the audio runs in (at its own rate; create it with `openMicrophone` for a microphone). */
  context: BaseAudioContext;
  /** The microphone (or any source); leave out for playback only. */
  source?: AudioNode;
  /** Where the assistant plays; default `context.destination`; null leaves it unconnected. */
  destination?: AudioNode | null;
  /** Where client events go: a function (the event object) or a WebSocket (JSON text). */
  send: SendTarget;
  /**
   * Gate the microphone against the speaker output instead of cancelling its echo (the older,
   * cheaper way; weaker in reverberant rooms and at the start of a call: docs/echo-canceller.md).
   * Default false. Not with `echoCancellation`.
   */
  echoGate?: boolean | Omit<EchoGateOptions, 'sampleRate'>;
  /**
   * Adapter events: interruptions (with the truncate position sent), local VAD events, errors; and
   * the microphone's: the error `microphone_ended` (a track of the source ended: open the
   * microphone again and reconnect), `microphone_muted` / `microphone_unmuted` (the browser, OS or
   * device muted the track), `microphone_silent` / `microphone_resumed` (see `microphoneSilentMs`).
   */
  onEvent?: (event: SessionEventMessage) => void;
  /**
   * Report `microphone_silent` once the source has delivered exact zeros or no input this long while
   * not muted (a stopped or dead microphone: a live one never does), and `microphone_resumed` when
   * samples return, ms; 0: never. Default 1000 where the source is a MediaStreamAudioSourceNode (or
   * `microphoneStream` is given), else 0.
   */
  microphoneSilentMs?: number;
  /** The stream whose audio tracks are watched (ended, mute) when `source` is not its MediaStreamAudioSourceNode (e.g. a node after it). */
  microphoneStream?: MediaStream;
  /** Microphone and speaker levels for meters, every `levelIntervalMs` (default 50; 0: none). */
  onLevel?: (level: SessionLevel) => void;
  levelIntervalMs?: number;
  /** Load the worklet from this URL (dist/worklet.js) instead of the embedded copy. */
  workletUrl?: string | URL;
  /** How long the promises of interrupt(), commit(), flush(), sessionUpdate() and getStats() wait for the audio thread, ms. Default 10000. */
  requestTimeoutMs?: number;
}

/** A RealtimeAudioAdapter running in an AudioWorklet, wired to a source, the speaker and `send`. */
export interface RealtimeAudioConnection {
  readonly node: AudioWorkletNode;
  /** Give it every message the session sends (a JSON string, bytes, or a parsed object). */
  handleServerEvent(message: unknown): void;
  /** Interrupts playback by the app's decision; resolves with what was cut, or null. */
  interrupt(): Promise<InterruptionEvent | null>;
  /** Manual turn end (turn detection off); false when less than 100 ms was sent. */
  commit(options?: { createResponse?: boolean }): Promise<boolean>;
  /** Sends what the microphone side still holds (the partial chunk), without a commit; resolves once sent. */
  flush(): Promise<void>;
  clearInput(): void;
  /** Sends the matching `session.update` (OpenAI) and adopts its turn detection; rejects with an OptionsError for Gemini. */
  sessionUpdate(options?: SessionAudioOptions, extra?: Record<string, unknown>): Promise<ClientEvent>;
  /**
   * The adapter's totals (with the echo canceller's `echoCancellerErleDb` and `echoBeyondMaxDelayMs`,
   * null without one: AdapterStats) and the worklet's kernel memory, plus chunks dropped on this side
   * because the socket was backed up.
   */
  getStats(): Promise<AdapterStats & WorkletMemoryStats & { socketDroppedChunks: number }>;
  /** Forgets the call's audio state (both pipelines, the items) to start another call; nothing is sent. */
  reset(): void;
  /** Stops sending the microphone while true (playback goes on). */
  mute(muted: boolean): void;
  /** Ends the call: disconnects the nodes, stops watching the microphone's tracks, and frees the adapter's kernel memory in the worklet; later server messages are ignored. Idempotent. */
  close(): void;
}

/**
 * Wires a microphone (or any source node), the speaker and a realtime session together: the adapter
 * runs in an AudioWorklet at the context's rate; its client events go to `send` on the main thread.
 */
export async function connectRealtimeAudio(options: RealtimeAudioConnectionOptions): Promise<RealtimeAudioConnection> {
  const {
    context,
    source,
    destination,
    send,
    echoGate,
    onEvent,
    onLevel,
    levelIntervalMs,
    workletUrl,
    requestTimeoutMs,
    microphoneSilentMs: silentMs,
    microphoneStream,
    ...adapter
  } = options;
  if (context === undefined || context === null) throw new OptionsError('connectRealtimeAudio needs { context, send, protocol }');
  const tracks = microphoneTracks(source, microphoneStream);
  const silentAfterMs = microphoneSilentMs('connectRealtimeAudio', silentMs, source !== undefined && tracks.length > 0);
  checkOneEchoStage(echoGate, adapter.echoCancellation);
  const timeoutMs = checkTimeoutMs(requestTimeoutMs);
  const sink = new EventSink(send);
  // the worklet's adapter cannot see the socket: its send-buffer bound is applied here, to its audio events
  const protocol = createProtocol(adapter.protocol, adapter.audioFormat);
  const maxBufferedBytes = maxSendBufferBytes(protocol, adapter.maxSendBufferMs);
  let socketDroppedChunks = 0;
  await loadWorklet(context, workletUrl);
  const processorOptions: SessionProcessorOptions = { adapter, echoGate, levelIntervalMs, microphoneSilentMs: silentAfterMs };
  const node = createWorkletNode(
    context,
    SESSION_PROCESSOR,
    { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' },
    processorOptions,
  );
  const port = new ProcessorPort<Exclude<SessionReply, { id: number }>>(node, 'session', timeoutMs, (message) => {
    switch (message.type) {
      case 'send':
        if (!sink.canSend(maxBufferedBytes) && protocol.readClient(message.event).kind === 'append') {
          socketDroppedChunks++;
          return;
        }
        try {
          sink.send(message.event as ClientEvent);
        } catch (error) {
          onEvent?.({ type: 'error', code: 'send_failed', message: `send threw: ${String(error)}` });
        }
        return;
      case 'event':
        onEvent?.(message.event);
        return;
      case 'level':
        onLevel?.(message);
        return;
      case 'error':
        onEvent?.(message);
        return;
    }
  });
  const unwatch = watchMicrophone(
    tracks,
    (error) => onEvent?.({ type: 'error', ...error }),
    (event) => onEvent?.(event),
  );
  source?.connect(node);
  const target = destination === undefined ? context.destination : destination;
  if (target !== null) node.connect(target);

  return {
    node,
    handleServerEvent(message) {
      if (port.isClosed) return; // messages still in flight when the call ends
      // bytes are decoded here: the worklet scope has no TextDecoder
      if (message instanceof ArrayBuffer || ArrayBuffer.isView(message)) message = new TextDecoder().decode(message as ArrayBuffer);
      port.notify({ type: 'server', message });
    },
    interrupt: () => port.request<InterruptionEvent | null>({ type: 'interrupt' }),
    commit: (commitOptions = {}) => port.request<boolean>({ type: 'commit', createResponse: commitOptions.createResponse }),
    flush: () => port.request<void>({ type: 'flush' }),
    clearInput: () => port.notify({ type: 'clear-input' }),
    sessionUpdate: (updateOptions = {}, extra = {}) => port.request<ClientEvent>({ type: 'session-update', options: updateOptions, extra }),
    getStats: async () => ({ ...(await port.request<AdapterStats & WorkletMemoryStats>({ type: 'stats' })), socketDroppedChunks }),
    reset: () => port.notify({ type: 'reset' }),
    mute: (muted) => port.notify({ type: 'pause', paused: muted }),
    close() {
      if (port.isClosed) return;
      unwatch();
      source?.disconnect(node);
      port.close();
    },
  };
}
