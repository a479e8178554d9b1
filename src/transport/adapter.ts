// RealtimeAudioAdapter: the capture and playback pipelines speaking one session protocol (OpenAI
// GA, OpenAI beta, Gemini Live) through a `send` the application gives. It sends the microphone
// as append events, plays the session's audio, and handles interruption: on barge-in (the
// session's speech_started, Gemini's interrupted, a local VAD start if enabled, or `interrupt()`)
// playback is flushed at once and, for OpenAI, `conversation.item.truncate` carries the audio of
// the playing item actually played (never more than received, none if nothing was played) and
// `response.cancel` goes out where the session would not cancel by itself. The session's audio goes
// to a PlaybackPipeline (the speaker) or to another `playout` (a phone bridge's carrier leg), in
// PCM16 or, for OpenAI, 8 kHz G.711 (`audioFormat` 'pcmu' / 'pcma').
//
// Server input is never trusted: malformed events, unknown types, invalid base64 and odd byte
// counts become `error` events (TransportError), counted in `stats`, and the session goes on. Audio
// of an item the adapter was not told about (an app that forwards only audio events, or attached
// late) announces the item: it is played, and counted in `stats.unannouncedItems`. Stream times
// and totals come from integer frame counts.
import { RealtimePcmError } from '../errors.js';
import { decodedLength } from '../kernels/base64.js';
import { freedError } from '../wasm/blocks.js';
import type { CapturePipeline, CaptureEchoCanceller, CaptureEchoGate, CaptureEvent } from '../pipeline/capture.js';
import type { PlaybackPipeline, PlaybackReferenceSink } from '../pipeline/playback.js';
import { RecentIds } from '../pipeline/recent-ids.js';
import { cancellerReadings, type EchoCancellerReadings } from '../pipeline/capture-echo.js';
import { checkAdapterOptions, type RealtimeAudioAdapterOptions } from './adapter-options.js';
import { makePipelines } from './adapter-pipelines.js';
import { AdapterCounters } from './adapter-stats.js';
import { deltaError, TransportError, type TransportErrorCode } from './errors.js';
import type { AdapterEvent, AdapterStats, Inbound, InterruptionEvent, InterruptionSource, TurnDetectionMode } from './events.js';
import { interruptionEvent, truncatesAfter, type SessionPlayout } from './playout.js';
import type { ClientEvent, SessionProtocol } from './protocol.js';
import { createProtocol, maxSendBufferBytes } from './protocols.js';
import { parseServerMessage } from './server-message.js';
import { sessionUpdateEvent, type SessionAudioOptions } from './session-config.js';
import { EventSink } from './sink.js';

export type { RealtimeAudioAdapterOptions } from './adapter-options.js';

/** Items the session announced, remembered so that their audio is accepted. */
const KNOWN_ITEMS = 64;
/** Interrupted responses remembered, so that their late audio is dropped. */
const INTERRUPTED_RESPONSES = 16;
/** The Realtime API needs at least this much audio in the input buffer to commit. */
export const MIN_COMMIT_MS = 100;

/** The canceller's readings at the end of a call; none from a canceller of your own that you freed first (free() must not throw). */
function lastReadings(canceller: CaptureEchoCanceller | undefined): EchoCancellerReadings {
  try {
    return cancellerReadings(canceller);
  } catch {
    return cancellerReadings(undefined);
  }
}

/**
 * The capture and playback pipelines speaking one session protocol through the app's `send`:
 * microphone to append events, the session's audio to the speaker (or to another `playout`),
 * barge-in with the exact truncate. Lifecycle: construct, pushMicrophone/readPlayback/
 * handleServerEvent (commit for manual turns), flush (end of the microphone stream), reset
 * (between calls), free (end of the call).
 */
export class RealtimeAudioAdapter<P extends SessionPlayout = PlaybackPipeline> {
  readonly protocol: SessionProtocol;
  readonly capture: CapturePipeline;
  /** Where the session's audio goes: a PlaybackPipeline unless the `playout` option gave another. */
  readonly playback: P;
  /** Who ends the user's turn; follows session.created/updated. */
  turnDetection: TurnDetectionMode;
  /** Whether the session cancels by itself on speech; follows session.created/updated. */
  interruptResponse: boolean;

