// Builders for the audio part of each session's configuration, matching what the adapter sends
// and expects: 24 kHz PCM16 both ways for OpenAI (or 8 kHz G.711 for phone legs), 16 kHz in / 24
// kHz out for Gemini Live.
import { OptionsError } from '../errors.js';
import { checkChoice } from '../pipeline/options.js';
import type { SessionAudioFormat } from './events.js';
import { openAIFormatName } from './openai.js';
import type { ClientEvent, SessionProtocol } from './protocol.js';
import { SESSION_AUDIO_FORMATS } from './protocols.js';

/** Options of the session configuration builders and `adapter.sessionUpdate()`. */
export interface SessionAudioOptions {
  /**
   * The audio format both ways (OpenAI): 'pcm' (default, PCM16 at 24 kHz), 'pcmu' or 'pcma' (8 kHz
   * G.711). `adapter.sessionUpdate()` fills in the adapter's own.
   */
  audioFormat?: SessionAudioFormat;
  /**
   * Who ends the user's turn: 'server_vad' (default) or 'semantic_vad' (the session), or 'none'
   * (the app, with `adapter.commit()`).
   */
  turnDetection?: 'server_vad' | 'semantic_vad' | 'none';
  /** Whether the session cancels its response by itself when the user starts speaking. Default true. */
  interruptResponse?: boolean;
  /** Whether the session answers by itself when the user's turn ends. Default true. */
  createResponse?: boolean;
  /** server_vad only: audio kept before detected speech, ms. */
  prefixPaddingMs?: number;
  /** server_vad only: silence that ends a turn, ms. */
  silenceDurationMs?: number;
  /** Output voice, e.g. 'marin'. */
  voice?: string;
}

function turnDetection(options: SessionAudioOptions): Record<string, unknown> | null {
  const mode = options.turnDetection ?? 'server_vad';
  if (mode === 'none') return null;
  if (mode !== 'server_vad' && mode !== 'semantic_vad') {
    throw new OptionsError(`turnDetection must be 'server_vad', 'semantic_vad' or 'none', got ${String(mode)}`);
  }
  const td: Record<string, unknown> = {
    type: mode,
    interrupt_response: options.interruptResponse ?? true,
    create_response: options.createResponse ?? true,
  };
  if (mode === 'server_vad') {
    if (options.prefixPaddingMs !== undefined) td.prefix_padding_ms = options.prefixPaddingMs;
    if (options.silenceDurationMs !== undefined) td.silence_duration_ms = options.silenceDurationMs;
  }
  return td;
}

/** A GA `format` object: `{ type: 'audio/pcm', rate: 24000 }`, `{ type: 'audio/pcmu' }`, `{ type: 'audio/pcma' }`. */
function gaFormat(options: SessionAudioOptions): Record<string, unknown> {
  const format = checkChoice('audioFormat', options.audioFormat, 'pcm', SESSION_AUDIO_FORMATS);
  return format === 'pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: openAIFormatName(format, false) };
}

/**
 * The `audio` section of a GA `session.update` (`{ type: 'session.update', session: { type:
 * 'realtime', audio } }`): PCM16 at 24 kHz both ways (or G.711 with `audioFormat`), and the turn
 * detection.
 */
export function openAISessionAudio(options: SessionAudioOptions = {}): Record<string, unknown> {
  const output: Record<string, unknown> = { format: gaFormat(options) };
  if (options.voice !== undefined) output.voice = options.voice;
  return {
    input: { format: gaFormat(options), turn_detection: turnDetection(options) },
    output,
  };
}

/** The audio fields of a beta `session.update` session: `pcm16` both ways (or `g711_ulaw` / `g711_alaw`) and `turn_detection`. */
export function openAIBetaSessionAudio(options: SessionAudioOptions = {}): Record<string, unknown> {
  const format = openAIFormatName(checkChoice('audioFormat', options.audioFormat, 'pcm', SESSION_AUDIO_FORMATS), true);
  const session: Record<string, unknown> = {
    input_audio_format: format,
    output_audio_format: format,
    turn_detection: turnDetection(options),
  };
  if (options.voice !== undefined) session.voice = options.voice;
  return session;
}

/**
 * The audio part of a Gemini Live `setup` message: audio responses, and automatic activity
 * detection on ('server_vad', default) or off ('none': the app marks turns with `commit()`).
 */
export function geminiSetupAudio(options: Pick<SessionAudioOptions, 'turnDetection' | 'voice' | 'audioFormat'> = {}): Record<string, unknown> {
  if ((options.audioFormat ?? 'pcm') !== 'pcm')
    throw new OptionsError(`Gemini Live takes PCM16 only (audioFormat 'pcm'), not '${String(options.audioFormat)}'`);
  const generationConfig: Record<string, unknown> = { responseModalities: ['AUDIO'] };
  if (options.voice !== undefined) {
    generationConfig.speechConfig = { voiceConfig: { prebuiltVoiceConfig: { voiceName: options.voice } } };
  }
  return {
    generationConfig,
    realtimeInputConfig: { automaticActivityDetection: { disabled: (options.turnDetection ?? 'server_vad') === 'none' } },
  };
}

/**
 * The `session.update` matching `protocol` (its audio format both ways, the turn detection, `extra`
 * merged into `session`). Throws OptionsError for Gemini (configured by its `setup` message) and
 * for an `audioFormat` that is not the protocol's.
 */
export function sessionUpdateEvent(protocol: SessionProtocol, options: SessionAudioOptions, extra: Record<string, unknown>): ClientEvent {
  if (options.audioFormat !== undefined && options.audioFormat !== protocol.audioFormat) {
    throw new OptionsError(`this adapter speaks audioFormat '${protocol.audioFormat}', not '${String(options.audioFormat)}'`);
  }
  const audio = { ...options, audioFormat: protocol.audioFormat };
  if (protocol.name === 'openai') return { type: 'session.update', session: { type: 'realtime', ...extra, audio: openAISessionAudio(audio) } };
  if (protocol.name === 'openai-beta') return { type: 'session.update', session: { ...extra, ...openAIBetaSessionAudio(audio) } };
  throw new OptionsError('Gemini Live is configured by its first message: send { setup: { model, ...geminiSetupAudio() } } yourself');
}
