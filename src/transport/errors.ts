// Typed errors for what arrives from the network. The adapter reports them as `error` events and
// counts them; it never throws on server input, and the session goes on.
import { Base64Error, RealtimePcmError } from '../errors.js';
import { AudioInputError } from '../pipeline/errors.js';

/** Why the adapter rejected something that arrived from the session (or could not send). */
export type TransportErrorCode =
  /** Not JSON, not an object, or a known event missing a field it needs. */
  | 'malformed_event'
  /** A `type` (or Gemini message key) that no supported protocol has. */
  | 'unknown_event'
  /** An event of another protocol (e.g. a beta event on a GA adapter). */
  | 'unexpected_event'
  | 'invalid_base64'
  | 'odd_byte_count'
  /**
   * @deprecated Not reported any more: the first delta of an item the adapter was not told about
   * announces it (counted in `stats.unannouncedItems`).
   */
  | 'unknown_item'
  /** Audio in a format or rate the adapter was not set up for. */
  | 'unsupported_format'
  /** The server sent an `error` event (or Gemini an error status). */
  | 'server_error'
  /** `send` threw. */
  | 'send_failed';

/** Bad input from the network (or a failing `send`): reported as an `error` event, never thrown. */
export class TransportError extends RealtimePcmError {
  declare readonly code: TransportErrorCode;
  /** The event type (or Gemini key) concerned, when known. */
  readonly eventType: string | undefined;
  constructor(code: TransportErrorCode, message: string, eventType?: string) {
    super(code, message);
    this.name = 'TransportError';
    this.eventType = eventType;
  }
}

/**
 * The error event for an audio delta the playback refused: invalid base64, an odd byte count, or
 * another bad delta. Anything that is not a RealtimePcmError is a bug and is thrown again.
 */
export function deltaError(error: unknown, itemId: string): TransportError {
  if (error instanceof Base64Error) return new TransportError('invalid_base64', `audio delta of item ${itemId.slice(0, 60)}: ${error.message}`);
  if (error instanceof AudioInputError) return new TransportError(error.code === 'odd_byte_count' ? 'odd_byte_count' : 'malformed_event', error.message);
  if (error instanceof RealtimePcmError) return new TransportError('malformed_event', error.message);
  throw error;
}