  private readonly sink: EventSink;
  private readonly onEvent: ((event: AdapterEvent) => void) | undefined;
  private readonly localBargeIn: boolean;
  private readonly maxSendBufferBytes: number;
  private readonly knownItems = new RecentIds(KNOWN_ITEMS);
  private readonly interruptedResponses = new RecentIds(INTERRUPTED_RESPONSES);
  private responseId: string | undefined;
  private responding = false;
  private lastAudioItem: string | undefined;
  private lastAudioResponse: string | undefined;
  private uncommittedFrames = 0;
  private turnOpen = false;
  /** sessionUpdate() was called: the format session.created announces (the default) is about to change. */
  private configured = false;
  private readonly counts = new AdapterCounters();
  /** The echo gate was made here (from `echoGate: true` or options), so `free()` frees it. */
  private readonly ownedEchoGate: { free(): void } | undefined;
  /** The playback was made here (no `playout` given), so `free()` frees it; a playout you pass stays yours. */
  private readonly ownsPlayback: boolean;
  private freed = false;
  /** The canceller's readings when `free()` freed it (its getters throw after), for `stats`. */
  private echoAtFree: EchoCancellerReadings | undefined;

  constructor(options: RealtimeAudioAdapterOptions) {
    const checked = checkAdapterOptions(options);
    this.protocol = createProtocol(options.protocol, options.audioFormat);
    this.sink = new EventSink(options.send);
    this.onEvent = checked.onEvent;
    this.turnDetection = checked.turnDetection;
    this.interruptResponse = checked.interruptResponse;
    this.localBargeIn = checked.localBargeIn;
    const pipelines = makePipelines(options, this.protocol);
    this.capture = pipelines.capture;
    this.playback = pipelines.playback as P;
    this.ownsPlayback = pipelines.ownsPlayback;
    this.ownedEchoGate = pipelines.ownedEchoGate;
    this.maxSendBufferBytes = maxSendBufferBytes(this.protocol, options.maxSendBufferMs);
  }

  /**
   * Feeds microphone samples (float32 at `inputRate`, any length); sends the chunks they complete.
   * Returns the capture events (a shared empty array when none: no allocation per quantum).
   */
  pushMicrophone(samples: Float32Array): CaptureEvent[] {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const events = this.capture.push(samples);
    if (events.length > 0) this.dispatchCapture(events);
    return events;
  }

  /**
   * Ends the microphone stream (e.g. at the end of a file): sends what the capture pipeline still
   * holds (the partial chunk and the resampler's tail), without committing. Returns the capture
   * events. The next `pushMicrophone` starts a new stream. Allocates.
   */
  flush(): CaptureEvent[] {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const events = this.capture.flush();
    if (events.length > 0) this.dispatchCapture(events);
    return events;
  }

  /**
   * Sends audio already in the session's format (base64: PCM16, or G.711 bytes passed through from
   * a phone) as the microphone's chunks are sent: `frames` frames at the session's input rate, under
   * the same send-buffer bound and counters. Returns false when the chunk was dropped (and counted).
   */
  appendAudio(base64: string, frames: number): boolean {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    return this.sendAudio(base64, frames);
  }

  /** Fills `output` (float32 at `outputRate`) for the speaker; returns the frames of audio. Allocation-free. */
  readPlayback(output: Float32Array): number {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const playback: SessionPlayout = this.playback;
    if (playback.read === undefined) throw new RealtimePcmError('no_speaker', 'readPlayback: this adapter plays into a playout of its own, not a speaker');
    return playback.read(output);
  }

  /**
   * Handles one server message: a JSON string, bytes of one (ArrayBuffer, Uint8Array, Buffer), or
   * an already parsed object (as the `openai` client and `@openai/agents-realtime` give them).
   * Never throws on bad input: it becomes an `error` event. After `free()` messages are ignored
   * (those still in flight when a call ends are normal).
   */
  handleServerEvent(event: unknown): void {
    if (this.freed) return;
    const message = parseServerMessage(event);
    if (message instanceof TransportError) return this.report(message);
    for (const inbound of this.protocol.read(message)) this.apply(inbound);
  }

  /**
   * Interrupts by the app's decision (e.g. a stop button): flushes playback, truncates and cancels
   * as needed. Returns what happened, or undefined when nothing was playing or being generated.
   * `source` 'local' stands for a VAD of the app's own (the session is then expected to cancel by
   * itself, as for the adapter's own VAD).
   */
  interrupt(source: 'app' | 'local' = 'app'): InterruptionEvent | undefined {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    return this.bargeIn(source === 'local' ? 'local' : 'app');
  }

