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
import { SESSION_PROCESSOR, type SessionEventMessage, type SessionReply } from './protocol.js';
import { createWorkletNode, loadWorklet, PortRequests } from './load-worklet.js';
import type { SessionAdapterSettings, SessionProcessorOptions } from './session-processor.js';

/** A level report of the session node, for meters: microphone and speaker dBFS, VAD, echo gate and playback state. */
export interface SessionLevel {
  micDb: number;
  speakerDb: number;
  speaking: boolean;
  echoGateOpen: boolean | null;
  bufferedMs: number;
  playingItemId: string | null;
}

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
  /** Gate the microphone against the speaker output (recommended without headphones). Default false. */
  echoGate?: boolean | Omit<EchoGateOptions, 'sampleRate'>;
  /** Adapter events: interruptions (with the truncate position sent), local VAD events, errors. */
  onEvent?: (event: SessionEventMessage) => void;
  /** Microphone and speaker levels for meters, every `levelIntervalMs` (default 50; 0: none). */
  onLevel?: (level: SessionLevel) => void;
  levelIntervalMs?: number;
  /** Load the worklet from this URL (dist/worklet.js) instead of the embedded copy. */
  workletUrl?: string | URL;
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
  clearInput(): void;
  /** Sends the matching `session.update` (OpenAI) and adopts its turn detection. */
  sessionUpdate(options?: SessionAudioOptions, extra?: Record<string, unknown>): Promise<ClientEvent | null>;
  /** The adapter's totals, plus chunks dropped on this side because the socket was backed up. */
  getStats(): Promise<AdapterStats & { socketDroppedChunks: number }>;
  /** Stops sending the microphone while true (playback goes on). */
  mute(muted: boolean): void;
  close(): void;
}

/**
 * Wires a microphone (or any source node), the speaker and a realtime session together: the adapter
 * runs in an AudioWorklet at the context's rate; its client events go to `send` on the main thread.
 */
export async function connectRealtimeAudio(options: RealtimeAudioConnectionOptions): Promise<RealtimeAudioConnection> {
  const { context, source, destination, send, echoGate, onEvent, onLevel, levelIntervalMs, workletUrl, ...adapter } = options;
  if (context === undefined || context === null) throw new OptionsError('connectRealtimeAudio needs { context, send, protocol }');
  const sink = new EventSink(send);
  // the worklet's adapter cannot see the socket: its send-buffer bound is applied here, to its audio events
  const protocol = createProtocol(adapter.protocol, adapter.audioFormat);
  const maxBufferedBytes = maxSendBufferBytes(protocol, adapter.maxSendBufferMs);
  let socketDroppedChunks = 0;
  await loadWorklet(context, workletUrl);
  const processorOptions: SessionProcessorOptions = { adapter, echoGate, levelIntervalMs };
  const node = createWorkletNode(
    context,
    SESSION_PROCESSOR,
    { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' },
    processorOptions,
  );
  const requests = new PortRequests(node.port);
  node.port.onmessage = (event: MessageEvent<SessionReply>) => {
    const message = event.data;
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
      case 'answer':
        requests.settle(message);
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
  };
  source?.connect(node);
  const target = destination === undefined ? context.destination : destination;
  if (target !== null) node.connect(target);

  const ask = async <T>(message: { type: string; [key: string]: unknown }) => (await requests.request<{ value: T }>(message)).value;
  return {
    node,
    handleServerEvent(message) {
      // bytes are decoded here: the worklet scope has no TextDecoder
      if (message instanceof ArrayBuffer || ArrayBuffer.isView(message)) message = new TextDecoder().decode(message as ArrayBuffer);
      node.port.postMessage({ type: 'server', message });
    },
    interrupt: () => ask<InterruptionEvent | null>({ type: 'interrupt' }),
    commit: (commitOptions = {}) => ask<boolean>({ type: 'commit', createResponse: commitOptions.createResponse }),
    clearInput: () => node.port.postMessage({ type: 'clear-input' }),
    sessionUpdate: (updateOptions = {}, extra = {}) => ask<ClientEvent | null>({ type: 'session-update', options: updateOptions, extra }),
    getStats: async () => ({ ...(await ask<AdapterStats>({ type: 'stats' })), socketDroppedChunks }),
    mute: (muted) => node.port.postMessage({ type: 'pause', paused: muted }),
    close() {
      source?.disconnect(node);
      node.disconnect();
      node.port.onmessage = null;
    },
  };
}
