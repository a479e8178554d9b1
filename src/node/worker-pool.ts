// PcmWorkerPool: capture and playback pipelines in worker_threads workers, so that many calls
// share a process without blocking its event loop. Streams are spread over the workers (the one
// with the fewest streams takes the next); their events have the same shapes as the in-thread
// pipelines'. Sample arrays are transferred, not copied. Each capture stream bounds the audio in
// flight to its worker (`maxQueueMs`): a push beyond it is dropped and counted, never queued.
// Requests made in one turn of the event loop go to a worker as one message (and its replies come
// back as one), so a hundred calls cost a few messages per block, not hundreds. Every request
// settles (src/requests.ts): its answer, its error, a rejection when the pool closes or a worker
// fails, or after `requestTimeoutMs`. A stream's `close()` frees its pipeline in the worker.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { WORKER_SOURCE } from './worker-source.generated.js';
import { kernelModule, type KernelMemory } from '../wasm/load.js';
import { OptionsError, RealtimePcmError } from '../errors.js';
import { PendingRequests, checkTimeoutMs, isReply } from '../requests.js';
import { freedError } from '../wasm/blocks.js';
import type { CaptureEvent } from '../pipeline/capture.js';
import type {
  PlaybackInterruption,
  WorkerCaptureOptions,
  WorkerPlaybackOptions,
  WorkerNotice,
  WorkerReadResult,
  WorkerReply,
  WorkerRequest,
} from './worker-protocol.js';

/** Options of `new PcmWorkerPool(...)`. */
export interface PcmWorkerPoolOptions {
  /** Workers to start. Default: the machine's available parallelism. */
  workers?: number;
  /** How long a request (create, flush, read, interrupt) waits for its worker before it rejects, ms. Default 10000. */
  requestTimeoutMs?: number;
}

/** Options of `pool.createCapture(...)`: the capture pipeline's, plus the queue bound and the callbacks. */
export interface WorkerCaptureStreamOptions extends WorkerCaptureOptions {
  /** Microphone audio allowed in flight to the worker before pushes are dropped, ms. Default 1000. */
  maxQueueMs?: number;
  /** Receives the events of every push, in order. */
  onEvents?: (events: CaptureEvent[]) => void;
  onError?: (error: { code: string; message: string }) => void;
}

/** Counters of a worker capture stream (main-thread side): pushes, frames in flight, and what the queue bound dropped. */
export interface WorkerStreamStats {
  pushes: number;
  /** Input frames sent to the worker and not yet processed. */
  inFlightFrames: number;
  droppedPushes: number;
  droppedFrames: number;
}

interface PoolWorker {
  worker: Worker;
  streams: number;
  /** Requests gathered in this turn of the event loop, posted together (one message per worker per turn). */
  outbox: WorkerRequest[];
  transfer: ArrayBuffer[];
  scheduled: boolean;
}

/** A request as the streams make it: the message without its `id`. */
type RequestMessage = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Capture and playback pipelines in worker_threads workers, so that many calls share a process
 * without blocking its event loop. Lifecycle: construct, createCapture/createPlayback, close.
 */
