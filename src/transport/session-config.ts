// Builders for the audio part of each session's configuration, matching what the adapter sends
// and expects: 24 kHz PCM16 both ways for OpenAI, 16 kHz in / 24 kHz out for Gemini Live.
import { OptionsError } from '../errors.js';

/** Options of the session configuration builders and `adapter.sessionUpdate()`. */
export interface SessionAudioOptions {
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

/**
 * The `audio` section of a GA `session.update` (`{ type: 'session.update', session: { type:
 * 'realtime', audio } }`): PCM16 at 24 kHz both ways, and the turn detection.
 */
export function openAISessionAudio(options: SessionAudioOptions = {}): Record<string, unknown> {
  const output: Record<string, unknown> = { format: { type: 'audio/pcm', rate: 24000 } };
  if (options.voice !== undefined) output.voice = options.voice;
  return {
    input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: turnDetection(options) },
    output,
  };
}

/** The audio fields of a beta `session.update` session: `pcm16` both ways and `turn_detection`. */
export function openAIBetaSessionAudio(options: SessionAudioOptions = {}): Record<string, unknown> {
  const session: Record<string, unknown> = {
    input_audio_format: 'pcm16',
    output_audio_format: 'pcm16',
    turn_detection: turnDetection(options),
  };
  if (options.voice !== undefined) session.voice = options.voice;
  return session;
}

/**
 * The audio part of a Gemini Live `setup` message: audio responses, and automatic activity
 * detection on ('server_vad', default) or off ('none': the app marks turns with `commit()`).
 */
export function geminiSetupAudio(options: Pick<SessionAudioOptions, 'turnDetection' | 'voice'> = {}): Record<string, unknown> {
  const generationConfig: Record<string, unknown> = { responseModalities: ['AUDIO'] };
  if (options.voice !== undefined) {
    generationConfig.speechConfig = { voiceConfig: { prebuiltVoiceConfig: { voiceName: options.voice } } };
  }
  return {
    generationConfig,
    realtimeInputConfig: { automaticActivityDetection: { disabled: (options.turnDetection ?? 'server_vad') === 'none' } },
  };
}