  /**
   * Manual turn end (turn detection off): sends the partial chunk, then commits (OpenAI
   * `input_audio_buffer.commit`, Gemini `activityEnd`) if at least 100 ms were sent since the last
   * commit, and asks for a response when `createResponse` is true (OpenAI). Returns false (and
   * sends no commit) when less than 100 ms is buffered.
   */
  commit(options: { createResponse?: boolean } = {}): boolean {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const pending = this.capture.emitPending();
    if (pending.length > 0) this.dispatchCapture(pending);
    if (this.uncommittedFrames * 1000 < MIN_COMMIT_MS * this.protocol.inputRate) return false;
    this.sendEvent(this.protocol.commit());
    this.counts.commitsSent++;
    this.uncommittedFrames = 0;
    this.turnOpen = false;
    if (options.createResponse === true) {
      const create = this.protocol.createResponse();
      if (create !== undefined) this.sendEvent(create);
    }
    return true;
  }

  /** Drops the audio sent since the last commit (OpenAI `input_audio_buffer.clear`). */
  clearInput(): void {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const clear = this.protocol.clear();
    if (clear !== undefined) this.sendEvent(clear);
    this.uncommittedFrames = 0;
  }

  /**
   * Sends the session configuration matching this adapter (OpenAI GA or beta `session.update`, with
   * `extra` merged into `session`), and adopts its turn detection settings. Gemini takes its
   * configuration in the first `setup` message instead: use `geminiSetupAudio()` there.
   */
  sessionUpdate(options: SessionAudioOptions = {}, extra: Record<string, unknown> = {}): ClientEvent {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    const event = sessionUpdateEvent(this.protocol, options, extra);
    this.turnDetection = options.turnDetection === 'none' ? 'none' : 'server';
    this.interruptResponse = options.interruptResponse ?? true;
    this.configured = true;
    this.sendEvent(event);
    return event;
  }

  /**
   * Forgets the call's audio state, e.g. to reuse the adapter for the next call on the same
   * connection: both pipelines (buffers, streams, items), the echo gate, the known and
   * interrupted items and the uncommitted audio. Nothing is sent; counters are kept.
   */
  reset(): void {
    if (this.freed) throw freedError('RealtimeAudioAdapter');
    this.capture.reset();
    this.playback.reset();
    this.knownItems.clear();
    this.interruptedResponses.clear();
    this.responseId = undefined;
    this.responding = false;
    this.lastAudioItem = undefined;
    this.lastAudioResponse = undefined;
    this.uncommittedFrames = 0;
    this.turnOpen = false;
    this.protocol.endTurn?.();
  }

