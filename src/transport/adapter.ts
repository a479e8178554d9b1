// RealtimeAudioAdapter: the capture and playback pipelines speaking one session protocol (OpenAI
// GA, OpenAI beta, Gemini Live) through a `send` the application gives. It sends the microphone
// as append events, plays the session's audio, and handles interruption: on barge-in (the
// session's speech_started, Gemini's interrupted, a local VAD start if enabled, or `interrupt()`)
// playback is flushed at once and, for OpenAI, `conversation.item.truncate` carries the audio of
// the playing item actually played (never more than received, none if nothing was played) and
// `response.cancel` goes out where the session would not cancel by itself.
//
// Server input is never trusted: malformed events, unknown types, invalid base64, odd byte
// counts, audio for unknown items become `error` events (TransportError), counted in `stats`, and
// the session goes on. Stream times and totals come from integer frame counts.
import { Base64Error, OptionsError, RealtimePcmError } from '../errors.js';
import { CapturePipeline, type CaptureEchoGate, type CaptureEvent, type CapturePipelineOptions } from '../pipeline/capture.js';
import { PlaybackPipeline, type PlaybackReferenceSink } from '../pipeline/playback.js';
import { AudioInputError } from '../pipeline/errors.js';
import { EchoGate, type EchoGateOptions } from '../kernels/echo-gate.js';
import { checkBoolean, checkChoice, checkNumber } from '../pipeline/options.js';
import { TransportError, type TransportErrorCode } from './errors.js';
import type { AdapterEvent, AdapterStats, Inbound, InterruptionEvent, InterruptionSource, SessionProtocolName, TurnDetectionMode } from './events.js';
import { GeminiProtocol } from './gemini.js';
import { OpenAIProtocol } from './openai.js';
import type { ClientEvent, SessionProtocol } from './protocol.js';
import { openAIBetaSessionAudio, openAISessionAudio, type SessionAudioOptions } from './session-config.js';
import { EventSink, type SendTarget } from './sink.js';

export interface RealtimeAudioAdapterOptions {
  protocol: SessionProtocolName;
  /** Where client events go: a function taking the event object, or a WebSocket-like `.send(text)`. */
  send: SendTarget;
  /** Microphone rate, Hz. */
  inputRate: number;
  /** Speaker rate, Hz. */
  outputRate: number;
  /** Audio per append event, ms. Default 40. */
  chunkMs?: number;
  /** Client VAD (see CapturePipeline): needed for silenceGating and localBargeIn. */
  vad?: CapturePipelineOptions['vad'];
  /** Send only speech, with prefix padding. Default false. */
  silenceGating?: boolean;
  prefixPaddingMs?: number;
  /**
   * Echo gate between speaker and microphone: true (an `EchoGate` with defaults), its options, or
   * an instance. It is fed what `readPlayback` outputs and gates `pushMicrophone`, so the
   * assistant's own voice neither reaches the session nor triggers a local barge-in. Needs
   * inputRate = outputRate, and readPlayback/pushMicrophone called in step (as an audio callback does).
   */
  echoGate?: boolean | Omit<EchoGateOptions, 'sampleRate'> | (CaptureEchoGate & PlaybackReferenceSink);
  /** Interrupt playback as soon as the local VAD hears speech. Default false. */
  localBargeIn?: boolean;
  /** 'server' (default): the session detects turns; 'none': the app calls commit(). Updated by session events. */
  turnDetection?: TurnDetectionMode;
  /** Whether the session cancels its response by itself on speech (OpenAI `interrupt_response`). Default true. */
  interruptResponse?: boolean;
  /** Resampler quality for both directions. Default 'high'. */
  quality?: 'voice' | 'high';
  /** Playback buffer bound, ms. Default 60000. */
  maxPlaybackMs?: number;
  /** Playback start threshold, ms. Default 0. */
  playbackStartMs?: number;
  /** Audio a WebSocket may have queued before further chunks are dropped, ms. Default 2000. */
  maxSendBufferMs?: number;
  /** Receives interruptions, errors and local VAD events. */
  onEvent?: (event: AdapterEvent) => void;
}

const RECENT = 64;
/** The Realtime API needs at least this much audio in the input buffer to commit. */
export const MIN_COMMIT_MS = 100;

