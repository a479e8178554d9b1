// One server message as the adapter receives it (a JSON string, the bytes of one, or an object
// already parsed, as the `openai` client and `@openai/agents-realtime` give them) to one event
// object, or the TransportError saying why it is not one.
import { TransportError } from './errors.js';

const decoder = typeof TextDecoder === 'function' ? new TextDecoder() : undefined;

/** Parses `message`; never throws. */
export function parseServerMessage(message: unknown): Record<string, unknown> | TransportError {
  let value: unknown = message;
  if (typeof message === 'string' || message instanceof ArrayBuffer || ArrayBuffer.isView(message)) {
    let text: string;
    if (typeof message === 'string') text = message;
    else if (decoder === undefined) return new TransportError('malformed_event', 'no TextDecoder here: pass the message as a string or object');
    else text = decoder.decode(message as ArrayBuffer | ArrayBufferView);
    try {
      value = JSON.parse(text);
    } catch {
      return new TransportError('malformed_event', `server message is not JSON (${JSON.stringify(text.slice(0, 40))}...)`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return new TransportError('malformed_event', `server message must be a JSON object, got ${got}`);
  }
  return value as Record<string, unknown>;
}
