// Event types of the transport layer: what a protocol mapping reads out of a server event
// (`Inbound`, protocol-neutral), and what the adapter reports to the application (`AdapterEvent`).
import type { CaptureVadEvent } from '../pipeline/capture.js';
import type { TransportError } from './errors.js';

/** The session protocols: OpenAI Realtime GA, its older beta, and Gemini Live. */
export type SessionProtocolName = 'openai' | 'openai-beta' | 'gemini';

/**
 * The audio a session takes and sends: 'pcm' (PCM16: 24 kHz for OpenAI; Gemini Live takes 16 kHz and
 * sends 24 kHz), or 8 kHz G.711 for OpenAI: 'pcmu' (mu-law, `audio/pcmu`, beta `g711_ulaw`) and
 * 'pcma' (A-law, `audio/pcma`, beta `g711_alaw`), as phone legs carry it.
 */
export type SessionAudioFormat = 'pcm' | 'pcmu' | 'pcma';

/** Turn detection as the adapter needs to know it: by the session ('server') or by the app ('none'). */
export type TurnDetectionMode = 'server' | 'none';

/** A server event reduced to what concerns audio. */
export type Inbound =
  | { kind: 'audio'; itemId: string; responseId: string | undefined; base64: string; rate: number | undefined }
  | { kind: 'audio_done'; itemId: string }
  | { kind: 'item_added'; itemId: string; responseId: string | undefined }
  | { kind: 'response_created'; responseId: string | undefined }
  | { kind: 'response_done'; responseId: string | undefined }
  /** The session heard the user start speaking (OpenAI: input_audio_buffer.speech_started). */
  | { kind: 'speech_started' }
  /** The session stopped its own output (Gemini: serverContent.interrupted). */
  | { kind: 'interrupted' }
  | { kind: 'input_committed' }
  | { kind: 'input_cleared' }
  /** session.created (`initial`) or session.updated: what concerns audio. */
  | {
      kind: 'session';
      initial: boolean;
      turnDetection: TurnDetectionMode | undefined;
      interruptResponse: boolean | undefined;
      outputFormat: string | undefined;
    }
  | { kind: 'error'; error: TransportError }
  | { kind: 'other' };

/** Who interrupted: the session (its VAD heard the user), the local VAD, or the app (`interrupt()`). */
export type InterruptionSource = 'server' | 'local' | 'app';

/** Playback was cut: what was heard, and what the adapter told the session. */
export interface InterruptionEvent {
  type: 'interrupted';
  source: InterruptionSource;
  /** The item that was playing, or null. */
  itemId: string | null;
  /** Audio of it actually played, ms. */
  playedMs: number;
  /** The `audio_end_ms` sent in `conversation.item.truncate`, or null when none was sent. */
  audioEndMs: number | null;
  /** True when `response.cancel` was sent. */
  cancelled: boolean;
  /** Buffered audio thrown away, ms. */
  flushedMs: number;
  /**
   * Items queued after the one playing (or playing, but not heard at all) whose audio the listener
   * never heard: truncated to 0 (OpenAI). Reported by playouts that know it (a phone bridge's); empty otherwise.
   */
  unheardItemIds: readonly string[];
}

/** Bad input from the session (or a failing `send`), reported instead of thrown. */
export interface TransportErrorEvent {
  type: 'error';
  error: TransportError;
}

/** What the adapter reports through `onEvent`. */
export type AdapterEvent = InterruptionEvent | TransportErrorEvent | CaptureVadEvent;

/** Audio totals of a session, in seconds (from integer frame counts), and counters. */
export interface AdapterStats {
  /** Audio sent to the session. */
  sentSeconds: number;
  /** Audio received from the session (decoded deltas). */
  receivedSeconds: number;
  /** Audio read out to the speaker. */
  playedSeconds: number;
  /** Microphone audio the silence gate did not send. */
  silenceNotSentSeconds: number;
  /** Audio chunks sent. */
  chunksSent: number;
  /** Audio chunks dropped (socket not open, its send buffer over `maxSendBufferMs`, or `send` threw). */
  chunksDropped: number;
  droppedSeconds: number;
  /** Times playback ran dry while an item was still coming, and the silence played then. */
  underruns: number;
  underrunSeconds: number;
  /** The adaptive playout delay now (an item starts this long after its first audio), ms. */
  playoutDelayMs: number;
  /** Received audio dropped because the playback buffer was full. */
  overflowSeconds: number;
  /** Audio flushed by interruptions, and late audio of interrupted items discarded. */
  flushedSeconds: number;
  lateSeconds: number;
  interruptions: number;
  truncatesSent: number;
  cancelsSent: number;
  commitsSent: number;
  /**
   * Items whose first audio delta announced them: the app passed no item event for them (it
   * forwards only audio events, or attached late). Their audio is played as any other.
   */
  unannouncedItems: number;
  /** Bad inputs reported as error events, in total and per code. */
  errors: number;
  errorsByCode: Record<string, number>;
  /**
   * Echo the canceller's linear filter removes (`EchoCanceller.erleDb`: mic over filter output
   * while playing, the last ~1 s, dB). It reads far under what the whole canceller removes (6.9 dB
   * where 36 dB less echo was sent: docs/sessions.md) and a user talking over the echo pulls it
   * toward 0. Null without a canceller (`echoCancellation` off, or `echoGate` chosen). After
   * `free()`, the last reading.
   */
  echoCancellerErleDb: number | null;
  /**
   * Where the canceller saw the echo start past its `maxDelayMs` (a Bluetooth speaker), ms; -1 if
   * never; null without a canceller (`EchoCanceller.echoBeyondMaxDelayMs`). Where it is not -1,
   * pass `echoCancellation: { maxDelayMs }` over it in the next call (docs/echo-canceller.md, Using
   * it). After `free()`, the last reading.
   */
  echoBeyondMaxDelayMs: number | null;
  /**
   * Echo the whole canceller removes (filter, suppression and comfort noise:
   * `EchoCanceller.echoReductionDb`): the echo at the mic over what is sent, in the blocks the
   * canceller judges echo only (the reply's echo heard, no user), smoothed over ~3 s of them from 2 s
   * after the echo first came, dB; held between them, 0 before. On the echo lab's scenes it reads
   * the true single-talk reduction within a few dB, but echo the canceller takes for the user (a
   * Bluetooth speaker's cold start, a compressed speaker) is not in it, and there it reads high
   * (docs/echo-canceller.md, Using it). Null without a canceller; after `free()`, the last reading.
   */
  echoReductionDb: number | null;
  /**
   * Time the canceller judged echo only (as for `echoReductionDb`), ms since the call began: what
   * the reading stands on (a second or two is little). Null without a canceller.
   */
  echoOnlyMs: number | null;
}