/** A bounded set of recent ids (oldest forgotten first). */
class RecentIds {
  private readonly ids: string[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}
  has(id: string): boolean {
    return this.ids.includes(id);
  }
  add(id: string): void {
    if (this.has(id)) return;
    if (this.ids.length < this.capacity) this.ids.push(id);
    else this.ids[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
  }
}

export class RealtimeAudioAdapter {
  readonly protocol: SessionProtocol;
  readonly capture: CapturePipeline;
  readonly playback: PlaybackPipeline;
  /** Who ends the user's turn; follows session.created/updated. */
  turnDetection: TurnDetectionMode;
  /** Whether the session cancels by itself on speech; follows session.created/updated. */
  interruptResponse: boolean;

  private readonly sink: EventSink;
  private readonly onEvent: ((event: AdapterEvent) => void) | undefined;
  private readonly localBargeIn: boolean;
  private readonly maxSendBufferBytes: number;
  private readonly knownItems = new RecentIds(RECENT);
  private readonly interruptedResponses = new RecentIds(16);
  private responseId: string | undefined;
  private responding = false;
  private lastAudioItem: string | undefined;
  private lastAudioResponse: string | undefined;
  private uncommittedFrames = 0;
  private turnOpen = false;
  private readonly counts = {
    sentFrames: 0,
    chunksSent: 0,
    chunksDropped: 0,
    droppedFrames: 0,
    lateFrames: 0,
    interruptions: 0,
    truncatesSent: 0,
    cancelsSent: 0,
    commitsSent: 0,
    errors: 0,
  };
  private readonly errorsByCode: Record<string, number> = {};
  private readonly decoder = typeof TextDecoder === 'function' ? new TextDecoder() : undefined;

  constructor(options: RealtimeAudioAdapterOptions) {
    if (options === null || typeof options !== 'object') {
      throw new OptionsError("RealtimeAudioAdapter needs options: { protocol: 'openai' | 'openai-beta' | 'gemini', send, inputRate, outputRate }");
    }
    const name = checkChoice('protocol', options.protocol, undefined as unknown as SessionProtocolName, ['openai', 'openai-beta', 'gemini']);
    if (name === undefined) throw new OptionsError("protocol is required: 'openai', 'openai-beta' or 'gemini'");
    this.protocol = name === 'gemini' ? new GeminiProtocol() : new OpenAIProtocol(name === 'openai-beta');
    this.sink = new EventSink(options.send);
    this.onEvent = options.onEvent;
    if (this.onEvent !== undefined && typeof this.onEvent !== 'function') throw new OptionsError('onEvent must be a function');
    this.turnDetection = checkChoice('turnDetection', options.turnDetection, 'server', ['server', 'none'] as const);
    this.interruptResponse = checkBoolean('interruptResponse', options.interruptResponse, true);
    this.localBargeIn = checkBoolean('localBargeIn', options.localBargeIn, false);
    if (this.localBargeIn && (options.vad === undefined || options.vad === false)) {
      throw new OptionsError('localBargeIn needs a client VAD: pass vad: true (or VAD options) as well');
    }
    const echoGate = makeEchoGate(options.echoGate, options.inputRate, options.outputRate);
    this.capture = new CapturePipeline({
      inputRate: options.inputRate,
      outputRate: this.protocol.inputRate,
      chunkMs: options.chunkMs,
      vad: options.vad,
      echoGate,
      silenceGating: options.silenceGating,
      prefixPaddingMs: options.prefixPaddingMs,
      quality: options.quality,
    });
    this.playback = new PlaybackPipeline({
      outputRate: options.outputRate,
      inputRate: this.protocol.outputRate,
      quality: options.quality,
      maxBufferedMs: options.maxPlaybackMs,
      startThresholdMs: options.playbackStartMs,
      echoGate,
    });
    const maxSendBufferMs = checkNumber('maxSendBufferMs', options.maxSendBufferMs, 2000, 0, 600_000);
    // base64 JSON text of that much session audio: 2 bytes per frame, 4/3 for base64
    this.maxSendBufferBytes = Math.ceil((maxSendBufferMs * this.protocol.inputRate * 2 * 4) / 3 / 1000);
  }

  /**
   * Feeds microphone samples (float32 at `inputRate`, any length); sends the chunks they complete.
   * Returns the capture events (a shared empty array when none: no allocation per quantum).
   */
  pushMicrophone(samples: Float32Array): CaptureEvent[] {
    const events = this.capture.push(samples);
    if (events.length > 0) this.dispatchCapture(events);
    return events;
  }

