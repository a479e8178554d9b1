// A local realtime session server for the transport tests: `ws` on 127.0.0.1 (port 0), plain or
// TLS. It speaks enough of the OpenAI GA, OpenAI beta and Gemini Live protocols to check every
// event a client sends (shape, strict base64, PCM16 sample counts, truncate bounds, commit size)
// and to play scripted responses and interruptions. Its checks use only Node's Buffer and plain
// code, never realtime-pcm, so they are an independent reference.
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type ServerProtocol = 'openai' | 'openai-beta' | 'gemini';

export interface RealtimeServerOptions {
  protocol: ServerProtocol;
  tls?: { key: string; cert: string };
  /** Session turn detection announced in session.created (OpenAI). Default server_vad, interrupt_response true. */
  turnDetection?: Record<string, unknown> | null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_APPEND_BYTES = 15 * 1024 * 1024;

/** Strict base64 check and decode, with Buffer as the reference; undefined if invalid. */
export function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

interface ItemRecord {
  id: string;
  responseId: string;
  /** Bytes of PCM16 audio sent for it. */
  audioBytes: number;
}

export class ServerConnection {
  /** Every client event, parsed, in order. */
  readonly received: Record<string, unknown>[] = [];
  /** What was wrong with the client's events (empty when all were valid). */
  readonly violations: string[] = [];
  /** Messages sent to the client. */
  sent = 0;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  private readonly appended: Buffer[] = [];
  private committedBytes = 0;
  private uncommittedBytes = 0;
  private readonly items = new Map<string, ItemRecord>();
  private activeResponse: string | undefined;
  private setupDone = false;
  private counter = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly socket: WebSocket,
    readonly protocol: ServerProtocol,
    url: string,
    headers: Record<string, string | string[] | undefined>,
    turnDetection: Record<string, unknown> | null,
  ) {
    this.url = url;
    this.headers = headers;
    socket.on('message', (data) => this.onMessage(data.toString()));
    if (protocol !== 'gemini') {
      const session =
        protocol === 'openai'
          ? {
              id: 'sess_test',
              type: 'realtime',
              audio: {
                input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: turnDetection },
                output: { format: { type: 'audio/pcm', rate: 24000 } },
              },
            }
          : { id: 'sess_test', input_audio_format: 'pcm16', output_audio_format: 'pcm16', turn_detection: turnDetection };
      this.send({ type: 'session.created', event_id: this.id('event'), session });
    }
  }

  /** All PCM16 bytes appended by the client, in order. */
  inputAudio(): Buffer {
    return Buffer.concat(this.appended);
  }

  /** Client events of one type (OpenAI) or with one key (Gemini). */
  eventsOf(type: string): Record<string, unknown>[] {
    return this.received.filter((e) => e.type === type || (this.protocol === 'gemini' && type in e));
  }

  send(message: Record<string, unknown> | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    this.sent++;
  }

  /** Resolves once `predicate` holds (checked after each client message), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        return false;
      };
      const waiter = () => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  // ---- scripted OpenAI server events ----------------------------------------------------------

  startResponse(responseId = this.id('resp')): string {
    this.activeResponse = responseId;
    this.send({
      type: 'response.created',
      event_id: this.id('event'),
      response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] },
    });
    return responseId;
  }

  addItem(responseId: string, itemId = this.id('item')): string {
    this.items.set(itemId, { id: itemId, responseId, audioBytes: 0 });
    const item = { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] };
    this.send({ type: 'response.output_item.added', event_id: this.id('event'), response_id: responseId, output_index: 0, item });
    this.send({ type: this.protocol === 'openai' ? 'conversation.item.added' : 'conversation.item.created', event_id: this.id('event'), item });
    return itemId;
  }

  /** Sends PCM16 audio of an item as deltas of `deltaFrames` samples each (the last may be shorter). */
  audio(itemId: string, pcm: Int16Array, deltaFrames: number): void {
    const record = this.items.get(itemId);
    if (record === undefined) throw new Error(`script error: item ${itemId} was not added`);
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    for (let at = 0; at < bytes.length; at += deltaFrames * 2) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + deltaFrames * 2));
      record.audioBytes += piece.length;
      this.send({
        type: this.protocol === 'openai' ? 'response.output_audio.delta' : 'response.audio.delta',
        event_id: this.id('event'),
        response_id: record.responseId,
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        delta: piece.toString('base64'),
      });
    }
  }

  audioDone(itemId: string): void {
    const record = this.items.get(itemId)!;
    this.send({
      type: this.protocol === 'openai' ? 'response.output_audio.done' : 'response.audio.done',
      event_id: this.id('event'),
      response_id: record.responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
    });
  }

  endResponse(responseId: string, status: 'completed' | 'cancelled' = 'completed'): void {
    if (this.activeResponse === responseId) this.activeResponse = undefined;
    this.send({ type: 'response.done', event_id: this.id('event'), response: { id: responseId, object: 'realtime.response', status, output: [] } });
  }

  /** A whole response: one audio item per entry, each in deltas of `deltaFrames`. Returns the ids. */
  respond(items: Int16Array[], deltaFrames: number, options: { end?: boolean } = {}): { responseId: string; itemIds: string[] } {
    const responseId = this.startResponse();
    const itemIds: string[] = [];
    for (const pcm of items) {
      const itemId = this.addItem(responseId);
      this.audio(itemId, pcm, deltaFrames);
      this.audioDone(itemId);
      itemIds.push(itemId);
    }
    if (options.end ?? true) this.endResponse(responseId);
    return { responseId, itemIds };
  }

  speechStarted(audioStartMs = 0): void {
    this.send({ type: 'input_audio_buffer.speech_started', event_id: this.id('event'), audio_start_ms: audioStartMs, item_id: this.id('item') });
  }

  // ---- scripted Gemini messages ---------------------------------------------------------------

  geminiAudio(pcm: Int16Array, deltaFrames: number, rate = 24000): void {
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    for (let at = 0; at < bytes.length; at += deltaFrames * 2) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + deltaFrames * 2));
      this.send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: `audio/pcm;rate=${rate}`, data: piece.toString('base64') } }] } } });
    }
  }

  geminiTurnComplete(): void {
    this.send({ serverContent: { generationComplete: true } });
    this.send({ serverContent: { turnComplete: true } });
  }

  geminiInterrupted(): void {
    this.send({ serverContent: { interrupted: true } });
  }

  // ---- checking what the client sends ---------------------------------------------------------

  private id(prefix: string): string {
    return `${prefix}_${++this.counter}`;
  }

  private violation(text: string): void {
    this.violations.push(text);
  }

  private onMessage(text: string): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.violation(`not JSON: ${text.slice(0, 60)}`);
      return;
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      this.violation('not a JSON object');
      return;
    }
    this.received.push(event);
    if (this.protocol === 'gemini') this.checkGemini(event);
    else this.checkOpenAI(event);
    for (const waiter of [...this.waiters]) waiter();
  }

  private onlyKeys(event: Record<string, unknown>, allowed: string[]): void {
    for (const key of Object.keys(event)) {
      if (!allowed.includes(key) && key !== 'event_id') this.violation(`${String(event.type)}: unexpected field ${key}`);
    }
  }

  private appendAudio(base64: unknown, where: string): void {
    const bytes = strictBase64(base64);
    if (bytes === undefined) return this.violation(`${where}: audio is not strict base64`);
    if (bytes.length === 0) this.violation(`${where}: empty audio`);
    if (bytes.length % 2 !== 0) this.violation(`${where}: ${bytes.length} bytes is not whole PCM16 samples`);
    if (bytes.length > MAX_APPEND_BYTES) this.violation(`${where}: ${bytes.length} bytes is over 15 MiB`);
    this.appended.push(bytes);
    this.uncommittedBytes += bytes.length;
  }

  private error(code: string, message: string, eventId: unknown): void {
    this.send({ type: 'error', event_id: this.id('event'), error: { type: 'invalid_request_error', code, message, event_id: eventId ?? null } });
  }

  private checkOpenAI(event: Record<string, unknown>): void {
    const type = event.type;
    switch (type) {
      case 'input_audio_buffer.append':
        this.onlyKeys(event, ['type', 'audio']);
        this.appendAudio(event.audio, type);
        return;
      case 'input_audio_buffer.commit':
        this.onlyKeys(event, ['type']);
        // 100 ms at 24 kHz PCM16 = 4800 bytes
        if (this.uncommittedBytes < 4800) {
          this.violation(`commit with ${this.uncommittedBytes} bytes buffered (< 100 ms)`);
          this.error('input_audio_buffer_commit_empty', 'buffer too small', event.event_id);
          return;
        }
        this.committedBytes += this.uncommittedBytes;
        this.uncommittedBytes = 0;
        this.send({ type: 'input_audio_buffer.committed', event_id: this.id('event'), item_id: this.id('item'), previous_item_id: null });
        return;
      case 'input_audio_buffer.clear':
        this.onlyKeys(event, ['type']);
        this.uncommittedBytes = 0;
        this.send({ type: 'input_audio_buffer.cleared', event_id: this.id('event') });
        return;
      case 'conversation.item.truncate': {
        this.onlyKeys(event, ['type', 'item_id', 'content_index', 'audio_end_ms']);
        const item = typeof event.item_id === 'string' ? this.items.get(event.item_id) : undefined;
        const end = event.audio_end_ms;
        if (item === undefined) return this.violation(`truncate of unknown item ${String(event.item_id)}`);
        if (event.content_index !== 0) this.violation(`truncate content_index ${String(event.content_index)}, expected 0`);
        if (typeof end !== 'number' || !Number.isInteger(end) || end < 0)
          return this.violation(`truncate audio_end_ms ${String(end)} is not a non-negative integer`);
        // the item's audio in ms, from its byte count at 24 kHz PCM16
        const itemMs = item.audioBytes / 48;
        if (end > itemMs) {
          this.violation(`truncate audio_end_ms ${end} > ${itemMs} ms of audio`);
          this.error('invalid_value', `Audio content of ${itemMs}ms is already shorter than ${end}ms`, event.event_id);
          return;
        }
        this.send({ type: 'conversation.item.truncated', event_id: this.id('event'), item_id: item.id, content_index: 0, audio_end_ms: end });
        return;
      }
      case 'response.cancel':
        this.onlyKeys(event, ['type', 'response_id']);
        if (event.response_id !== undefined && typeof event.response_id !== 'string') this.violation('response.cancel response_id must be a string');
        if (this.activeResponse === undefined) {
          this.error('response_cancel_not_active', 'Cancellation failed: no active response found', event.event_id);
          return;
        }
        this.endResponse(this.activeResponse, 'cancelled');
        return;
      case 'response.create':
      // sent by the official clients themselves (history upkeep), not by the adapter
      case 'conversation.item.retrieve':
      case 'conversation.item.create':
      case 'conversation.item.delete':
        return;
      case 'session.update': {
        const session = event.session as Record<string, unknown> | undefined;
        if (session === undefined || typeof session !== 'object') return this.violation('session.update without session');
        if (this.protocol === 'openai') {
          if (session.type !== 'realtime') this.violation(`session.update session.type ${String(session.type)}, expected realtime`);
          const input = (session.audio as Record<string, Record<string, unknown>> | undefined)?.input;
          const format = input?.format as Record<string, unknown> | undefined;
          if (format !== undefined && !(format.type === 'audio/pcm' && (format.rate === undefined || format.rate === 24000))) {
            this.violation(`session.update input format ${JSON.stringify(format)}`);
          }
        } else if (session.input_audio_format !== undefined && session.input_audio_format !== 'pcm16') {
          this.violation(`session.update input_audio_format ${String(session.input_audio_format)}`);
        }
        this.send({ type: 'session.updated', event_id: this.id('event'), session });
        return;
      }
      default:
        this.violation(`unknown client event type ${String(type)}`);
    }
  }

  private checkGemini(event: Record<string, unknown>): void {
    if (!this.setupDone) {
      if (typeof event.setup !== 'object' || event.setup === null) return this.violation('the first Gemini message must be setup');
      this.setupDone = true;
      this.send({ setupComplete: {} });
      return;
    }
    const input = event.realtimeInput as Record<string, unknown> | undefined;
    if (input === undefined || typeof input !== 'object' || Object.keys(event).length !== 1) {
      return this.violation(`unexpected Gemini message keys ${Object.keys(event).join(',')}`);
    }
    if ('audio' in input) {
      const audio = input.audio as Record<string, unknown>;
      if (audio.mimeType !== 'audio/pcm;rate=16000') this.violation(`Gemini audio mimeType ${String(audio.mimeType)}`);
      this.appendAudio(audio.data, 'realtimeInput.audio');
    } else if (!('activityStart' in input) && !('activityEnd' in input) && !('audioStreamEnd' in input)) {
      this.violation(`unexpected realtimeInput keys ${Object.keys(input).join(',')}`);
    }
  }
}

