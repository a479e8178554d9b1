// The demo server's built-in session: enough of the OpenAI Realtime GA protocol, over one
// WebSocket, for the demo page to hold a whole voice conversation offline. It detects turns with
// realtime-pcm's own EnergyVad on the appended audio (server_vad: speech_started, speech_stopped,
// committed), answers each turn with a synthesized sentence followed by the user's own turn
// played back, streamed as response.output_audio.delta at `paceFactor` x realtime, cancels the
// response by itself when the user speaks over it (interrupt_response), and honours
// conversation.item.truncate the way the API does: audio_end_ms beyond the audio the item has is
// an error. Manual turns (turn_detection: null, input_audio_buffer.commit, response.create),
// input_audio_buffer.clear, response.cancel and session.update are handled too, with the audio
// formats audio/pcm (24 kHz), audio/pcmu and audio/pcma (8 kHz G.711, as phone bridges use them)
// and the server VAD's silence_duration_ms and prefix_padding_ms. Time comes from a Clock (the
// system's by default), so that tests can run hours of calls in simulated time.
// Reference: platform.openai.com/docs/api-reference/realtime-client-events and -server-events.
import { encodeBase64 } from '../kernels/base64.js';
import { pcm16ToFloat } from '../kernels/pcm16.js';
import { EnergyVad } from '../kernels/vad.js';
import { systemClock, type Clock } from '../transport/clock.js';
import { formatObject, LocalSessionAudio, readFormat } from './local-session-audio.js';

const RATE = 24000;
/** The API's limit for one append (DESIGN.md section 8). */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;
/** Input kept for the playback of the user's turn, at most (older audio is dropped). */
const MAX_TURN_FRAMES = 30 * RATE;

export interface LocalSessionOptions {
  /** The synthesized sentence that opens each reply (24 kHz PCM16). */
  replyVoice: Int16Array;
  /** How much of the user's turn is played back, ms. Default 6000. */
  maxEchoMs?: number;
  /** Reply audio streamed per second of wall time, in seconds. Default 2 (the API is faster than realtime too). */
  paceFactor?: number;
  /** Audio per delta, ms. Default 100. */
  deltaMs?: number;
  /** Notes for the server's console (turns, interruptions, truncations). */
  log?: (line: string) => void;
  /** Time and timers (the reply's pacing). Default the system clock. */
  clock?: Clock;
}

type Event = Record<string, unknown>;

interface Response {
  id: string;
  itemId: string;
  /** The reply in the output format. */
  bytes: Uint8Array;
  /** Output frames of it, and sent so far. */
  frames: number;
  sentFrames: number;
  timer: unknown;
}

export class LocalSession {
  private vad = new EnergyVad({ sampleRate: RATE, silenceDurationMs: 500, prefixPaddingMs: 300 });
  private readonly audio = new LocalSessionAudio();
  private readonly clock: Clock;
  private readonly replyVoice: Int16Array;
  private readonly maxEchoFrames: number;
  private readonly paceFactor: number;
  private readonly deltaMs: number;
  private counter = 0;
  private serverVad = true;
  private createResponse = true;
  private interruptResponse = true;
  /** Input since the last commit: chunks, and the stream frame the first one starts at. */
  private input: Int16Array[] = [];
  private inputStartFrame = 0;
  private inputFrames = 0;
  /** Total frames appended (the stream clock of audio_start_ms / audio_end_ms). */
  private streamFrames = 0;
  /** The stream frame the VAD's clock started at (it restarts when server VAD is turned back on). */
  private vadBaseFrame = 0;
  private turnStartFrame: number | undefined;
  private turnItemId: string | undefined;
  private lastTurn: Int16Array = new Int16Array(0);
  private lastItemId: string | null = null;
  private response: Response | undefined;
  /** Output frames sent per assistant item (for truncate checks), and the frames per ms they were sent at. */
  private readonly itemFrames = new Map<string, { frames: number; framesPerMs: number }>();
  private closed = false;
  turns = 0;

  constructor(
    private readonly send: (event: Event) => void,
    private readonly options: LocalSessionOptions,
  ) {
    this.replyVoice = options.replyVoice;
    this.maxEchoFrames = Math.round(((options.maxEchoMs ?? 6000) * RATE) / 1000);
    this.paceFactor = options.paceFactor ?? 2;
    this.deltaMs = options.deltaMs ?? 100;
    this.clock = options.clock ?? systemClock;
    this.emit('session.created', { session: this.session() });
  }

