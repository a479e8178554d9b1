// A carrier simulator: a WebSocket client on 127.0.0.1 that behaves as Twilio's media server does
// for a bidirectional stream, in the virtual time of a VirtualClock. Written from the carrier's
// documented behaviour, sharing no code with the bridge:
// - it sends `connected` and `start`, then the caller's audio as `media` every 20 ms (chunk
//   numbers and timestamps as strings), omitting silent frames if told to, each message delayed
//   by a random jitter (so they may arrive out of order);
// - it plays what it receives in real time (8 bytes a ms, continuously, starting as soon as audio
//   is there), echoes each `mark` the moment playout reaches it, and on `clear` drops its buffer
//   and echoes the marks still pending;
// - it logs every payload it received and how much of it was played: the truth of what the
//   caller heard.
import WebSocket from 'ws';
import { rng } from './random.js';
import type { VirtualClock } from './virtual-clock.js';

export interface CarrierSimOptions {
  url: string;
  clock: VirtualClock;
  streamSid?: string;
  encoding?: string;
  customParameters?: Record<string, string>;
  /** The caller's audio for 20 ms frame `index` (160 bytes), or undefined for silence. */
  caller?: (index: number) => Uint8Array | undefined;
  /** The silence code sent for a silent frame when not omitted. Default 0xff (mu-law). */
  silenceByte?: number;
  /** Leave silent frames out (as some carriers do). Default false. */
  omitSilence?: boolean;
  /** Each inbound media message is delayed by a uniform [0, jitterMs) ms. Default 0. */
  jitterMs?: number;
  /** Keep every payload received in `payloads` (off for long runs: counts only). Default true. */
  keepPayloads?: boolean;
  seed?: number;
}

/** A payload the carrier received: its bytes, the clears before it, and how much of it was played. */
export interface Received {
  bytes: Uint8Array;
  /** Clears received before this payload. */
  segment: number;
  played: number;
  /** Virtual time playout of it began (NaN if never). */
  startedAt: number;
}

type Entry = { kind: 'media'; received: Received } | { kind: 'mark'; name: string };

export class CarrierSim {
  readonly socket: WebSocket;
  readonly clock: VirtualClock;
  /** Messages sent and received (for quiescence). */
  sent = 0;
  received = 0;
  /** Every payload received, in order. */
  readonly payloads: Received[] = [];
  /** Marks echoed, clears received. */
  marksEchoed = 0;
  clears = 0;
  /** Bytes played in all. */
  playedBytes = 0;
  /** Largest number of bytes buffered at once. */
  maxBufferedBytes = 0;
  closed = false;
  /** Messages of kinds other than media/mark/clear (a bridge should send none). */
  readonly unexpected: unknown[] = [];
  /** Called when a clear arrives (after the playout up to now). */
  onClear?: (sim: CarrierSim) => void;

  private readonly options: CarrierSimOptions;
  private readonly buffer: Entry[] = [];
  /** Virtual time playout has been computed up to. */
  private playedUntil = 0;
  private markTimer: unknown;
  private callerTimer: unknown;
  private frameIndex = 0;
  private stopped = false;
  private chunk = 0;
  private readonly random: () => number;

  private constructor(socket: WebSocket, options: CarrierSimOptions) {
    this.socket = socket;
    this.options = options;
    this.clock = options.clock;
    this.random = rng(options.seed ?? 1);
    this.playedUntil = this.clock.now();
    socket.on('message', (data: Buffer) => this.onMessage(JSON.parse(data.toString()) as Record<string, unknown>));
    socket.on('close', () => {
      this.closed = true;
      this.stopTimers();
    });
  }