export class RealtimeTestServer {
  readonly connections: ServerConnection[] = [];
  private readonly wss: WebSocketServer;
  private readonly https: HttpsServer | undefined;
  private pending: Array<(c: ServerConnection) => void> = [];

  private constructor(
    readonly options: RealtimeServerOptions,
    wss: WebSocketServer,
    https: HttpsServer | undefined,
    readonly url: string,
  ) {
    this.wss = wss;
    this.https = https;
    const turnDetection = options.turnDetection === undefined ? { type: 'server_vad', interrupt_response: true, create_response: true } : options.turnDetection;
    wss.on('connection', (socket, request) => {
      const connection = new ServerConnection(socket, options.protocol, request.url ?? '', request.headers, turnDetection);
      this.connections.push(connection);
      const waiter = this.pending.shift();
      waiter?.(connection);
    });
  }

  static async start(options: RealtimeServerOptions): Promise<RealtimeTestServer> {
    if (options.tls !== undefined) {
      const https = createServer({ key: options.tls.key, cert: options.tls.cert });
      const wss = new WebSocketServer({ server: https });
      await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
      const port = (https.address() as AddressInfo).port;
      return new RealtimeTestServer(options, wss, https, `wss://127.0.0.1:${port}`);
    }
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as AddressInfo).port;
    return new RealtimeTestServer(options, wss, undefined, `ws://127.0.0.1:${port}`);
  }

  /** The next connection (or the first one not yet taken). */
  connection(index = 0, timeoutMs = 5000): Promise<ServerConnection> {
    const existing = this.connections[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no client connected')), timeoutMs);
      this.pending.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.https !== undefined) await new Promise<void>((resolve) => this.https!.close(() => resolve()));
  }
}
