// PhoneBridge: one phone call's carrier media stream (Twilio Media Streams and the carriers that
// speak its messages) to one realtime session, through a RealtimeAudioAdapter whose playout is the
// carrier (CarrierPlayout). Server-side, usable with any WebSocket server: give it the two send
// targets, and hand it what each socket receives.
//
// Caller to session: the carrier's chunks go through an InboundJitter (reordered by chunk number,
// gaps in the timestamps and a quiet carrier filled with silence, so the session's server VAD ends
// turns), then pass through as G.711 appends (bit for bit), or are decoded and resampled by the
// adapter's capture pipeline (transcoding). An optional VAD here interrupts at once.
// Session to caller: see CarrierPlayout (paced 20 ms frames, marks, clear, the heard position).
// A timer (`tickMs`) paces the outbound audio and fills silence; everything else is event-driven.
// Carrier input is never trusted: bad or unknown messages are counted and reported, never thrown.
import { decodeBase64, encodeBase64 } from '../kernels/base64.js';
import { decodeG711 } from '../kernels/g711.js';
import { pcm16ToFloat } from '../kernels/pcm16.js';
import { EnergyVad, VAD_SPEECH_START } from '../kernels/vad.js';
import { Base64Error } from '../errors.js';
import { InboundJitter } from '../pipeline/inbound-jitter.js';
import { RealtimeAudioAdapter } from './adapter.js';
import { CarrierPlayout } from './carrier-playout.js';
import { readCarrierMessage, type CarrierMessage } from './carrier-messages.js';
import { systemClock, type Clock } from './clock.js';
import { TransportError } from './errors.js';
import type { AdapterStats, InterruptionEvent } from './events.js';
import type { ClientEvent } from './protocol.js';
import { phoneSettings, type PhoneBridgeEvent, type PhoneBridgeOptions, type PhoneSettings } from './phone-options.js';
import type { SessionAudioOptions } from './session-config.js';
import { EventSink } from './sink.js';
import { phoneStats, type PhoneBridgeStats, PhoneCounters } from './phone-stats.js';

export type { PhoneBridgeEvent, PhoneBridgeOptions } from './phone-options.js';
export type { PhoneBridgeStats } from './phone-stats.js';

const PHONE_RATE = 8000;
/** Caller audio decoded per step (for the VAD and transcoding), frames. */
const DECODE_FRAMES = 1024;

/**
 * One call: carrier media stream <-> realtime session. Lifecycle: construct when the carrier's
 * WebSocket connects, `handleCarrierMessage` / `handleSessionEvent` for what each side sends,
 * `sessionUpdate` once the session is open, `close` when either side ends.
 */
export class PhoneBridge {
  /** The adapter speaking the session's protocol (its `playback` is the carrier). */
  readonly adapter: RealtimeAudioAdapter<CarrierPlayout>;
  readonly playout: CarrierPlayout;
  readonly settings: PhoneSettings;
  /** The carrier's stream id, once `start` came. */
  streamSid: string | undefined;

  private readonly clock: Clock;
  private readonly carrier: EventSink;
  private readonly onEvent: ((event: PhoneBridgeEvent) => void) | undefined;
  private readonly jitter: InboundJitter;
  private readonly vad: EnergyVad | undefined;
  private readonly counts = new PhoneCounters();
  private readonly messageCounts = { received: 0, sent: 0 };
  private readonly append: Uint8Array;
  private appendFill = 0;
  private readonly pcm = new Int16Array(DECODE_FRAMES);
  private readonly samples = new Float32Array(DECODE_FRAMES);
  private readonly vadTypes = new Uint8Array(DECODE_FRAMES / 80 + 2);
  private readonly vadTimes = new Float64Array(DECODE_FRAMES / 80 + 2);
  private timer: unknown;
  private stopped = false;
  private closed = false;