export class PcmWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly handlers = new Map<number, (message: WorkerNotice) => void>();
  private readonly pending: PendingRequests;
  private nextStream = 1;
  private closed = false;

  constructor(options: PcmWorkerPoolOptions = {}) {
    if (options === null || typeof options !== 'object') throw new OptionsError('PcmWorkerPool options must be an object: { workers?, requestTimeoutMs? }');
    const count = options.workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1 || count > 256) throw new OptionsError(`workers must be an integer in 1..256, got ${String(options.workers)}`);
    this.pending = new PendingRequests(checkTimeoutMs(options.requestTimeoutMs));
    const module = kernelModule();
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module } });
      worker.on('message', (batch: WorkerReply[]) => {
        for (const message of batch) this.dispatch(message);
      });
      // a worker that fails or exits takes its streams' answers with it: every waiting request rejects
      worker.on('error', (error) => this.failAll(new RealtimePcmError('worker_failed', `a pool worker failed: ${String(error)}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.failAll(new RealtimePcmError('worker_failed', `a pool worker exited (code ${code})`));
      });
      this.workers.push({ worker, streams: 0, outbox: [], transfer: [], scheduled: false });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** A capture pipeline in a worker. */
  async createCapture(options: WorkerCaptureStreamOptions): Promise<WorkerCaptureStream> {
    const { maxQueueMs, onEvents, onError, ...pipeline } = options;
    const queueMs = maxQueueMs ?? 1000;
    if (typeof queueMs !== 'number' || !(queueMs > 0)) throw new OptionsError(`maxQueueMs must be a positive number of ms, got ${String(maxQueueMs)}`);
    const { id, home } = this.assign();
    const stream = new WorkerCaptureStream(this, home, id, Math.round((queueMs * pipeline.inputRate) / 1000), onEvents, onError);
    this.handlers.set(id, (message) => stream.receive(message));
    await this.created(home, id, { op: 'create-capture', stream: id, options: pipeline });
    return stream;
  }

  /** A playback pipeline in a worker. */
  async createPlayback(options: WorkerPlaybackOptions & { onError?: (error: { code: string; message: string }) => void }): Promise<WorkerPlaybackStream> {
    const { onError, ...pipeline } = options;
    const { id, home } = this.assign();
    const stream = new WorkerPlaybackStream(this, home, id);
    this.handlers.set(id, (message) => (message.op === 'error' ? onError?.(message) : undefined));
    await this.created(home, id, { op: 'create-playback', stream: id, options: pipeline });
    return stream;
  }

  /** Creates the stream in the worker; on failure (bad options) its slot is given back. */
  private async created(home: PoolWorker, id: number, message: RequestMessage): Promise<void> {
    try {
      await this.request(home, message);
    } catch (error) {
      this.release(home, id);
      throw error;
    }
  }

  /** The kernel memory of each worker (see `kernelMemory()`), e.g. to watch a long-running server. */
  kernelMemory(): Promise<KernelMemory[]> {
    return Promise.all(this.workers.map((home) => this.request<KernelMemory>(home, { op: 'memory', stream: 0 })));
  }

  /** Stops the workers (they keep the process alive until then); pending requests are rejected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new RealtimePcmError('pool_closed', 'the worker pool was closed'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** @internal */
  request<T>(home: PoolWorker, message: RequestMessage): Promise<T> {
    if (this.closed) return Promise.reject(new RealtimePcmError('pool_closed', 'the worker pool was closed'));
    const { id, promise } = this.pending.open<T>(`worker ${message.op}`);
    const moved =
      message.op !== 'read'
        ? []
        : message.reference === undefined
          ? [message.output.buffer as ArrayBuffer]
          : [message.output.buffer as ArrayBuffer, message.reference.buffer as ArrayBuffer];
    this.enqueue(home, { ...message, id } as WorkerRequest, moved);
    return promise;
  }

  /** @internal */
  post(home: PoolWorker, message: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    if (this.closed) throw new RealtimePcmError('pool_closed', 'the worker pool was closed');
    this.enqueue(home, message, transfer);
  }

  private enqueue(home: PoolWorker, message: WorkerRequest, transfer: ArrayBuffer[]): void {
    home.outbox.push(message);
    for (const buffer of transfer) home.transfer.push(buffer);
    if (!home.scheduled) {
      home.scheduled = true;
      queueMicrotask(() => this.flushOutbox(home));
    }
  }

  private flushOutbox(home: PoolWorker): void {
    home.scheduled = false;
    if (home.outbox.length === 0 || this.closed) return;
    const batch = home.outbox;
    const transfer = home.transfer;
    home.outbox = [];
    home.transfer = [];
    home.worker.postMessage(batch, transfer);
  }

  /** @internal */
  release(home: PoolWorker, id: number): void {
    this.handlers.delete(id);
    home.streams--;
    if (!this.closed) this.enqueue(home, { op: 'close', stream: id }, []);
  }

  private assign(): { id: number; home: PoolWorker } {
    if (this.closed) throw new RealtimePcmError('pool_closed', 'the worker pool was closed');
    let home = this.workers[0]!;
    for (const w of this.workers) if (w.streams < home.streams) home = w;
    home.streams++;
    return { id: this.nextStream++, home };
  }

  private dispatch(message: WorkerReply): void {
    if (isReply(message)) {
      this.pending.settle(message);
      return;
    }
    this.handlers.get(message.stream)?.(message);
  }

  private failAll(error: Error): void {
    this.pending.failAll(error);
  }
}

/**
 * The samples as they go to a worker: moved (the caller's array is detached at once, so later
 * writes to it cannot race the batch that goes out at the end of this turn) when the buffer is
 * theirs alone, else copied.
 */
function movable(samples: Float32Array): Float32Array {
  const owned = samples.byteOffset === 0 && samples.buffer.byteLength === samples.byteLength && samples.buffer instanceof ArrayBuffer;
  return owned ? structuredClone(samples, { transfer: [samples.buffer as ArrayBuffer] }) : samples.slice();
}

/** A capture pipeline running in a pool worker. */
export class WorkerCaptureStream {
  readonly stats: WorkerStreamStats = {
    pushes: 0,
    inFlightFrames: 0,
    droppedPushes: 0,
    droppedFrames: 0,
  };
  private drained: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly pool: PcmWorkerPool,
    private readonly home: PoolWorker,
    readonly id: number,
    /** Most input frames in flight. */
    readonly maxQueueFrames: number,
    private readonly onEvents: ((events: CaptureEvent[]) => void) | undefined,
    private readonly onError: ((error: { code: string; message: string }) => void) | undefined,
  ) {}

  /**
   * Sends microphone samples to the worker, with what the speaker played over the same span of
   * time (`reference`, at the pipeline's `referenceRate`) when it cancels echo: the two travel and
   * are dropped together, so they stay in step. The samples' ArrayBuffers are transferred (the
   * arrays are unusable afterwards) when they are theirs alone; otherwise they are copied. Returns
   * false, and counts the drop, when the queue bound would be exceeded.
   */
  push(samples: Float32Array, reference?: Float32Array): boolean {
    if (this.closed) throw freedError('WorkerCaptureStream');
    const frames = samples.length;
    if (this.stats.inFlightFrames + frames > this.maxQueueFrames) {
      this.stats.droppedPushes++;
      this.stats.droppedFrames += frames;
      return false;
    }
    const payload = movable(samples);
    this.stats.pushes++;
    this.stats.inFlightFrames += frames;
    if (reference === undefined) {
      this.pool.post(this.home, { op: 'push', stream: this.id, samples: payload }, [payload.buffer as ArrayBuffer]);
    } else {
      const played = movable(reference);
      this.pool.post(this.home, { op: 'push', stream: this.id, samples: payload, reference: played }, [
        payload.buffer as ArrayBuffer,
        played.buffer as ArrayBuffer,
      ]);
    }
    return true;
  }

  /** Resolves when everything pushed so far has been processed (its events delivered). */
  drain(): Promise<void> {
    if (this.stats.inFlightFrames === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Ends the stream: resolves with the partial chunk and the resampler's tail. */
  flush(): Promise<CaptureEvent[]> {
    if (this.closed) return Promise.reject(freedError('WorkerCaptureStream'));
    return this.pool.request(this.home, { op: 'flush', stream: this.id });
  }

  /** Forgets the stream (stream time restarts at 0). */
  reset(): void {
    if (this.closed) throw freedError('WorkerCaptureStream');
    this.pool.post(this.home, { op: 'reset', stream: this.id });
  }

  /** Ends the stream and frees its pipeline in the worker (requests made before are still answered). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.release(this.home, this.id);
  }

  /** @internal */
  receive(message: WorkerNotice): void {
    if (message.op === 'events') {
      this.stats.inFlightFrames -= message.frames;
      if (message.events.length > 0) this.onEvents?.(message.events);
      if (this.stats.inFlightFrames === 0 && this.drained.length > 0) {
        const waiting = this.drained;
        this.drained = [];
        for (const resolve of waiting) resolve();
      }
    } else if (message.op === 'error') {
      this.onError?.(message);
    }
  }
}

/** A playback pipeline running in a pool worker. */
export class WorkerPlaybackStream {
  private closed = false;

  constructor(
    private readonly pool: PcmWorkerPool,
    private readonly home: PoolWorker,
    readonly id: number,
  ) {}

  pushDelta(base64: string, itemId: string): void {
    this.post({ op: 'delta', stream: this.id, base64, itemId });
  }

  /** Queues PCM16 samples; their ArrayBuffer is transferred (the array is unusable afterwards). */
  pushPcm16(pcm: Int16Array, itemId: string): void {
    this.live();
    const moved = structuredClone(pcm, { transfer: [pcm.buffer as ArrayBuffer] });
    this.post({ op: 'pcm', stream: this.id, pcm: moved, itemId }, [moved.buffer as ArrayBuffer]);
  }

  endItem(itemId: string): void {
    this.post({ op: 'end-item', stream: this.id, itemId });
  }

  /**
   * The next `output.length` frames for the speaker. `output`'s buffer is transferred to the
   * worker and comes back filled: use the array in the result (the one passed is detached). With
   * `sessionReference`, `reference` (transferred too, and back in the result) gets what was played
   * at the session rate during this read, `referenceFrames` of it (size it
   * `ceil(output.length x inputRate / outputRate) + 256`): push it with the microphone of the same
   * span to a capture stream whose `referenceRate` is its output rate.
   */
  async read(output: Float32Array, reference?: Float32Array): Promise<WorkerReadResult> {
    this.live();
    const moved = structuredClone(output, { transfer: [output.buffer as ArrayBuffer] });
    if (reference === undefined) return this.pool.request<WorkerReadResult>(this.home, { op: 'read', stream: this.id, output: moved });
    const tap = structuredClone(reference, { transfer: [reference.buffer as ArrayBuffer] });
    return this.pool.request<WorkerReadResult>(this.home, { op: 'read', stream: this.id, output: moved, reference: tap });
  }

  /** Stops playback at once; resolves with the playing item and how much of it was heard. */
  interrupt(): Promise<PlaybackInterruption> {
    if (this.closed) return Promise.reject(freedError('WorkerPlaybackStream'));
    return this.pool.request(this.home, { op: 'interrupt', stream: this.id });
  }

  /** No more audio for now: the item being received plays out to its end. Resolves once done. */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(freedError('WorkerPlaybackStream'));
    return this.pool.request(this.home, { op: 'flush', stream: this.id });
  }

  /** Forgets everything buffered and every item. */
  reset(): void {
    this.post({ op: 'reset', stream: this.id });
  }

  /** Ends the stream and frees its pipeline in the worker (requests made before are still answered). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.release(this.home, this.id);
  }

  private live(): void {
    if (this.closed) throw freedError('WorkerPlaybackStream');
  }

  private post(message: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.live();
    this.pool.post(this.home, message, transfer);
  }
}
