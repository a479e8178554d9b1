// The options of PhoneBridge, their defaults and checks, and the events it reports.
import type { G711Law } from '../kernels/g711.js';
import type { ResamplerQuality } from '../kernels/resampler.js';
import type { EnergyVadOptions } from '../kernels/vad.js';
import { checkBoolean, checkChoice, checkNumber } from '../pipeline/options.js';
import { OptionsError } from '../errors.js';
import type { Clock } from './clock.js';
import type { TransportError } from './errors.js';
import type { AdapterEvent, SessionProtocolName, TurnDetectionMode } from './events.js';
import type { SendTarget } from './sink.js';

/** Options of `new PhoneBridge(...)`: `protocol`, `session` and `carrier` are required. */
export interface PhoneBridgeOptions {
  /** The session's protocol: 'openai' (GA), 'openai-beta' or 'gemini' (Gemini Live). */
  protocol: SessionProtocolName;
  /** Where session events go: a function taking the event object, or a WebSocket-like `.send(text)`. */
  session: SendTarget;
  /** Where carrier messages go: the carrier's WebSocket (`.send(text)`), or a function taking the message object. */
  carrier: SendTarget;
  /**
   * 'passthrough' (default for OpenAI): the session takes and sends the call's own G.711
   * (`audio/pcmu` or `audio/pcma`) and the audio goes through bit for bit; 'transcode' (Gemini's
   * only): the session speaks PCM16, converted both ways (8 -> 24 or 16 kHz in, 24 -> 8 kHz out).
   */
  audio?: 'passthrough' | 'transcode';
  /** The call's G.711 law, as the carrier's `start` says: 'mulaw' (default; Twilio) or 'alaw'. */
  law?: G711Law;
  /** Caller audio per append event, ms (10..1000). Default 20 (one carrier frame). */
  chunkMs?: number;
  /** Audio kept in the carrier's buffer ahead of playout, ms (20..2000). Default 100. */
  leadMs?: number;
  /** Least time between two marks, ms (20..5000). Default 100: at most 10 marks a second. */
  markIntervalMs?: number;
  /** Session audio queued here for the caller at most; beyond it, audio is dropped and counted, ms (1000..600000). Default 60000. */
  maxQueuedMs?: number;
  /** Fade-out sent after a `clear`, from where the caller was, ms (0..50). Default 8. */
  fadeOutMs?: number;
  /** How long a caller chunk waits for a missing one before it, ms (0..500). Default 40. */
  reorderHoldMs?: number;
  /** Caller chunks held at most while waiting (1..256). Default 16. */
  reorderMaxChunks?: number;
  /** How far behind the carrier's time the caller's stream may fall before silence is filled, ms (20..2000). Default 80. */
  silenceFillAfterMs?: number;
  /** Interrupt on a VAD run here on the caller's audio (true, or EnergyVad options), before the session's. Default false. */
  localBargeIn?: boolean | Omit<EnergyVadOptions, 'sampleRate'>;
  /** Timer period for pacing and silence filling, ms (5..100). Default 20. */
  tickMs?: number;
  /** Time source and timers. Default the system clock. */
  clock?: Clock;
  /** Resampler quality when transcoding. Default 'high'. */
  quality?: ResamplerQuality;
  /** As RealtimeAudioAdapter's: who ends the caller's turn. Default 'server'. */
  turnDetection?: TurnDetectionMode;
  /** As RealtimeAudioAdapter's: whether the session cancels by itself on speech. Default true. */
  interruptResponse?: boolean;
  /** As RealtimeAudioAdapter's: session send-buffer bound, ms. Default 2000. */
  maxSendBufferMs?: number;
  /** Receives the call's events: start, dtmf, stop, interruptions, local VAD events, errors. */
  onEvent?: (event: PhoneBridgeEvent) => void;
}

/** The carrier started the stream. */
export interface PhoneStartEvent {
  type: 'start';
  streamSid: string;
  callSid: string | undefined;
  /** The `<Parameter>`s of the stream instruction (e.g. TwiML), as given. */
  customParameters: Record<string, string>;
}

/** The caller pressed a key (DTMF). */
export interface PhoneDtmfEvent {
  type: 'dtmf';
  digit: string;
}

/** The carrier ended the stream (the call hung up, or the stream was stopped). */
export interface PhoneStopEvent {
  type: 'stop';
}

/** What a PhoneBridge reports: the adapter's events (interruptions, session errors, VAD) and the call's. */
export type PhoneBridgeEvent = AdapterEvent | PhoneStartEvent | PhoneDtmfEvent | PhoneStopEvent | { type: 'error'; error: TransportError };

/** The checked options with their defaults. */
export interface PhoneSettings {
  audio: 'passthrough' | 'transcode';
  law: G711Law;
  chunkMs: number;
  leadMs: number;
  markIntervalMs: number;
  maxQueuedMs: number;
  fadeOutMs: number;
  reorderHoldMs: number;
  reorderMaxChunks: number;
  silenceFillAfterMs: number;
  tickMs: number;
  localBargeIn: false | Omit<EnergyVadOptions, 'sampleRate'>;
}

export function phoneSettings(options: PhoneBridgeOptions): PhoneSettings {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError("PhoneBridge needs options: { protocol: 'openai' | 'openai-beta' | 'gemini', session, carrier }");
  }
  const audio = checkChoice('audio', options.audio, options.protocol === 'gemini' ? 'transcode' : 'passthrough', ['passthrough', 'transcode'] as const);
  if (audio === 'passthrough' && options.protocol === 'gemini') {
    throw new OptionsError("Gemini Live speaks PCM16 only: use audio: 'transcode' (the default for gemini)");
  }
  const vad = options.localBargeIn;
  let localBargeIn: PhoneSettings['localBargeIn'] = false;
  if (vad !== undefined && typeof vad === 'object' && vad !== null) localBargeIn = vad;
  else if (checkBoolean('localBargeIn', vad, false)) localBargeIn = {};
  if (options.carrier === undefined || options.session === undefined) throw new OptionsError('PhoneBridge needs both `session` and `carrier` send targets');
  return {
    audio,
    law: checkChoice('law', options.law, 'mulaw', ['mulaw', 'alaw'] as const),
    chunkMs: checkNumber('chunkMs', options.chunkMs, 20, 10, 1000),
    leadMs: checkNumber('leadMs', options.leadMs, 100, 20, 2000),
    markIntervalMs: checkNumber('markIntervalMs', options.markIntervalMs, 100, 20, 5000),
    maxQueuedMs: checkNumber('maxQueuedMs', options.maxQueuedMs, 60_000, 1000, 600_000),
    fadeOutMs: checkNumber('fadeOutMs', options.fadeOutMs, 8, 0, 50),
    reorderHoldMs: checkNumber('reorderHoldMs', options.reorderHoldMs, 40, 0, 500),
    reorderMaxChunks: Math.round(checkNumber('reorderMaxChunks', options.reorderMaxChunks, 16, 1, 256)),
    silenceFillAfterMs: checkNumber('silenceFillAfterMs', options.silenceFillAfterMs, 80, 20, 2000),
    tickMs: checkNumber('tickMs', options.tickMs, 20, 5, 100),
    localBargeIn,
  };
}
