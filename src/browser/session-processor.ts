// The session AudioWorkletProcessor: a whole RealtimeAudioAdapter in the audio thread, with the
// microphone as its input and the speaker as its output. Microphone chunks become client events
// posted to the main thread (which sends them on the socket); server messages arrive through the
// port and are handled here, so playback, barge-in and the truncate position are decided in the
// thread that plays the audio: `audio_end_ms` is exactly what was read out to the speaker. Each
// quantum reads the playback first, then pushes the microphone, so the adapter's echo canceller
// (on unless the echo gate is chosen) pairs the mic with what was played in the same quantum.
// `close` frees the adapter and the echo gate (their kernel memory in this scope) and ends the
// processor.
import { BLOCK_FRAMES } from '../constants.js';
import { RealtimeAudioAdapter, type RealtimeAudioAdapterOptions } from '../transport/adapter.js';
import type { AdapterEvent } from '../transport/events.js';
import type { EchoCancellerOptions } from '../kernels/echo-canceller.js';
import { cancellerReadings } from '../pipeline/capture-echo.js';
import {
  contextRate,
  installKernels,
  closePort,
  serve,
  unknownMessage,
  workletEchoGate,
  workletMemory,
  type EchoGateSettings,
  type WorkletProcessor,
  type WorkletScope,
} from './worklet-scope.js';
import { LevelMeter } from './level-meter.js';
import { micProcessorBase } from './mic-processor.js';
import { freedError } from '../wasm/blocks.js';
import type { SessionEventMessage, SessionReply, SessionRequest, WorkletKernelOptions } from './protocol.js';

/** Adapter options that can cross into the worklet (no functions, no instances). */
export type SessionAdapterSettings = Omit<
  RealtimeAudioAdapterOptions,
  'send' | 'inputRate' | 'outputRate' | 'echoGate' | 'echoCancellation' | 'onEvent' | 'vad'
> & {
  vad?: boolean | Record<string, unknown>;
  /**
   * Cancel the echo of the speaker output: true, false, or EchoCancellerOptions without sampleRate.
   * Default true, unless `echoGate` is on (docs/echo-canceller.md: why, and what it costs).
   */
  echoCancellation?: boolean | Omit<EchoCancellerOptions, 'sampleRate'>;
};

export interface SessionProcessorOptions extends WorkletKernelOptions {
  adapter: SessionAdapterSettings;
  /** Gate the microphone against the speaker output. */
  echoGate?: boolean | EchoGateSettings;
  /** Level reports (microphone and speaker), ms between them; 0 for none. Default 50. */
  levelIntervalMs?: number;
  /** Report `microphone_silent` after this long of exact zeros or no input while not paused, ms; 0 (the default here): never. */
  microphoneSilentMs?: number;
}

export interface SessionProcessor extends WorkletProcessor {
  readonly adapter: RealtimeAudioAdapter;
}

function toMessage(event: AdapterEvent): SessionEventMessage {
  if (event.type === 'error') return { type: 'error', code: event.error.code, message: event.error.message };
  if (event.type === 'interrupted') return { ...event };
  return { type: event.type, timeMs: event.timeMs };
}