  constructor(options: PhoneBridgeOptions) {
    const settings = phoneSettings(options);
    this.settings = settings;
    this.clock = options.clock ?? systemClock;
    this.onEvent = options.onEvent;
    const carrier = new EventSink(options.carrier);
    this.carrier = carrier;
    this.playout = new CarrierPlayout({
      law: settings.law,
      mode: settings.audio,
      send: (message) => this.sendCarrier(message),
      clock: this.clock,
      leadMs: settings.leadMs,
      markIntervalMs: settings.markIntervalMs,
      maxQueuedMs: settings.maxQueuedMs,
      fadeOutMs: settings.fadeOutMs,
      quality: options.quality,
    });
    const passthrough = settings.audio === 'passthrough';
    this.adapter = new RealtimeAudioAdapter<CarrierPlayout>({
      protocol: options.protocol,
      audioFormat: passthrough ? (settings.law === 'mulaw' ? 'pcmu' : 'pcma') : 'pcm',
      send: options.session,
      inputRate: PHONE_RATE,
      playout: this.playout,
      chunkMs: settings.chunkMs,
      quality: options.quality,
      turnDetection: options.turnDetection,
      interruptResponse: options.interruptResponse,
      maxSendBufferMs: options.maxSendBufferMs,
      onEvent: this.onEvent,
    });
    this.append = new Uint8Array(passthrough ? Math.round(settings.chunkMs * 8) : 0);
    this.jitter = new InboundJitter({
      framesPerMs: 8,
      silenceByte: settings.law === 'mulaw' ? 0xff : 0xd5,
      maxHeld: settings.reorderMaxChunks,
      holdMs: settings.reorderHoldMs,
      fillAfterMs: settings.silenceFillAfterMs,
      emit: (bytes, start, end) => this.callerAudio(bytes, start, end),
    });
    this.vad = settings.localBargeIn === false ? undefined : new EnergyVad({ ...settings.localBargeIn, sampleRate: PHONE_RATE });
  }

  /**
   * One message from the carrier (JSON text, its bytes, or a parsed object). Never throws: bad
   * or unknown messages are counted and reported as `error` events.
   */
  handleCarrierMessage(data: unknown): void {
    this.messageCounts.received++;
    if (this.closed) return;
    this.counts.carrierIn++;
    const message = readCarrierMessage(data);
    if (message instanceof TransportError) return this.carrierError(message);
    switch (message.event) {
      case 'connected':
        return;
      case 'start':
        return this.start(message);
      case 'media':
        return this.media(message);
      case 'mark':
        this.playout.markEchoed(message.name);
        return;
      case 'dtmf':
        this.counts.dtmf++;
        this.onEvent?.({ type: 'dtmf', digit: message.digit });
        return;
      case 'stop':
        return this.stop();
    }
  }

  /** One event from the session (as RealtimeAudioAdapter.handleServerEvent). */
  handleSessionEvent(event: unknown): void {
    if (this.closed) return;
    this.adapter.handleServerEvent(event);
  }

  /**
   * Sends the session configuration for this call (OpenAI `session.update` with the call's audio
   * format both ways; see RealtimeAudioAdapter.sessionUpdate). Gemini takes `geminiSetupAudio()` in
   * its first message instead.
   */
  sessionUpdate(options: SessionAudioOptions = {}, extra: Record<string, unknown> = {}): ClientEvent {
    return this.adapter.sessionUpdate(options, extra);
  }

  /** Interrupts by the app's decision: clear, truncate, cancel (see RealtimeAudioAdapter.interrupt). */
  interrupt(): InterruptionEvent | undefined {
    return this.adapter.interrupt();
  }

  /** Counters of both sides (allocates). */
  get stats(): PhoneBridgeStats {
    return phoneStats(this.adapter.stats, this.counts, this.playout, this.jitter.stats);
  }

  /** Messages received from the carrier and sent to it so far (no allocation: for metrics polled often). */
  get carrierMessages(): { readonly received: number; readonly sent: number } {
    return this.messageCounts;
  }

  /** The session side's stats alone (allocates). */
  get sessionStats(): AdapterStats {
    return this.adapter.stats;
  }