  /** One client message (JSON text). Never throws: problems become `error` events, as the API sends them. */
  handle(text: string): void {
    if (this.closed) return;
    let event: Event;
    try {
      event = JSON.parse(text) as Event;
    } catch {
      return this.error('invalid_json', 'the message is not JSON', undefined);
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event) || typeof event.type !== 'string') {
      return this.error('invalid_event', 'an event is a JSON object with a string "type"', undefined);
    }
    const id = event.event_id;
    switch (event.type) {
      case 'input_audio_buffer.append':
        return this.append(event.audio, id);
      case 'input_audio_buffer.commit':
        return this.commit(id, true);
      case 'input_audio_buffer.clear':
        this.clearInput();
        return this.emit('input_audio_buffer.cleared', {});
      case 'response.create':
        return this.respond(this.lastTurn);
      case 'response.cancel':
        if (this.response === undefined) return this.error('response_cancel_not_active', 'Cancellation failed: no active response found', id);
        return this.cancel('client');
      case 'conversation.item.truncate':
        return this.truncate(event, id);
      case 'session.update':
        return this.update(event.session, id);
      default:
        return this.error('invalid_value', `unknown client event type ${JSON.stringify(String(event.type).slice(0, 60))}`, id);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.response?.timer !== undefined) this.clock.clearTimer(this.response.timer);
    this.response = undefined;
    this.vad.free();
    this.audio.free();
  }

  // ---- input ---------------------------------------------------------------------------------

  private append(audio: unknown, eventId: unknown): void {
    if (typeof audio !== 'string') return this.error('invalid_value', 'input_audio_buffer.append needs a base64 string "audio"', eventId);
    if ((audio.length * 3) / 4 > MAX_APPEND_BYTES) return this.error('invalid_value', 'an append may carry at most 15 MiB of audio', eventId);
    const pcm = this.audio.decodeInput(audio);
    if (typeof pcm === 'string') return this.error('invalid_value', pcm, eventId);
    this.streamFrames += pcm.length;
    this.input.push(pcm);
    this.inputFrames += pcm.length;
    while (this.inputFrames - this.input[0]!.length > MAX_TURN_FRAMES) {
      const dropped = this.input.shift()!;
      this.inputFrames -= dropped.length;
      this.inputStartFrame += dropped.length;
    }
    if (!this.serverVad) return;
    for (const vadEvent of this.vad.process(pcm16ToFloat(pcm))) {
      const frame = Math.min(this.streamFrames, this.vadBaseFrame + Math.round((vadEvent.timeMs * RATE) / 1000));
      if (vadEvent.type === 'speech_start') this.speechStarted(frame);
      else this.speechStopped(frame);
    }
  }

  private speechStarted(frame: number): void {
    this.turnStartFrame = Math.max(this.inputStartFrame, frame - Math.round((this.vad.prefixPaddingMs * RATE) / 1000));
    this.turnItemId = this.id('item');
    this.emit('input_audio_buffer.speech_started', { audio_start_ms: ms(frame), item_id: this.turnItemId });
    if (this.response !== undefined && this.interruptResponse) this.cancel('speech');
  }

  private speechStopped(frame: number): void {
    const itemId = this.turnItemId ?? this.id('item');
    this.emit('input_audio_buffer.speech_stopped', { audio_end_ms: ms(frame), item_id: itemId });
    const start = this.turnStartFrame ?? this.inputStartFrame;
    this.turnStartFrame = undefined;
    this.turnItemId = undefined;
    this.lastTurn = this.inputRange(start, frame);
    this.clearInput();
    this.turns++;
    this.committed(itemId);
    this.options.log?.(`turn ${this.turns}: ${(this.lastTurn.length / RATE).toFixed(2)} s of speech`);
    if (this.createResponse) this.respond(this.lastTurn);
  }

  private commit(eventId: unknown, manual: boolean): void {
    if (this.inputFrames * 1000 < 100 * RATE) {
      return this.error(
        'input_audio_buffer_commit_empty',
        `buffer too small: expected at least 100ms of audio, but buffer only has ${ms(this.inputFrames)}ms of audio`,
        eventId,
      );
    }
    this.lastTurn = this.inputRange(this.inputStartFrame, this.inputStartFrame + this.inputFrames);
    this.clearInput();
    if (manual) this.turns++;
    this.committed(this.id('item'));
  }

  private committed(itemId: string): void {
    this.emit('input_audio_buffer.committed', { previous_item_id: this.lastItemId, item_id: itemId });
    this.emit('conversation.item.added', {
      previous_item_id: this.lastItemId,
      item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] },
    });
    this.lastItemId = itemId;
  }

  private clearInput(): void {
    this.inputStartFrame += this.inputFrames;
    this.input = [];
    this.inputFrames = 0;
  }

  /** The kept input between two stream frames (clipped to what is kept). */
  private inputRange(from: number, to: number): Int16Array {
    const all = new Int16Array(this.inputFrames);
    let at = 0;
    for (const chunk of this.input) {
      all.set(chunk, at);
      at += chunk.length;
    }
    const a = Math.max(0, from - this.inputStartFrame);
    const b = Math.min(this.inputFrames, Math.max(a, to - this.inputStartFrame));
    return all.slice(a, b);
  }

  // ---- output --------------------------------------------------------------------------------

  private respond(turn: Int16Array): void {
    if (this.response !== undefined) this.cancel('replaced');
    const echo = turn.subarray(0, this.maxEchoFrames);
    const gap = Math.round(0.2 * RATE);
    const pcm = new Int16Array(this.replyVoice.length + gap + echo.length);
    pcm.set(this.replyVoice, 0);
    pcm.set(echo, this.replyVoice.length + gap);
    const id = this.id('resp');
    const itemId = this.id('item');
    const bytes = this.audio.encodeOutput(pcm);
    const response: Response = { id, itemId, bytes, frames: bytes.length / this.audio.outputBytesPerFrame, sentFrames: 0, timer: undefined };
    this.response = response;
    this.itemFrames.set(itemId, { frames: 0, framesPerMs: this.audio.outputFramesPerMs });
    // remember the last 64 assistant items for truncation (a Map iterates oldest first)
    if (this.itemFrames.size > 64) this.itemFrames.delete(this.itemFrames.keys().next().value as string);
    const item = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    this.emit('response.created', { response: { id, object: 'realtime.response', status: 'in_progress', output: [] } });
    this.emit('response.output_item.added', { response_id: id, output_index: 0, item });
    this.emit('conversation.item.added', { previous_item_id: this.lastItemId, item });
    this.lastItemId = itemId;
    this.emit('response.content_part.added', { response_id: id, item_id: itemId, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } });
    this.options.log?.(`reply ${itemId}: ${(pcm.length / RATE).toFixed(2)} s (${(echo.length / RATE).toFixed(2)} s of the user's turn)`);
    this.sendDelta(response);
  }

  /** Sends the next delta of `response`, and schedules the one after (paceFactor x realtime). */
  private sendDelta(response: Response): void {
    response.timer = undefined;
    if (this.closed || this.response !== response) return;
    const deltaFrames = Math.round(this.deltaMs * this.audio.outputFramesPerMs);
    const end = Math.min(response.frames, response.sentFrames + deltaFrames);
    if (end > response.sentFrames) {
      const bytesPerFrame = this.audio.outputBytesPerFrame;
      const delta = encodeBase64(response.bytes.subarray(response.sentFrames * bytesPerFrame, end * bytesPerFrame));
      this.emit('response.output_audio.delta', { response_id: response.id, item_id: response.itemId, output_index: 0, content_index: 0, delta });
      response.sentFrames = end;
      this.itemFrames.get(response.itemId)!.frames = end;
    }
    if (end >= response.frames) this.finish(response, 'completed');
    else response.timer = this.clock.setTimer(() => this.sendDelta(response), Math.max(1, this.deltaMs / this.paceFactor));
  }

  private finish(response: Response, status: 'completed' | 'cancelled'): void {
    if (response.timer !== undefined) this.clock.clearTimer(response.timer);
    if (this.response === response) this.response = undefined;
    const base = { response_id: response.id, item_id: response.itemId, output_index: 0, content_index: 0 };
    const transcript = 'I heard you. Here is what you said.';
    if (status === 'completed') {
      this.emit('response.output_audio.done', base);
      this.emit('response.output_audio_transcript.done', { ...base, transcript });
      this.emit('response.content_part.done', { ...base, part: { type: 'audio', transcript } });
    }
    const item = {
      id: response.itemId,
      object: 'realtime.item',
      type: 'message',
      status: status === 'completed' ? 'completed' : 'incomplete',
      role: 'assistant',
      content: [{ type: 'output_audio', transcript }],
    };
    this.emit('response.output_item.done', { response_id: response.id, output_index: 0, item });
    this.emit('response.done', { response: { id: response.id, object: 'realtime.response', status, output: [item] } });
  }

  private cancel(why: 'speech' | 'client' | 'replaced'): void {
    const response = this.response;
    if (response === undefined) return;
    this.options.log?.(`reply ${response.itemId} cancelled (${why}) after ${Math.floor(response.sentFrames / this.audio.outputFramesPerMs)} ms of audio sent`);
    this.finish(response, 'cancelled');
  }

  private truncate(event: Event, eventId: unknown): void {
    const itemId = event.item_id;
    const end = event.audio_end_ms;
    const item = typeof itemId === 'string' ? this.itemFrames.get(itemId) : undefined;
    if (item === undefined) return this.error('item_truncate_invalid_item_id', `Item with item_id not found: ${String(itemId).slice(0, 60)}`, eventId);
    if (event.content_index !== 0) return this.error('invalid_value', 'content_index must be 0 (the audio part)', eventId);
    if (typeof end !== 'number' || !Number.isInteger(end) || end < 0)
      return this.error('invalid_value', 'audio_end_ms must be a non-negative integer', eventId);
    const itemMs = Math.floor(item.frames / item.framesPerMs);
    if (end > itemMs) return this.error('invalid_value', `Audio content of ${itemMs}ms is already shorter than ${end}ms`, eventId);
    if (this.response?.itemId === itemId) this.cancel('client');
    item.frames = Math.round(end * item.framesPerMs);
    this.options.log?.(`reply ${String(itemId)} truncated at ${end} ms (the audio the user heard)`);
    this.emit('conversation.item.truncated', { item_id: itemId, content_index: 0, audio_end_ms: end });
  }

  private update(session: unknown, eventId: unknown): void {
    if (session === null || typeof session !== 'object') return this.error('invalid_value', 'session.update needs a session object', eventId);
    const audio = ((session as Event).audio ?? {}) as Event;
    const input = (audio.input ?? {}) as Event;
    const output = (audio.output ?? {}) as Event;
    const inputFormat = input.format === undefined ? this.audio.input : readFormat(input.format);
    const outputFormat = output.format === undefined ? this.audio.output : readFormat(output.format);
    for (const format of [inputFormat, outputFormat]) if (!format.startsWith('audio/')) return this.error('invalid_value', format, eventId);
    let vad = this.vad;
    const td = 'turn_detection' in input ? (input.turn_detection as Event | null) : undefined;
    if (td !== undefined && td !== null && typeof td === 'object' && (td.silence_duration_ms !== undefined || td.prefix_padding_ms !== undefined)) {
      try {
        vad = new EnergyVad({
          sampleRate: RATE,
          silenceDurationMs: (td.silence_duration_ms as number | undefined) ?? this.vad.silenceDurationMs,
          prefixPaddingMs: (td.prefix_padding_ms as number | undefined) ?? this.vad.prefixPaddingMs,
        });
      } catch (error) {
        return this.error('invalid_value', `turn_detection: ${(error as Error).message}`, eventId);
      }
    }
    this.audio.setInput(inputFormat as Parameters<LocalSessionAudio['setInput']>[0]);
    this.audio.setOutput(outputFormat as Parameters<LocalSessionAudio['setOutput']>[0]);
    if (td !== undefined) {
      this.serverVad = td !== null && typeof td === 'object';
      this.createResponse = td?.create_response !== false;
      this.interruptResponse = td?.interrupt_response !== false;
      if (vad !== this.vad) {
        this.vad.free();
        this.vad = vad;
      }
      // the VAD starts afresh (its clock from here)
      this.vad.reset();
      this.vadBaseFrame = this.streamFrames;
      this.turnStartFrame = undefined;
    }
    this.emit('session.updated', { session: this.session() });
  }

  private session(): Event {
    return {
      id: 'sess_local',
      object: 'realtime.session',
      type: 'realtime',
      model: 'realtime-pcm-local',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: formatObject(this.audio.input),
          turn_detection: this.serverVad
            ? {
                type: 'server_vad',
                prefix_padding_ms: this.vad.prefixPaddingMs,
                silence_duration_ms: this.vad.silenceDurationMs,
                create_response: this.createResponse,
                interrupt_response: this.interruptResponse,
              }
            : null,
        },
        output: { format: formatObject(this.audio.output) },
      },
    };
  }

  private error(code: string, message: string, eventId: unknown): void {
    this.emit('error', { error: { type: 'invalid_request_error', code, message, param: null, event_id: typeof eventId === 'string' ? eventId : null } });
  }

  private emit(type: string, fields: Event): void {
    if (this.closed) return;
    this.send({ type, event_id: this.id('event'), ...fields });
  }

  private id(prefix: string): string {
    return `${prefix}_local_${++this.counter}`;
  }
}

const ms = (frames: number) => Math.floor((frames * 1000) / RATE);