export function createSessionProcessorClass(scope: WorkletScope): new (options?: { processorOptions?: SessionProcessorOptions }) => SessionProcessor {
  return class SessionProcessorImpl extends micProcessorBase(scope) {
    readonly adapter: RealtimeAudioAdapter;
    private readonly micMeter: LevelMeter;
    private readonly speakerMeter: LevelMeter;
    private speakerDb = -120;

    constructor(options?: { processorOptions?: SessionProcessorOptions }) {
      super(options);
      const config = options?.processorOptions ?? ({} as SessionProcessorOptions);
      installKernels(config);
      const rate = contextRate(scope, config);
      this.echoGate = workletEchoGate(scope, config.echoGate, rate);
      const settings = config.adapter ?? {};
      this.adapter = new RealtimeAudioAdapter({
        ...(settings as RealtimeAudioAdapterOptions),
        inputRate: rate,
        outputRate: rate,
        echoGate: this.echoGate as RealtimeAudioAdapterOptions['echoGate'],
        echoCancellation: (settings.echoCancellation ?? this.echoGate === undefined) as RealtimeAudioAdapterOptions['echoCancellation'],
        send: (event) => this.post({ type: 'send', event: event as Record<string, unknown> }),
        onEvent: (event) => this.post({ type: 'event', event: toMessage(event) }),
      });
      const intervalMs = config.levelIntervalMs ?? 50;
      this.speakerMeter = LevelMeter.fromMs(intervalMs, rate, (rmsDb) => {
        this.speakerDb = rmsDb;
      });
      this.micMeter = LevelMeter.fromMs(intervalMs, rate, (micDb) =>
        this.post({
          type: 'level',
          micDb,
          speakerDb: this.speakerDb,
          speaking: this.adapter.capture.speaking,
          echoGateOpen: this.echoGate === undefined ? null : this.echoGate.open,
          ...cancellerReadings(this.adapter.capture.echoCanceller),
          bufferedMs: this.adapter.playback.bufferedMs,
          playingItemId: this.adapter.playback.playingItemId,
        }),
      );
      this.watchSilence(config.microphoneSilentMs, rate);
      this.port.onmessage = (event: MessageEvent<SessionRequest>) => serve(this.port, event.data, (message) => this.handle(message));
    }

    process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      if (this.closed) return false; // the engine may drop the processor
      if (this.failed) return true;
      try {
        const output = outputs[0];
        const input = inputs[0];
        const micActive = !this.paused && input !== undefined && input.length > 0;
        const micEvent = this.silenceEvent(input, input?.[0]?.length ?? output?.[0]?.length ?? BLOCK_FRAMES);
        if (micEvent !== null) this.post({ type: 'event', event: micEvent });
        const capture = this.adapter.capture;
        // no mic this quantum: the canceller drops exactly its span of reference (skipMicrophone, in
        // step at any rate); the gate's reference is not queued
        const cancelling = capture.echoCanceller !== undefined;
        capture.referenceEnabled = micActive || cancelling;
        if (output !== undefined && output.length > 0) {
          const first = output[0]!;
          this.adapter.readPlayback(first); // first: the echo stages get this quantum's reference before its mic
          for (let c = 1; c < output.length; c++) output[c]!.set(first);
          this.speakerMeter.add(first);
        }
        if (micActive) {
          const samples = this.mixer.mix(input!);
          this.micMeter.add(samples);
          this.adapter.pushMicrophone(samples);
        } else if (cancelling) {
          capture.skipMicrophone(input?.[0]?.length ?? output?.[0]?.length ?? BLOCK_FRAMES);
        }
      } catch (error) {
        this.fail(error);
      }
      return true;
    }

    /** One message from the node: requests return their result (see `serve`). */
    private handle(message: SessionRequest): unknown {
      if (this.closed) throw freedError('session processor');
      const adapter = this.adapter;
      switch (message?.type) {
        case 'server':
          return adapter.handleServerEvent(message.message); // never throws on bad input: error events instead
        case 'interrupt':
          return adapter.interrupt() ?? null;
        case 'commit':
          return adapter.commit({ createResponse: message.createResponse });
        case 'flush':
          adapter.flush();
          return null;
        case 'session-update':
          return adapter.sessionUpdate(message.options, message.extra);
        case 'stats':
          return { ...adapter.stats, ...workletMemory() };
        case 'clear-input':
          return adapter.clearInput();
        case 'reset':
          return adapter.reset();
        case 'pause':
          this.paused = Boolean(message.paused);
          return;
        case 'close':
          this.closed = true;
          adapter.free();
          this.echoGate?.free?.(); // made here and given to the adapter: it is not the adapter's to free
          return closePort(this.port);
        default:
          throw unknownMessage('session', message);
      }
    }

    private post(message: SessionReply): void {
      this.port.postMessage(message);
    }
  };
}
