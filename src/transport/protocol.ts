// What a session protocol mapping provides to the adapter: the client events it sends, and the
// reading of server events into protocol-neutral `Inbound` records.
import type { Inbound, SessionProtocolName } from './events.js';

export type ClientEvent = Record<string, unknown>;

export interface SessionProtocol {
  readonly name: SessionProtocolName;
  /** Rate of the audio the session takes, Hz. */
  readonly inputRate: number;
  /** Rate of the audio the session sends, Hz. */
  readonly outputRate: number;
  /** True when the client tells the session how much of an item was heard (OpenAI truncate). */
  readonly truncates: boolean;
  append(base64: string): ClientEvent;
  /** Ends the user's turn by hand (turn detection off). */
  commit(): ClientEvent;
  /** Sent before the first audio of a turn when turn detection is off (Gemini activityStart). */
  startTurn(): ClientEvent | undefined;
  clear(): ClientEvent | undefined;
  truncate(itemId: string, audioEndMs: number): ClientEvent | undefined;
  cancel(responseId: string | undefined): ClientEvent | undefined;
  createResponse(): ClientEvent | undefined;
  /** Reads one parsed server message; never throws (bad input becomes `{ kind: 'error' }`). */
  read(message: Record<string, unknown>): Inbound[];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
