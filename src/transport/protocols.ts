// The session protocols by name, which protocol a logged event belongs to, and the one rule for
// the WebSocket send-buffer bound (used by the adapter, and by the browser's session node that
// sends the adapter's events from the main thread).
import { OptionsError } from '../errors.js';
import { checkChoice, checkNumber } from '../pipeline/options.js';
import type { SessionProtocolName } from './events.js';
import { GeminiProtocol } from './gemini.js';
import { isBetaOnlyEvent, OpenAIProtocol } from './openai.js';
import type { SessionProtocol } from './protocol.js';

/** The protocols an adapter speaks. */
export const SESSION_PROTOCOLS: readonly SessionProtocolName[] = Object.freeze(['openai', 'openai-beta', 'gemini'] as const);

/** A new protocol mapping (each adapter has its own: Gemini's numbers its turns). Throws OptionsError for other names. */
export function createProtocol(name: unknown): SessionProtocol {
  if (name === undefined) throw new OptionsError("protocol is required: 'openai', 'openai-beta' or 'gemini'");
  const checked = checkChoice('protocol', name, 'openai', SESSION_PROTOCOLS);
  return checked === 'gemini' ? new GeminiProtocol() : new OpenAIProtocol(checked === 'openai-beta');
}

/**
 * Which protocol a client or server event of a session log belongs to: OpenAI events have a
 * `type` (GA unless the type exists in the beta protocol only), Gemini Live messages do not.
 */
export function protocolOfEvent(message: Record<string, unknown>): SessionProtocolName {
  if (typeof message.type !== 'string') return 'gemini';
  return isBetaOnlyEvent(message.type) ? 'openai-beta' : 'openai';
}

/** Default of `maxSendBufferMs`. */
const DEFAULT_MAX_SEND_BUFFER_MS = 2000;

/**
 * The send-buffer bound in bytes of a socket's `bufferedAmount`: `maxSendBufferMs` (0..600000,
 * default 2000) of the session's input audio as base64 JSON text (2 bytes a frame, 4/3 for
 * base64). Past it, audio chunks are dropped and counted rather than queued.
 */
export function maxSendBufferBytes(protocol: SessionProtocol, maxSendBufferMs: unknown): number {
  const ms = checkNumber('maxSendBufferMs', maxSendBufferMs, DEFAULT_MAX_SEND_BUFFER_MS, 0, 600_000);
  return Math.ceil((ms * protocol.inputRate * 2 * 4) / 3 / 1000);
}
