// `realtime-pcm play EVENTS.jsonl OUT.wav`: decodes the audio of a session log (JSON lines, one
// event each) back into a WAV. By default the assistant's audio (GA response.output_audio.delta,
// beta response.audio.delta, Gemini serverContent inlineData), cut where the client truncated
// each item (conversation.item.truncate audio_end_ms: what the user heard); with --input, the
// microphone audio the client appended. Base64 is decoded strictly; a bad line is an error that
// names it.
import { decodeBase64 } from '../kernels/base64.js';
import { Base64Error } from '../errors.js';
import { encodeWav } from '../wav/wav.js';
import { CliError, readInput, writeOutput, type CliIo } from './io.js';

export interface PlayOptions {
  input: boolean;
  truncate: boolean;
}

interface Piece {
  key: string;
  bytes: Uint8Array;
  rate: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

function mimeRate(mime: unknown, fallback: number): number {
  const match = typeof mime === 'string' ? /rate=(\d+)/.exec(mime) : null;
  return match ? Number(match[1]) : fallback;
}

/** The audio pieces one event carries for the chosen direction (base64 text, item key, rate). */
function audioOf(event: Obj, input: boolean): Array<{ base64: unknown; key: string; rate: number }> {
  const type = event.type;
  if (input) {
    if (type === 'input_audio_buffer.append') return [{ base64: event.audio, key: 'input', rate: 24000 }];
    const audio = obj(obj(event.realtimeInput)?.audio);
    if (audio !== undefined) return [{ base64: audio.data, key: 'input', rate: mimeRate(audio.mimeType, 16000) }];
    return [];
  }
  if (type === 'response.output_audio.delta' || type === 'response.audio.delta') return [{ base64: event.delta, key: String(event.item_id), rate: 24000 }];
  const parts = obj(obj(obj(event.serverContent)?.modelTurn))?.parts;
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part) => {
    const inline = obj(obj(part)?.inlineData);
    return inline !== undefined && typeof inline.data === 'string' ? [{ base64: inline.data, key: 'gemini', rate: mimeRate(inline.mimeType, 24000) }] : [];
  });
}

export function play(inPath: string, outPath: string, options: PlayOptions, io: CliIo): number {
  const bytes = readInput(inPath);
  if (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF') {
    throw new CliError('not_events', `${inPath} is a WAV file; play takes a JSON lines log of session events (see: realtime-pcm events IN.wav > EVENTS.jsonl)`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const pieces: Piece[] = [];
  const truncateAt = new Map<string, number>();
  let lineNumber = 0;
  let events = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    let event: Obj | undefined;
    try {
      event = obj(JSON.parse(line));
    } catch {
      throw new CliError(
        'bad_event',
        `${inPath}:${lineNumber}: not JSON (${JSON.stringify(line.slice(0, 40))}${line.length > 40 ? '...' : ''}); play takes one JSON event per line`,
      );
    }
    if (event === undefined) throw new CliError('bad_event', `${inPath}:${lineNumber}: not a JSON object`);
    events++;
    if (event.type === 'conversation.item.truncate' && typeof event.item_id === 'string' && typeof event.audio_end_ms === 'number') {
      truncateAt.set(event.item_id, event.audio_end_ms);
    }
    for (const { base64, key, rate } of audioOf(event, options.input)) {
      if (typeof base64 !== 'string') throw new CliError('bad_event', `${inPath}:${lineNumber}: ${String(event.type ?? 'event')} has no base64 audio string`);
      let audio: Uint8Array;
      try {
        audio = decodeBase64(base64);
      } catch (error) {
        if (error instanceof Base64Error)
          throw new CliError('bad_event', `${inPath}:${lineNumber}: invalid base64 audio (${error.reason} at character ${error.position})`);
        throw error;
      }
      if (audio.length % 2 !== 0) throw new CliError('bad_event', `${inPath}:${lineNumber}: ${audio.length} bytes of audio is not whole PCM16 samples`);
      pieces.push({ key, bytes: audio, rate });
    }
  }
  if (events === 0) throw new CliError('no_events', `${inPath}: no events (expected JSON lines, one session event per line)`);
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