  /** Fills `output` (float32 at `outputRate`) for the speaker; returns the frames of audio. Allocation-free. */
  readPlayback(output: Float32Array): number {
    return this.playback.read(output);
  }

  /**
   * Handles one server message: a JSON string, bytes of one (ArrayBuffer, Uint8Array, Buffer), or
   * an already parsed object (as the `openai` client and `@openai/agents-realtime` give them).
   * Never throws on bad input: it becomes an `error` event.
   */
  handleServerEvent(event: unknown): void {
    let message: unknown = event;
    if (typeof event === 'string' || event instanceof ArrayBuffer || ArrayBuffer.isView(event)) {
      let text: string;
      if (typeof event === 'string') text = event;
      else if (this.decoder === undefined) return this.error('malformed_event', 'no TextDecoder here: pass the message as a string or object');
      else text = this.decoder.decode(event as ArrayBuffer | ArrayBufferView);
      try {
        message = JSON.parse(text);
      } catch {
        return this.error('malformed_event', `server message is not JSON (${JSON.stringify(text.slice(0, 40))}...)`);
      }
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      return this.error(
        'malformed_event',
        `server message must be a JSON object, got ${message === null ? 'null' : Array.isArray(message) ? 'an array' : typeof message}`,
      );
    }
    const inbound = this.protocol.read(message as Record<string, unknown>);
    for (const item of inbound) this.apply(item);
  }

  /**
   * Interrupts by the app's decision (e.g. a stop button): flushes playback, truncates and cancels
   * as needed. Returns what happened, or undefined when nothing was playing or being generated.
   */
  interrupt(): InterruptionEvent | undefined {
    return this.bargeIn('app');
  }

  /**
   * Manual turn end (turn detection off): sends the partial chunk, then commits (OpenAI
   * `input_audio_buffer.commit`, Gemini `activityEnd`) if at least 100 ms were sent since the last
   * commit, and asks for a response when `createResponse` is true (OpenAI). Returns false (and
   * sends no commit) when less than 100 ms is buffered.
   */
  commit(options: { createResponse?: boolean } = {}): boolean {
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
    let session: Record<string, unknown>;
    if (this.protocol.name === 'openai') session = { type: 'realtime', ...extra, audio: openAISessionAudio(options) };
    else if (this.protocol.name === 'openai-beta') session = { ...extra, ...openAIBetaSessionAudio(options) };
    else throw new OptionsError('Gemini Live is configured by its first message: send { setup: { model, ...geminiSetupAudio() } } yourself');
    this.turnDetection = options.turnDetection === 'none' ? 'none' : 'server';
    this.interruptResponse = options.interruptResponse ?? true;
    const event = { type: 'session.update', session };
    this.sendEvent(event);
    return event;
  }

  /** Totals and counters (allocates the returned object). */
  get stats(): AdapterStats {
    const inRate = this.protocol.inputRate;
    const outRate = this.protocol.outputRate;
    const device = this.playback.outputRate;
    const p = this.playback.stats;
    const c = this.counts;
    return {
      sentSeconds: c.sentFrames / inRate,
      receivedSeconds: p.receivedFrames / outRate,
      playedSeconds: p.playedFrames / device,
      silenceNotSentSeconds: this.capture.stats.silenceFrames / inRate,
      chunksSent: c.chunksSent,
      chunksDropped: c.chunksDropped,
      droppedSeconds: c.droppedFrames / inRate,
      underruns: p.underruns,
      underrunSeconds: p.underrunFrames / device,
      overflowSeconds: p.overflowFrames / device,
      flushedSeconds: p.flushedFrames / device,
      lateSeconds: (c.lateFrames + p.lateFrames) / outRate,
      interruptions: c.interruptions,
      truncatesSent: c.truncatesSent,
      cancelsSent: c.cancelsSent,
      commitsSent: c.commitsSent,
      errors: c.errors,
      errorsByCode: { ...this.errorsByCode },
    };
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

  private sendAudio(base64: string, frames: number): void {
    if (!this.sink.canSend(this.maxSendBufferBytes)) {
      this.counts.chunksDropped++;
      this.counts.droppedFrames += frames;
      return;
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
      return;
    }
    this.counts.sentFrames += frames;
    this.counts.chunksSent++;
    this.uncommittedFrames += frames;
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
        if (inbound.outputFormat !== undefined && !this.formatOk(inbound.outputFormat)) {
          this.error(
            'unsupported_format',
            `the session sends ${inbound.outputFormat}; this adapter plays PCM16 at ${this.protocol.outputRate} Hz (set the output format with sessionUpdate())`,
          );
        }
        return;
      case 'error':
        return this.report(inbound.error);
      case 'other':
        return;
    }
  }

