// `realtime-pcm play EVENTS.jsonl OUT.wav`: decodes the audio of a session log (JSON lines, one
// event each) back into a WAV. By default the assistant's audio (GA response.output_audio.delta,
// beta response.audio.delta, Gemini serverContent inlineData), cut where the client truncated
// each item (conversation.item.truncate audio_end_ms: what the user heard); with --input, the
// microphone audio the client appended. Base64 is decoded strictly; a bad line is an error that
// names it.
import { decodeBase64 } from '../kernels/base64.js';
import { Base64Error } from '../errors.js';
import type { SessionProtocolName } from '../transport/events.js';
import type { SessionProtocol } from '../transport/protocol.js';
import { createProtocol, protocolOfEvent } from '../transport/protocols.js';
import { encodeWav } from '../wav/wav.js';
import { CliError, writeOutput, type CliIo } from './io.js';
import { playSpeaker, type SpeakerOptions } from './speaker.js';
import { readLog } from './session-log.js';

export interface PlayOptions {
  input: boolean;
  truncate: boolean;
  /** Render what the speaker plays (see speaker.ts) instead of decoding the audio. */
  speaker?: SpeakerOptions;
}

interface Piece {
  key: string;
  bytes: Uint8Array;
  rate: number;
}

/** Where one logged event's audio lies, read by the session protocols (src/transport). */
type Found = { base64: string; key: string; rate: number } | { error: string } | { truncate: string; audioEndMs: number };

/** Reads the events of a session log of any protocol: client events, and server events in order (Gemini numbers its turns). */
class LogReader {
  private readonly protocols: Record<SessionProtocolName, SessionProtocol> = {
    openai: createProtocol('openai'),
    'openai-beta': createProtocol('openai-beta'),
    gemini: createProtocol('gemini'),
  };

  /** The audio pieces of `event` for the chosen direction, its truncation point, or what is wrong with its audio. */
  read(event: Record<string, unknown>, input: boolean): Found[] {
    const protocol = this.protocols[protocolOfEvent(event)];
    const client = protocol.readClient(event);
    if (client.kind === 'truncate') return [{ truncate: client.itemId, audioEndMs: client.audioEndMs }];
    if (input) {
      if (client.kind === 'append') return [{ base64: client.base64, key: 'input', rate: client.rate }];
      return client.kind === 'error' ? [{ error: client.error.message }] : [];
    }
    if (client.kind !== 'other') return [];
    const found: Found[] = [];
    for (const inbound of protocol.read(event)) {
      if (inbound.kind === 'audio') found.push({ base64: inbound.base64, key: inbound.itemId, rate: inbound.rate ?? protocol.outputRate });
      else if (inbound.kind === 'error' && inbound.error.eventType === protocol.audioEventType) found.push({ error: inbound.error.message });
    }
    return found;
  }
}

export function play(inPath: string, outPath: string, options: PlayOptions, io: CliIo): number {
  const logged = readLog(inPath);
  if (options.speaker !== undefined) return playSpeaker(inPath, outPath, logged, options.speaker, io);
  const pieces: Piece[] = [];
  const truncateAt = new Map<string, number>();
  const reader = new LogReader();
  const events = logged.length;
  for (const { event, line: lineNumber } of logged) {
    for (const found of reader.read(event, options.input)) {
      if ('truncate' in found) {
        truncateAt.set(found.truncate, found.audioEndMs);
        continue;
      }
      if ('error' in found) throw new CliError('bad_event', `${inPath}:${lineNumber}: ${found.error}`);
      let audio: Uint8Array;
      try {
        audio = decodeBase64(found.base64);
      } catch (error) {
        if (error instanceof Base64Error)
          throw new CliError('bad_event', `${inPath}:${lineNumber}: invalid base64 audio (${error.reason} at character ${error.position})`);
        throw error;
      }
      if (audio.length % 2 !== 0) throw new CliError('bad_event', `${inPath}:${lineNumber}: ${audio.length} bytes of audio is not whole PCM16 samples`);
      pieces.push({ key: found.key, bytes: audio, rate: found.rate });
    }
  }
  if (pieces.length === 0) {
    throw new CliError(
      'no_audio',
      `${inPath}: ${events} events but no ${options.input ? 'input audio (input_audio_buffer.append)' : 'assistant audio (response.output_audio.delta); add --input for the microphone side'}`,
    );
  }
  const rate = pieces[0]!.rate;
  if (pieces.some((p) => p.rate !== rate))
    throw new CliError('mixed_rates', `${inPath}: audio at several sample rates (${[...new Set(pieces.map((p) => p.rate))].join(', ')} Hz)`);
  // per item, keep at most audio_end_ms of it when the client truncated it
  const kept = new Map<string, number>();
  const chunks: Uint8Array[] = [];
  let cutMs = 0;
  for (const piece of pieces) {
    const limitMs = options.truncate ? truncateAt.get(piece.key) : undefined;
    let take = piece.bytes.length;
    if (limitMs !== undefined) {
      const limitBytes = Math.floor((limitMs * rate) / 1000) * 2;
      const before = kept.get(piece.key) ?? 0;
      take = Math.max(0, Math.min(take, limitBytes - before));
      cutMs += ((piece.bytes.length - take) / 2 / rate) * 1000;
    }
    kept.set(piece.key, (kept.get(piece.key) ?? 0) + take);
    if (take > 0) chunks.push(piece.bytes.subarray(0, take));
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const pcm = new Int16Array(total / 2);
  const pcmBytes = new Uint8Array(pcm.buffer);
  let at = 0;
  for (const chunk of chunks) {
    pcmBytes.set(chunk, at); // PCM16 little-endian, as the platform's Int16Array on every engine Node runs on
    at += chunk.length;
  }
  writeOutput(outPath, encodeWav(pcm, rate));
  io.stderr(
    `${inPath}: ${events} events, ${pieces.length} audio pieces -> ${outPath} (${rate} Hz, mono, PCM16): ${(pcm.length / rate).toFixed(3)} s` +
      (cutMs > 0 ? `, ${(cutMs / 1000).toFixed(3)} s cut at truncation points` : '') +
      '\n',
  );
  return 0;
}