  /**
   * Ends the call: returns the kernel memory of both pipelines, their VAD and the echo gate the
   * adapter made (an EchoGate or VAD instance you passed stays yours to free). Sends nothing: call
   * `flush()` or `commit()` first if the last audio should still go. Afterwards server messages
   * are ignored and every other call throws RealtimePcmError('freed'); `stats` stays readable.
   * Idempotent.
   */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.echoAtFree = lastReadings(this.capture.echoCanceller);
    this.capture.free();
    if (this.ownsPlayback) this.playback.free?.();
    this.ownedEchoGate?.free();
  }

  /** Totals and counters (allocates the returned object). */
  get stats(): AdapterStats {
    const protocol = this.protocol;
    return this.counts.stats(
      protocol.inputRate,
      protocol.outputRate,
      this.playback.playoutRate ?? this.playback.outputRate,
      this.capture.stats,
      this.playback.stats,
      this.echoAtFree ?? cancellerReadings(this.capture.echoCanceller),
    );
  }

  /** The echo canceller in use, if any (its `erleDb`, `delayMs`, `converged` say how it does). */
  get echoCanceller(): CaptureEchoCanceller | undefined {
    return this.capture.echoCanceller;
  }

  /** The echo gate in use, if any. */
  get echoGate(): (CaptureEchoGate & PlaybackReferenceSink) | undefined {
    return this.capture.echoGate as (CaptureEchoGate & PlaybackReferenceSink) | undefined;
  }

  // ---- microphone side ---------------------------------------------------------------------------

  private dispatchCapture(events: CaptureEvent[]): void {
    for (const event of events) {
      if (event.type === 'audio') this.sendAudio(event.base64, event.frames);
      else {
        this.onEvent?.(event);
        if (event.type === 'speech_start' && this.localBargeIn) this.bargeIn('local');
      }
    }
  }

  private sendAudio(base64: string, frames: number): boolean {
    if (!this.sink.canSend(this.maxSendBufferBytes)) {
      this.counts.chunksDropped++;
      this.counts.droppedFrames += frames;
      return false;
    }
    try {
      if (this.turnDetection === 'none' && !this.turnOpen) {
        const start = this.protocol.startTurn();
        if (start !== undefined) this.sink.send(start);
        this.turnOpen = true;
      }
      this.sink.send(this.protocol.append(base64));
    } catch (error) {
      this.counts.chunksDropped++;
      this.counts.droppedFrames += frames;
      this.error('send_failed', `send threw: ${String(error)}`);
      return false;
    }
    this.counts.sentFrames += frames;
    this.counts.chunksSent++;
    this.uncommittedFrames += frames;
    return true;
  }

  private sendEvent(event: ClientEvent): boolean {
    try {
      this.sink.send(event);
      return true;
    } catch (error) {
      this.error('send_failed', `send threw: ${String(error)}`);
      return false;
    }
  }

  // ---- session side ------------------------------------------------------------------------------

  private apply(inbound: Inbound): void {
    switch (inbound.kind) {
      case 'audio':
        return this.audio(inbound.itemId, inbound.responseId, inbound.base64, inbound.rate);
      case 'audio_done':
        this.playback.endItem(inbound.itemId);
        return;
      case 'item_added':
        this.knownItems.add(inbound.itemId);
        return;
      case 'response_created':
        this.responding = true;
        this.responseId = inbound.responseId;
        return;
      case 'response_done':
        if (inbound.responseId === undefined || inbound.responseId === this.responseId) {
          this.responding = false;
        }
        if (this.lastAudioItem !== undefined && (inbound.responseId === undefined || inbound.responseId === this.lastAudioResponse)) {
          this.playback.endItem(this.lastAudioItem);
        }
        return;
      case 'speech_started':
      case 'interrupted':
        this.bargeIn('server');
        return;
      case 'input_committed':
      case 'input_cleared':
        this.uncommittedFrames = 0;
        return;
      case 'session':
        if (inbound.turnDetection !== undefined) this.turnDetection = inbound.turnDetection;
        if (inbound.interruptResponse !== undefined) this.interruptResponse = inbound.interruptResponse;
        if (inbound.outputFormat !== undefined && !(inbound.initial && this.configured) && !this.protocol.acceptsOutputFormat(inbound.outputFormat)) {
          this.error(
            'unsupported_format',
            `the session sends ${inbound.outputFormat}; this adapter plays ${this.protocol.audioFormat === 'pcm' ? 'PCM16' : `G.711 (${this.protocol.audioFormat})`} at ${this.protocol.outputRate} Hz (set the output format with sessionUpdate())`,
          );
        }
        return;
      case 'error':
        return this.report(inbound.error);
      case 'other':
        return;
    }
  }

  private audio(itemId: string, responseId: string | undefined, base64: string, rate: number | undefined): void {
    if (rate !== undefined && rate !== this.protocol.outputRate) {
      return this.error('unsupported_format', `audio at ${rate} Hz; this adapter plays ${this.protocol.outputRate} Hz`);
    }
    if (responseId !== undefined && this.interruptedResponses.has(responseId)) {
      this.counts.lateFrames += Math.floor(Math.max(0, decodedLength(base64)) / this.protocol.bytesPerFrame);
      return;
    }
    if (!this.knownItems.has(itemId)) {
      // an item never announced (the app forwards only audio events, or attached late): its first delta announces it
      this.knownItems.add(itemId);
      this.counts.unannouncedItems++;
    }
    this.lastAudioItem = itemId;
    this.lastAudioResponse = responseId;
    try {
      this.playback.pushDelta(base64, itemId);
    } catch (error) {
      this.report(deltaError(error, itemId));
    }
  }

  private bargeIn(source: InterruptionSource): InterruptionEvent | undefined {
    const responding = this.responding;
    if (!this.playback.active && !responding) return undefined;
    const cut = this.playback.interrupt();
    const { truncates, audioEndMs } = truncatesAfter(this.protocol, cut);
    for (const truncate of truncates) if (this.sendEvent(truncate)) this.counts.truncatesSent++;
    let cancelled = false;
    if (responding) {
      const selfCancels = this.turnDetection === 'server' && this.interruptResponse && source !== 'app';
      const cancel = selfCancels ? undefined : this.protocol.cancel(this.responseId);
      if (cancel !== undefined && this.sendEvent(cancel)) {
        cancelled = true;
        this.counts.cancelsSent++;
      }
      if (this.responseId !== undefined) this.interruptedResponses.add(this.responseId);
      if (source !== 'local' || cancelled) this.responding = false;
    }
    this.counts.interruptions++;
    const event = interruptionEvent(source, cut, audioEndMs, cancelled);
    this.onEvent?.(event);
    return event;
  }

  // ---- errors ------------------------------------------------------------------------------------

  private error(code: TransportErrorCode, message: string): void {
    this.report(new TransportError(code, message));
  }

  private report(error: TransportError): void {
    this.counts.countError(error);
    this.onEvent?.({ type: 'error', error });
  }
}
