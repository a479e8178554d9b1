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
import { systemClock, type Clock } from '../transport/clock.js';
import { formatObject, LocalSessionAudio, readFormat, to24k, type LocalAudioFormat } from './local-session-audio.js';
import { LocalTurns } from './local-turns.js';

/** Rate the replies are made at. */
const RATE = 24000;
/** The API's limit for one append (DESIGN.md section 8). */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;
/** Replies without an echo, per reply voice and output format (sessions share them; the voice's array is the key). */
const PLAIN_REPLIES = new WeakMap<Int16Array, Map<LocalAudioFormat, Uint8Array>>();

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
  private turns = new LocalTurns(RATE, 500, 300);
  private readonly audio = new LocalSessionAudio();
  private readonly clock: Clock;
  private readonly replyVoice: Int16Array;
  private readonly maxEchoMs: number;
  private readonly paceFactor: number;
  private readonly deltaMs: number;
  private counter = 0;
  private serverVad = true;
  private createResponse = true;
  private interruptResponse = true;
  private turnItemId: string | undefined;
  /** The last turn and its rate. */
  private lastTurn: Int16Array = new Int16Array(0);
  private lastTurnRate = RATE;
  /** The reply without an echo, per output format (the same every time, for every session with this voice). */
  private readonly plainReply: Map<LocalAudioFormat, Uint8Array>;
  private lastItemId: string | null = null;
  private response: Response | undefined;
  /** Output frames sent per assistant item (for truncate checks), and the frames per ms they were sent at. */
  private readonly itemFrames = new Map<string, { frames: number; framesPerMs: number }>();
  private closed = false;
  /** Turns the user took. */
  turnCount = 0;

  constructor(
    private readonly send: (event: Event) => void,
    private readonly options: LocalSessionOptions,
  ) {
    this.replyVoice = options.replyVoice;
    let plain = PLAIN_REPLIES.get(this.replyVoice);
    if (plain === undefined) {
      plain = new Map();
      PLAIN_REPLIES.set(this.replyVoice, plain);
    }
    this.plainReply = plain;
    this.maxEchoMs = options.maxEchoMs ?? 6000;
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
        return this.commit(id);
      case 'input_audio_buffer.clear':
        this.turns.clear();
        return this.emit('input_audio_buffer.cleared', {});
      case 'response.create':
        return this.respond();
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
    this.turns.free();
    this.audio.free();
  }

  // ---- input ---------------------------------------------------------------------------------

  private append(audio: unknown, eventId: unknown): void {
    if (typeof audio !== 'string') return this.error('invalid_value', 'input_audio_buffer.append needs a base64 string "audio"', eventId);
    if ((audio.length * 3) / 4 > MAX_APPEND_BYTES) return this.error('invalid_value', 'an append may carry at most 15 MiB of audio', eventId);
    const pcm = this.audio.decodeInput(audio);
    if (typeof pcm === 'string') return this.error('invalid_value', pcm, eventId);
    const turns = this.turns;
    for (const change of turns.append(pcm, this.serverVad)) {
      if (change.kind === 'start') {
        this.turnItemId = this.id('item');
        this.emit('input_audio_buffer.speech_started', { audio_start_ms: turns.ms(change.frame), item_id: this.turnItemId });
        if (this.response !== undefined && this.interruptResponse) this.cancel('speech');
        continue;
      }
      const itemId = this.turnItemId ?? this.id('item');
      this.turnItemId = undefined;
      this.emit('input_audio_buffer.speech_stopped', { audio_end_ms: turns.ms(change.frame), item_id: itemId });
      this.tookTurn(change.turn, itemId);
      if (this.createResponse) this.respond();
    }
  }

  private commit(eventId: unknown): void {
    const turns = this.turns;
    if (turns.inputFrames * 1000 < 100 * turns.rate) {
      return this.error(
        'input_audio_buffer_commit_empty',
        `buffer too small: expected at least 100ms of audio, but buffer only has ${turns.ms(turns.inputFrames)}ms of audio`,
        eventId,
      );
    }
    this.tookTurn(turns.commitAll(), this.id('item'));
  }

  private tookTurn(turn: Int16Array, itemId: string): void {
    this.lastTurn = turn;
    this.lastTurnRate = this.turns.rate;
    this.turnCount++;
    this.emit('input_audio_buffer.committed', { previous_item_id: this.lastItemId, item_id: itemId });
    this.emit('conversation.item.added', {
      previous_item_id: this.lastItemId,
      item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio' }] },
    });
    this.lastItemId = itemId;
    this.options.log?.(`turn ${this.turnCount}: ${(turn.length / this.lastTurnRate).toFixed(2)} s of speech`);
  }

  // ---- output --------------------------------------------------------------------------------

  /** The reply (the voice, 200 ms of silence, the user's last turn played back) in the output format. */
  private replyBytes(): { bytes: Uint8Array; echoMs: number } {
    const echo = to24k(this.lastTurn.subarray(0, Math.round((this.maxEchoMs * this.lastTurnRate) / 1000)), this.lastTurnRate);
    const cached = this.plainReply.get(this.audio.output);
    if (echo.length === 0 && cached !== undefined) return { bytes: cached, echoMs: 0 };
    const gap = Math.round(0.2 * RATE);
    const pcm = new Int16Array(this.replyVoice.length + gap + echo.length);
    pcm.set(this.replyVoice, 0);
    pcm.set(echo, this.replyVoice.length + gap);
    const bytes = this.audio.encodeOutput(pcm);
    if (echo.length === 0) this.plainReply.set(this.audio.output, bytes.slice());
    return { bytes, echoMs: (echo.length * 1000) / RATE };
  }

  private respond(): void {
    if (this.response !== undefined) this.cancel('replaced');
    const id = this.id('resp');
    const itemId = this.id('item');
    const { bytes, echoMs } = this.replyBytes();
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
    this.options.log?.(
      `reply ${itemId}: ${(response.frames / this.audio.outputFramesPerMs / 1000).toFixed(2)} s (${(echoMs / 1000).toFixed(2)} s of the user's turn)`,
    );
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
    const td = 'turn_detection' in input ? (input.turn_detection as Event | null) : undefined;
    const vad = this.turns.vad;
    const silenceMs = (td?.silence_duration_ms as number | undefined) ?? vad.silenceDurationMs;
    const paddingMs = (td?.prefix_padding_ms as number | undefined) ?? vad.prefixPaddingMs;
    const rate = inputFormat === 'audio/pcm' ? RATE : 8000;
    if (rate !== this.turns.rate || silenceMs !== vad.silenceDurationMs || paddingMs !== vad.prefixPaddingMs) {
      // new input rate or VAD settings: the input buffer and the VAD start afresh
      let turns: LocalTurns;
      try {
        turns = new LocalTurns(rate, silenceMs, paddingMs);
      } catch (error) {
        return this.error('invalid_value', `turn_detection: ${(error as Error).message}`, eventId);
      }
      this.turns.free();
      this.turns = turns;
    }
    this.audio.input = inputFormat as LocalAudioFormat;
    this.audio.setOutput(outputFormat as LocalAudioFormat);
    if (td !== undefined) {
      this.serverVad = td !== null && typeof td === 'object';
      this.createResponse = td?.create_response !== false;
      this.interruptResponse = td?.interrupt_response !== false;
      this.turns.restartVad();
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
                prefix_padding_ms: this.turns.vad.prefixPaddingMs,
                silence_duration_ms: this.turns.vad.silenceDurationMs,
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