  /** Connects and sends `connected` and `start`; the caller's frames start at the next multiple of 20 ms. */
  static async connect(options: CarrierSimOptions): Promise<CarrierSim> {
    const socket = new WebSocket(options.url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const sim = new CarrierSim(socket, options);
    const streamSid = options.streamSid ?? 'MZ00000000000000000000000000000000';
    sim.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    sim.send({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: 'AC00000000000000000000000000000000',
        streamSid,
        callSid: 'CA00000000000000000000000000000000',
        tracks: ['inbound'],
        mediaFormat: { encoding: options.encoding ?? 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: options.customParameters ?? {},
      },
      streamSid,
    });
    sim.scheduleCaller();
    return sim;
  }

  /** Bytes played by now (playout brought up to the clock first). */
  playedBytesNow(): number {
    this.playUntil(this.clock.now());
    return this.playedBytes;
  }

  /** Bytes waiting to be played now. */
  get bufferedBytes(): number {
    let n = 0;
    for (const e of this.buffer) if (e.kind === 'media') n += e.received.bytes.length - e.received.played;
    return n;
  }

  /** Sends `stop` and closes. */
  stop(): void {
    this.stopped = true;
    this.stopTimers();
    if (this.socket.readyState === WebSocket.OPEN) {
      this.send({ event: 'stop', sequenceNumber: '0', stop: { accountSid: 'AC0', callSid: 'CA0' }, streamSid: 'MZ0' });
      this.socket.close(1000);
    }
  }

  /** Sends a DTMF key. */
  dtmf(digit: string): void {
    this.send({ event: 'dtmf', streamSid: 'MZ0', sequenceNumber: '0', dtmf: { track: 'inbound_track', digit } });
  }

  /** Sends anything (for bad-input tests). */
  sendRaw(text: string): void {
    this.sent++;
    this.socket.send(text);
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.sent++;
    this.socket.send(JSON.stringify(message));
  }

  private stopTimers(): void {
    if (this.callerTimer !== undefined) this.clock.clearTimer(this.callerTimer);
    if (this.markTimer !== undefined) this.clock.clearTimer(this.markTimer);
    this.callerTimer = undefined;
    this.markTimer = undefined;
  }

  // ---- the caller ------------------------------------------------------------------------------

  private scheduleCaller(): void {
    const now = this.clock.now();
    const next = Math.floor(now / 20) * 20 + 20;
    this.callerTimer = this.clock.setTimer(() => this.callerFrame(), next - now);
  }

  private callerFrame(): void {
    this.callerTimer = undefined;
    if (this.closed) return;
    const index = this.frameIndex++;
    const audio = this.options.caller?.(index);
    if (audio !== undefined || !this.options.omitSilence) {
      const payload = Buffer.from(audio ?? new Uint8Array(160).fill(this.options.silenceByte ?? 0xff)).toString('base64');
      const message = {
        event: 'media',
        sequenceNumber: String(index + 3),
        media: { track: 'inbound', chunk: String(++this.chunk), timestamp: String(index * 20), payload },
        streamSid: 'MZ0',
      };
      const jitter = this.options.jitterMs ?? 0;
      if (jitter > 0) this.clock.setTimer(() => this.send(message), this.random() * jitter);
      else this.send(message);
    }
    this.callerTimer = this.clock.setTimer(() => this.callerFrame(), 20);
  }

  // ---- playout ---------------------------------------------------------------------------------

  private onMessage(message: Record<string, unknown>): void {
    this.received++;
    const now = this.clock.now();
    this.playUntil(now);
    switch (message.event) {
      case 'media': {
        const bytes = new Uint8Array(Buffer.from((message.media as { payload: string }).payload, 'base64'));
        const received: Received = { bytes, segment: this.clears, played: 0, startedAt: Number.NaN };
        if (this.options.keepPayloads !== false) this.payloads.push(received);
        this.buffer.push({ kind: 'media', received });
        this.maxBufferedBytes = Math.max(this.maxBufferedBytes, this.bufferedBytes);
        break;
      }
      case 'mark':
        this.buffer.push({ kind: 'mark', name: (message.mark as { name: string }).name });
        break;
      case 'clear': {
        this.clears++;
        const marks = this.buffer.filter((e): e is { kind: 'mark'; name: string } => e.kind === 'mark');
        this.buffer.length = 0;
        for (const mark of marks) this.echo(mark.name);
        this.onClear?.(this);
        break;
      }
      default:
        this.unexpected.push(message);
    }
    this.playUntil(now); // a mark at the head echoes now
    this.scheduleMark();
  }

  /** Plays the buffer up to virtual time `t` (continuous, 8 bytes a ms), echoing marks reached. */
  private playUntil(t: number): void {
    while (this.buffer.length > 0) {
      const head = this.buffer[0]!;
      if (head.kind === 'mark') {
        this.buffer.shift();
        this.echo(head.name);
        continue;
      }
      const r = head.received;
      if (Number.isNaN(r.startedAt)) r.startedAt = this.playedUntil;
      const left = r.bytes.length - r.played;
      const can = Math.floor((t - this.playedUntil) * 8 + 1e-9);
      if (can <= 0) return;
      const n = Math.min(left, can);
      r.played += n;
      this.playedBytes += n;
      this.playedUntil += n / 8;
      if (r.played < r.bytes.length) return;
      this.buffer.shift();
    }
    this.playedUntil = t; // idle: the next audio starts when it arrives
  }

  private echo(name: string): void {
    this.marksEchoed++;
    this.send({ event: 'mark', sequenceNumber: '0', streamSid: 'MZ0', mark: { name } });
  }

  /** A timer at the moment playout reaches the next mark. */
  private scheduleMark(): void {
    if (this.markTimer !== undefined) this.clock.clearTimer(this.markTimer);
    this.markTimer = undefined;
    if (this.stopped || this.closed) return;
    let bytes = 0;
    for (const e of this.buffer) {
      if (e.kind === 'mark') {
        const due = this.playedUntil + bytes / 8;
        this.markTimer = this.clock.setTimer(() => {
          this.markTimer = undefined;
          this.playUntil(this.clock.now());
          this.scheduleMark();
        }, due - this.clock.now());
        return;
      }
      bytes += e.received.bytes.length - e.received.played;
    }
  }
}