  private formatOk(format: string): boolean {
    if (this.protocol.name === 'openai-beta') return format === 'pcm16';
    return format === 'audio/pcm' || format === `audio/pcm;rate=${this.protocol.outputRate}`;
  }

  private audio(itemId: string, responseId: string | undefined, base64: string, rate: number | undefined): void {
    if (rate !== undefined && rate !== this.protocol.outputRate) {
      return this.error('unsupported_format', `audio at ${rate} Hz; this adapter plays ${this.protocol.outputRate} Hz`);
    }
    if (responseId !== undefined && this.interruptedResponses.has(responseId)) {
      this.counts.lateFrames += Math.floor((base64.length * 3) / 8);
      return;
    }
    if (!this.knownItems.has(itemId)) {
      return this.error('unknown_item', `audio delta for item ${itemId.slice(0, 60)}, which the session never announced`);
    }
    this.lastAudioItem = itemId;
    this.lastAudioResponse = responseId;
    try {
      this.playback.pushDelta(base64, itemId);
    } catch (error) {
      if (error instanceof Base64Error) return this.error('invalid_base64', `audio delta of item ${itemId.slice(0, 60)}: ${error.message}`);
      if (error instanceof AudioInputError) return this.error(error.code === 'odd_byte_count' ? 'odd_byte_count' : 'malformed_event', error.message);
      if (error instanceof RealtimePcmError) return this.error('malformed_event', error.message);
      throw error;
    }
  }

  private bargeIn(source: InterruptionSource): InterruptionEvent | undefined {
    const responding = this.responding;
    if (!this.playback.active && !responding) return undefined;
    const cut = this.playback.interrupt();
    let audioEndMs: number | null = null;
    if (this.protocol.truncates && cut.itemId !== null && cut.playedFrames > 0 && !cut.playedToEnd) {
      audioEndMs = Math.floor(cut.playedMs);
      const truncate = this.protocol.truncate(cut.itemId, audioEndMs);
      if (truncate !== undefined && this.sendEvent(truncate)) this.counts.truncatesSent++;
    }
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
    const event: InterruptionEvent = {
      type: 'interrupted',
      source,
      itemId: cut.itemId,
      playedMs: cut.playedMs,
      audioEndMs,
      cancelled,
      flushedMs: cut.flushedMs,
    };
    this.onEvent?.(event);
    return event;
  }

  // ---- errors ------------------------------------------------------------------------------------

  private error(code: TransportErrorCode, message: string): void {
    this.report(new TransportError(code, message));
  }

  private report(error: TransportError): void {
    this.counts.errors++;
    this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
    this.onEvent?.({ type: 'error', error });
  }
}

function makeEchoGate(
  option: RealtimeAudioAdapterOptions['echoGate'],
  inputRate: number,
  outputRate: number,
): (CaptureEchoGate & PlaybackReferenceSink) | undefined {
  if (option === undefined || option === false) return undefined;
  if (inputRate !== outputRate) {
    throw new OptionsError(`echoGate needs the microphone and speaker at one rate (inputRate ${inputRate} != outputRate ${outputRate})`);
  }
  if (option === true) return new EchoGate({ sampleRate: inputRate });
  if (option === null || typeof option !== 'object') {
    throw new OptionsError(`echoGate must be true, EchoGate options or an EchoGate, got ${String(option)}`);
  }
  const given = option as Partial<CaptureEchoGate & PlaybackReferenceSink>;
  if (typeof given.processInto === 'function' && typeof given.pushReference === 'function') {
    return option as CaptureEchoGate & PlaybackReferenceSink;
  }
  return new EchoGate({ ...(option as Omit<EchoGateOptions, 'sampleRate'>), sampleRate: inputRate });
}
