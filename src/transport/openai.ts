// OpenAI Realtime over WebSocket: the GA protocol ('openai') and the older beta one
// ('openai-beta'). Both take and send 24 kHz PCM16 base64 in JSON events (or 8 kHz G.711 mu-law or
// A-law, for phone legs: GA `audio/pcmu` / `audio/pcma`, beta `g711_ulaw` / `g711_alaw`); they differ in names:
// GA `response.output_audio.delta` / beta `response.audio.delta`, GA `session.audio.input.format
// {type: 'audio/pcm', rate}` / beta `input_audio_format: 'pcm16'`; GA announces items with
// `conversation.item.added` and `conversation.item.created` (both in its server event union), beta
// with `conversation.item.created`. Reference: platform.openai.com/docs/api-reference/realtime; the
// event schemas are checked against the OpenAPI description in test/transport/conformance.test.ts.
import { TransportError } from './errors.js';
import type { Inbound, SessionAudioFormat } from './events.js';
import { obj, str, type ClientEvent, type ClientInbound, type SessionProtocol } from './protocol.js';

/** Server event types of the Realtime API (GA and beta) that carry no audio; others are unknown. */
const SERVER_EVENTS = new Set([
  'conversation.created',
  'conversation.item.done',
  'conversation.item.retrieved',
  'conversation.item.truncated',
  'conversation.item.deleted',
  'conversation.item.input_audio_transcription.completed',
  'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.segment',
  'conversation.item.input_audio_transcription.failed',
  'input_audio_buffer.speech_stopped',
  'input_audio_buffer.timeout_triggered',
  'input_audio_buffer.dtmf_event_received',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
  'response.text.delta',
  'response.text.done',
  'response.audio_transcript.delta',
  'response.audio_transcript.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'mcp_list_tools.in_progress',
  'mcp_list_tools.completed',
  'mcp_list_tools.failed',
  'rate_limits.updated',
  'transcription_session.created',
  'transcription_session.updated',
  'session.closed',
]);

/** Names that exist in one protocol only. */
const GA_ONLY = ['response.output_audio.delta', 'response.output_audio.done', 'conversation.item.added'];
const BETA_ONLY = ['response.audio.delta', 'response.audio.done'];

/** True for an event type only the beta protocol has (the others are GA's, or both protocols'). */
export function isBetaOnlyEvent(type: string): boolean {
  return BETA_ONLY.includes(type);
}

/** How each protocol names each audio format in session events. */
const FORMAT_NAMES: Record<SessionAudioFormat, { ga: string; beta: string }> = {
  pcm: { ga: 'audio/pcm', beta: 'pcm16' },
  pcmu: { ga: 'audio/pcmu', beta: 'g711_ulaw' },
  pcma: { ga: 'audio/pcma', beta: 'g711_alaw' },
};

/** The name of `format` in a GA session's `audio.*.format.type`, or in a beta session's `*_audio_format`. */
export function openAIFormatName(format: SessionAudioFormat, beta: boolean): string {
  return beta ? FORMAT_NAMES[format].beta : FORMAT_NAMES[format].ga;
}

export class OpenAIProtocol implements SessionProtocol {
  readonly name: 'openai' | 'openai-beta';
  readonly audioFormat: SessionAudioFormat;
  readonly bytesPerFrame: number;
  readonly inputRate: number;
  readonly outputRate: number;
  readonly truncates = true;
  readonly audioEventType: string;
  private readonly deltaType: string;
  private readonly doneType: string;
  private readonly foreign: readonly string[];

  constructor(beta: boolean, audioFormat: SessionAudioFormat = 'pcm') {
    this.name = beta ? 'openai-beta' : 'openai';
    this.audioFormat = audioFormat;
    this.bytesPerFrame = audioFormat === 'pcm' ? 2 : 1;
    this.inputRate = audioFormat === 'pcm' ? 24000 : 8000;
    this.outputRate = this.inputRate;
    this.deltaType = beta ? 'response.audio.delta' : 'response.output_audio.delta';
    this.audioEventType = this.deltaType;
    this.doneType = beta ? 'response.audio.done' : 'response.output_audio.done';
    this.foreign = beta ? GA_ONLY : BETA_ONLY;
  }

  append(base64: string): ClientEvent {
    return { type: 'input_audio_buffer.append', audio: base64 };
  }
  acceptsOutputFormat(format: string): boolean {
    const name = openAIFormatName(this.audioFormat, this.name === 'openai-beta');
    return format === name || format === `${name};rate=${this.outputRate}`;
  }
  commit(): ClientEvent {
    return { type: 'input_audio_buffer.commit' };
  }
  startTurn(): undefined {
    return undefined;
  }
  clear(): ClientEvent {
    return { type: 'input_audio_buffer.clear' };
  }
  truncate(itemId: string, audioEndMs: number): ClientEvent {
    return { type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: audioEndMs };
  }
  cancel(responseId: string | undefined): ClientEvent {
    return responseId === undefined ? { type: 'response.cancel' } : { type: 'response.cancel', response_id: responseId };
  }
  createResponse(): ClientEvent {
    return { type: 'response.create' };
  }