  /** Ends the call here: stops the timer and returns the kernels' memory. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    this.vad?.free();
    this.adapter.free();
    this.playout.free();
  }

  // ---- carrier side ----------------------------------------------------------------------------

  private start(message: Extract<CarrierMessage, { event: 'start' }>): void {
    if (message.encoding !== this.settings.law || message.sampleRate !== PHONE_RATE || message.channels !== 1) {
      this.carrierError(
        new TransportError(
          'unsupported_format',
          `the call's media is ${message.encoding} at ${message.sampleRate} Hz, ${message.channels} channel(s); this bridge was set up for ${this.settings.law} at 8000 Hz mono (option law)`,
          'carrier:start',
        ),
      );
    }
    this.streamSid = message.streamSid;
    this.playout.streamSid = message.streamSid;
    this.onEvent?.({ type: 'start', streamSid: message.streamSid, callSid: message.callSid, customParameters: message.customParameters });
    this.jitter.begin(this.clock.now());
    this.playout.pump();
    this.schedule();
  }

  private media(message: Extract<CarrierMessage, { event: 'media' }>): void {
    if (message.track !== 'inbound' && message.track !== 'inbound_track') {
      this.counts.otherTrack++;
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(message.payload);
    } catch (error) {
      if (error instanceof Base64Error)
        return this.carrierError(new TransportError('invalid_base64', `carrier media payload: ${error.message}`, 'carrier:media'));
      throw error;
    }
    if (this.stopped) return;
    this.jitter.push(message.chunk, message.timestampMs, bytes, this.clock.now());
  }

  private stop(): void {
    if (this.stopped) return;
    this.jitter.drain();
    if (this.appendFill > 0) this.flushAppend();
    if (this.settings.audio === 'transcode') this.adapter.flush();
    this.stopped = true;
    this.stopTimer();
    this.onEvent?.({ type: 'stop' });
  }

  /** The caller's stream, in order and gapless (from the InboundJitter). */
  private callerAudio(bytes: Uint8Array, start: number, end: number): void {
    const passthrough = this.settings.audio === 'passthrough';
    if (passthrough) {
      for (let at = start; at < end; ) {
        const n = Math.min(end - at, this.append.length - this.appendFill);
        this.append.set(bytes.subarray(at, at + n), this.appendFill);
        this.appendFill += n;
        at += n;
        if (this.appendFill === this.append.length) this.flushAppend();
      }
      if (this.vad === undefined) return;
    }
    for (let at = start; at < end; at += DECODE_FRAMES) {
      const n = Math.min(DECODE_FRAMES, end - at);
      const pcm = n === DECODE_FRAMES ? this.pcm : this.pcm.subarray(0, n);
      const samples = n === DECODE_FRAMES ? this.samples : this.samples.subarray(0, n);
      decodeG711(this.settings.law, bytes.subarray(at, at + n), pcm);
      pcm16ToFloat(pcm, samples);
      if (this.vad !== undefined) this.listen(samples);
      if (!passthrough) this.adapter.pushMicrophone(samples);
    }
  }

  private flushAppend(): void {
    const frames = this.appendFill;
    this.appendFill = 0;
    const chunk = frames === this.append.length ? this.append : this.append.subarray(0, frames);
    this.adapter.appendAudio(encodeBase64(chunk), frames);
  }

  /** The local VAD: a speech start interrupts at once. */
  private listen(samples: Float32Array): void {
    const vad = this.vad!;
    const events = vad.processInto(samples, this.vadTypes, this.vadTimes);
    for (let i = 0; i < events; i++) {
      const start = this.vadTypes[i] === VAD_SPEECH_START;
      this.onEvent?.({ type: start ? 'speech_start' : 'speech_stop', timeMs: this.vadTimes[i]! });
      if (start) this.adapter.interrupt('local');
    }
  }

  private sendCarrier(message: Record<string, unknown>): void {
    try {
      this.carrier.send(message);
      this.counts.carrierOut++;
      this.messageCounts.sent++;
    } catch (error) {
      this.counts.carrierSendFailed++;
      this.onEvent?.({ type: 'error', error: new TransportError('send_failed', `carrier send threw: ${String(error)}`) });
    }
  }

  private carrierError(error: TransportError): void {
    this.counts.countError(error);
    this.onEvent?.({ type: 'error', error });
  }

  // ---- timer -----------------------------------------------------------------------------------

  private schedule(): void {
    if (this.timer !== undefined || this.stopped || this.closed) return;
    this.timer = this.clock.setTimer(() => this.tick(), this.settings.tickMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || this.closed) return;
    this.jitter.poll(this.clock.now());
    this.jitter.begin(this.clock.now());
    this.playout.pump();
    this.schedule();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }
}
