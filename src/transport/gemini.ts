// Gemini Live (BidiGenerateContent over WebSocket): 16 kHz PCM16 in as
// `realtimeInput.audio {data, mimeType: 'audio/pcm;rate=16000'}`, 24 kHz PCM16 out in
// `serverContent.modelTurn.parts[].inlineData {mimeType: 'audio/pcm;rate=24000', data}`. The
// server cuts its own output on barge-in and says so with `serverContent.interrupted`; there is no
// truncate. Turns have no ids: each model turn gets one here (`gemini-turn-<n>`), standing for an
// item. Manual turns (automatic activity detection disabled) use activityStart / activityEnd.
// Reference: ai.google.dev/api/live.
import { TransportError } from './errors.js';
import type { Inbound } from './events.js';
import { inboundError } from './openai.js';
import { obj, str, type ClientEvent, type ClientInbound, type SessionProtocol } from './protocol.js';

/** The LiveServerMessage fields that carry no audio (`@google/genai`'s types; conformance.test.ts checks the list is complete). */
const KNOWN_KEYS = [
  'setupComplete',
  'serverContent',
  'toolCall',
  'toolCallCancellation',
  'goAway',
  'sessionResumptionUpdate',
  'usageMetadata',
  'voiceActivityDetectionSignal',
  'voiceActivity',
];

export class GeminiProtocol implements SessionProtocol {
  readonly name = 'gemini' as const;
  readonly audioFormat = 'pcm' as const;
  readonly bytesPerFrame = 2;
  readonly inputRate = 16000;
  readonly outputRate = 24000;
  readonly truncates = false;
  readonly audioEventType = 'serverContent';
  private readonly mimeType = `audio/pcm;rate=${this.inputRate}`;
  private turns = 0;
  private turnId: string | undefined;

  append(base64: string): ClientEvent {
    return { realtimeInput: { audio: { data: base64, mimeType: this.mimeType } } };
  }
  commit(): ClientEvent {
    return { realtimeInput: { activityEnd: {} } };
  }
  acceptsOutputFormat(format: string): boolean {
    return format === 'audio/pcm' || format === `audio/pcm;rate=${this.outputRate}`;
  }
  startTurn(): ClientEvent {
    return { realtimeInput: { activityStart: {} } };
  }
  clear(): undefined {
    return undefined;
  }
  truncate(): undefined {
    return undefined;
  }
  cancel(): undefined {
    return undefined;
  }
  createResponse(): undefined {
    return undefined;
  }

  read(message: Record<string, unknown>): Inbound[] {
    const content = obj(message.serverContent);
    if (content === undefined) {
      if ('serverContent' in message) return [inboundError('malformed_event', 'serverContent must be an object', 'serverContent')];
      const error = obj(message.error);
      if (error !== undefined) {
        return [inboundError('server_error', str(error.message) ?? 'the server reported an error', 'error')];
      }
      const keys = Object.keys(message);
      if (keys.length > 0 && keys.every((key) => KNOWN_KEYS.includes(key))) return [{ kind: 'other' }];
      if ('type' in message) {
        return [
          inboundError(
            'unexpected_event',
            `"type" events belong to the OpenAI protocols, not gemini (got ${String(message.type).slice(0, 80)})`,
            String(message.type),
          ),
        ];
      }
      return [inboundError('unknown_event', `unknown Gemini Live message (keys: ${keys.slice(0, 5).join(', ') || 'none'})`, keys[0])];
    }
    const out: Inbound[] = [];
    if (content.interrupted === true) {
      this.turnId = undefined;
      out.push({ kind: 'interrupted' });
    }
    const parts = obj(content.modelTurn)?.parts;
    if (parts !== undefined && !Array.isArray(parts)) {
      out.push(inboundError('malformed_event', 'serverContent.modelTurn.parts must be an array', 'serverContent'));
    } else if (parts !== undefined) {
      for (const part of parts) {
        const inline = obj(obj(part)?.inlineData);
        if (inline === undefined) continue;
        const mimeType = str(inline.mimeType) ?? '';
        if (!mimeType.startsWith('audio/')) continue;
        if (!/^audio\/pcm(;|$)/.test(mimeType)) {
          out.push(inboundError('unsupported_format', `Gemini audio part in ${mimeType.slice(0, 60)}; only audio/pcm is handled`, 'serverContent'));
          continue;
        }
        if (typeof inline.data !== 'string') {
          out.push(inboundError('malformed_event', 'inlineData.data must be a base64 string', 'serverContent'));
          continue;
        }
        if (this.turnId === undefined) {
          this.turnId = `gemini-turn-${++this.turns}`;
          out.push({ kind: 'response_created', responseId: this.turnId });
          out.push({ kind: 'item_added', itemId: this.turnId, responseId: this.turnId });
        }
        out.push({ kind: 'audio', itemId: this.turnId, responseId: this.turnId, base64: inline.data, rate: mimeRate(mimeType) });
      }
    }
    if ((content.generationComplete === true || content.turnComplete === true) && this.turnId !== undefined) {
      out.push({ kind: 'audio_done', itemId: this.turnId });
    }
    if (content.turnComplete === true) {
      if (this.turnId !== undefined) out.push({ kind: 'response_done', responseId: this.turnId });
      this.turnId = undefined;
    }
    if (out.length === 0) out.push({ kind: 'other' });
    return out;
  }

  readClient(message: Record<string, unknown>): ClientInbound {
    const audio = obj(obj(message.realtimeInput)?.audio);
    if (audio === undefined) return { kind: 'other' };
    if (typeof audio.data !== 'string') {
      return { kind: 'error', error: new TransportError('malformed_event', 'realtimeInput.audio has no base64 data string', 'realtimeInput') };
    }
    return { kind: 'append', base64: audio.data, rate: mimeRate(audio.mimeType) ?? this.inputRate };
  }

  /** Ends the current model turn on the client side (after a local barge-in). */
  endTurn(): void {
    this.turnId = undefined;
  }
}

/** The `rate=` parameter of an audio MIME type (`audio/pcm;rate=24000`), if any. */
function mimeRate(mimeType: unknown): number | undefined {
  const match = typeof mimeType === 'string' ? /rate=(\d+)/.exec(mimeType) : null;
  return match ? Number(match[1]) : undefined;
}
