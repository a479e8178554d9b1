// What a session protocol mapping provides to the adapter: the client events it sends, and the
// reading of server events into protocol-neutral `Inbound` records (and of its own client events
// back, for tools that read session logs). Everything that knows an event's name or shape lives in
// src/transport; the CLI, the browser factories and the server use these objects.
import type { TransportError } from './errors.js';
import type { Inbound, SessionAudioFormat, SessionProtocolName } from './events.js';

export type ClientEvent = Record<string, unknown>;

/** A client event reduced to what concerns audio (see `SessionProtocol.readClient`). */
export type ClientInbound =
  /** Microphone audio: base64 PCM16 at `rate` Hz. */
  | { kind: 'append'; base64: string; rate: number }
  /** The client told the session how much of an item was heard. */
  | { kind: 'truncate'; itemId: string; audioEndMs: number }
  /** An audio event without its audio (malformed). */
  | { kind: 'error'; error: TransportError }
  | { kind: 'other' };

export interface SessionProtocol {
  readonly name: SessionProtocolName;
  /** The audio format both ways. */
  readonly audioFormat: SessionAudioFormat;
  /** Bytes per frame of that format: 2 (PCM16) or 1 (G.711). */
  readonly bytesPerFrame: number;
  /** Rate of the audio the session takes, Hz. */
  readonly inputRate: number;
  /** Rate of the audio the session sends, Hz. */
  readonly outputRate: number;
  /** True when the client tells the session how much of an item was heard (OpenAI truncate). */
  readonly truncates: boolean;
  /** The server event that carries audio (OpenAI: the delta's `type`; Gemini: the `serverContent` key). */
  readonly audioEventType: string;
  append(base64: string): ClientEvent;
  /** Ends the user's turn by hand (turn detection off). */
  commit(): ClientEvent;
  /** Sent before the first audio of a turn when turn detection is off (Gemini activityStart). */
  startTurn(): ClientEvent | undefined;
  clear(): ClientEvent | undefined;
  truncate(itemId: string, audioEndMs: number): ClientEvent | undefined;
  cancel(responseId: string | undefined): ClientEvent | undefined;
  createResponse(): ClientEvent | undefined;
  /** True when the output format a session event announces (as `Inbound.session.outputFormat`) is this protocol's. */
  acceptsOutputFormat(format: string): boolean;
  /** Reads one parsed server message; never throws (bad input becomes `{ kind: 'error' }`). */
  read(message: Record<string, unknown>): Inbound[];
  /**
   * Reads back a client event of this protocol (as `append` and `truncate` build them), e.g. from
   * a session log; never throws. Only an append without its audio is an error; events of other
   * kinds, or not understood, are `other`.
   */
  readClient(message: Record<string, unknown>): ClientInbound;
  /** Forgets per-call state (Gemini: the model turn in progress), when the adapter is reset. */
  endTurn?(): void;
}

/** `value` when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `value` when it is a plain object (not null, not an array). */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