  read(message: Record<string, unknown>): Inbound[] {
    const type = message.type;
    if (typeof type !== 'string') {
      return [error('malformed_event', `server event has no string "type" (keys: ${Object.keys(message).slice(0, 5).join(', ')})`)];
    }
    if (this.foreign.includes(type)) {
      const other = this.name === 'openai' ? 'openai-beta' : 'openai';
      return [error('unexpected_event', `${type} belongs to the ${other} protocol; construct the adapter with protocol: '${other}'`, type)];
    }
    switch (type) {
      case this.deltaType: {
        const itemId = str(message.item_id);
        if (itemId === undefined || typeof message.delta !== 'string') {
          return [error('malformed_event', `${type} needs a string item_id and delta`, type)];
        }
        return [{ kind: 'audio', itemId, responseId: str(message.response_id), base64: message.delta, rate: undefined }];
      }
      case this.doneType: {
        const itemId = str(message.item_id);
        if (itemId === undefined) return [error('malformed_event', `${type} needs a string item_id`, type)];
        return [{ kind: 'audio_done', itemId }];
      }
      case 'response.output_item.added':
      case 'conversation.item.created':
      case 'conversation.item.added': {
        const itemId = str(obj(message.item)?.id);
        if (itemId === undefined) return [error('malformed_event', `${type} needs item.id`, type)];
        return [{ kind: 'item_added', itemId, responseId: str(message.response_id) }];
      }
      case 'response.created':
        return [{ kind: 'response_created', responseId: str(obj(message.response)?.id) }];
      case 'response.done':
        return [{ kind: 'response_done', responseId: str(obj(message.response)?.id) }];
      case 'input_audio_buffer.speech_started':
        return [{ kind: 'speech_started' }];
      case 'input_audio_buffer.committed':
        return [{ kind: 'input_committed' }];
      case 'input_audio_buffer.cleared':
        return [{ kind: 'input_cleared' }];
      case 'session.created':
      case 'session.updated':
        return [this.readSession(obj(message.session), type)];
      case 'error': {
        const details = obj(message.error);
        const text = str(details?.message) ?? 'the server reported an error';
        const code = str(details?.code) ?? str(details?.type);
        return [error('server_error', code === undefined ? text : `${code}: ${text}`, type)];
      }
    }
    if (SERVER_EVENTS.has(type)) return [{ kind: 'other' }];
    return [error('unknown_event', `unknown server event type "${type.slice(0, 80)}"`, type)];
  }

  readClient(message: Record<string, unknown>): ClientInbound {
    switch (message.type) {
      case 'input_audio_buffer.append':
        if (typeof message.audio === 'string') return { kind: 'append', base64: message.audio, rate: this.inputRate };
        return {
          kind: 'error',
          error: new TransportError('malformed_event', 'input_audio_buffer.append has no base64 audio string', 'input_audio_buffer.append'),
        };
      case 'conversation.item.truncate': {
        const itemId = str(message.item_id);
        if (itemId === undefined || typeof message.audio_end_ms !== 'number') return { kind: 'other' };
        return { kind: 'truncate', itemId, audioEndMs: message.audio_end_ms };
      }
    }
    return { kind: 'other' };
  }

  private readSession(session: Record<string, unknown> | undefined, type: string): Inbound {
    if (session === undefined) return error('malformed_event', `${type} needs a session object`, type);
    const beta = this.name === 'openai-beta';
    const input = beta ? session : obj(obj(session.audio)?.input);
    let turnDetection: 'server' | 'none' | undefined;
    let interruptResponse: boolean | undefined;
    if (input !== undefined && 'turn_detection' in input) {
      const td = obj(input.turn_detection);
      turnDetection = td === undefined ? 'none' : 'server';
      if (td !== undefined && typeof td.interrupt_response === 'boolean') interruptResponse = td.interrupt_response;
    }
    let outputFormat: string | undefined;
    if (beta) outputFormat = str(session.output_audio_format);
    else {
      const format = obj(obj(obj(session.audio)?.output)?.format);
      if (format !== undefined) outputFormat = `${String(format.type)}${format.rate === undefined ? '' : `;rate=${String(format.rate)}`}`;
    }
    return { kind: 'session', initial: type === 'session.created', turnDetection, interruptResponse, outputFormat };
  }
}

function error(code: ConstructorParameters<typeof TransportError>[0], message: string, eventType?: string): Inbound {
  return { kind: 'error', error: new TransportError(code, message, eventType) };
}

export { error as inboundError };
