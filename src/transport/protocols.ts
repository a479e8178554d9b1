// The session protocols by name, which protocol a logged event belongs to, and the one rule for
// the WebSocket send-buffer bound (used by the adapter, and by the browser's session node that
// sends the adapter's events from the main thread).
import { OptionsError } from '../errors.js';
import { checkChoice, checkNumber } from '../pipeline/options.js';
import type { SessionAudioFormat, SessionProtocolName } from './events.js';
import { GeminiProtocol } from './gemini.js';
import { isBetaOnlyEvent, OpenAIProtocol } from './openai.js';
import type { SessionProtocol } from './protocol.js';

/** The protocols an adapter speaks. */
export const SESSION_PROTOCOLS: readonly SessionProtocolName[] = Object.freeze(['openai', 'openai-beta', 'gemini'] as const);

/** The session audio formats. */
export const SESSION_AUDIO_FORMATS: readonly SessionAudioFormat[] = Object.freeze(['pcm', 'pcmu', 'pcma'] as const);

/**
 * A new protocol mapping (each adapter has its own: Gemini's numbers its turns), with its audio
 * format (default 'pcm'; G.711 is OpenAI's only). Throws OptionsError for other names.
 */
export function createProtocol(name: unknown, audioFormat?: unknown): SessionProtocol {
  if (name === undefined) throw new OptionsError("protocol is required: 'openai', 'openai-beta' or 'gemini'");
  const checked = checkChoice('protocol', name, 'openai', SESSION_PROTOCOLS);
  const format = checkChoice('audioFormat', audioFormat, 'pcm', SESSION_AUDIO_FORMATS);
  if (checked === 'gemini') {
    if (format !== 'pcm') throw new OptionsError(`Gemini Live takes and sends PCM16 only (audioFormat 'pcm'), not '${format}'`);
    return new GeminiProtocol();
  }
  return new OpenAIProtocol(checked === 'openai-beta', format);
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
 * default 2000) of the session's input audio as base64 JSON text (2 bytes a frame for PCM16, 1
 * for G.711; 4/3 for base64). Past it, audio chunks are dropped and counted rather than queued.
 */
export function maxSendBufferBytes(protocol: SessionProtocol, maxSendBufferMs: unknown): number {
  const ms = checkNumber('maxSendBufferMs', maxSendBufferMs, DEFAULT_MAX_SEND_BUFFER_MS, 0, 600_000);
  return Math.ceil((ms * protocol.inputRate * protocol.bytesPerFrame * 4) / 3 / 1000);
}
