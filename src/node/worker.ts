// The worker_threads side of PcmWorkerPool: hosts any number of capture and playback pipelines
// (one per stream id) and runs them on the messages it gets; `close` frees a stream's pipeline.
// Every request is answered (src/requests.ts). Bundled alone (dist/node-worker.cjs) and embedded
// into dist/node.js, which starts it with `eval`.
import { parentPort, workerData } from 'node:worker_threads';
import { kernelMemory, setKernelModule } from '../wasm/load.js';
import { OptionsError, RealtimePcmError, errorData } from '../errors.js';
import { answer, requestId } from '../requests.js';
import { CapturePipeline } from '../pipeline/capture.js';
import { PlaybackPipeline } from '../pipeline/playback.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

// the compiled kernels come from the pool (compiled once per process)
if (workerData?.module instanceof WebAssembly.Module) setKernelModule(workerData.module);

const captures = new Map<number, CapturePipeline>();
const playbacks = new Map<number, PlaybackPipeline>();
/** Per playback stream with `sessionReference`: where the read in progress puts what is played at the session rate. */
const taps = new Map<number, SessionTap>();

/** The tap of one playback stream: the blocks played during a read go into the caller's `reference` array. */
class SessionTap {
  target: Float32Array | undefined;
  frames = 0;
  pushReference(block: Float32Array): void {
    const target = this.target;
    if (target === undefined) return;
    if (this.frames + block.length > target.length) {
      throw new RealtimePcmError(
        'buffer_too_small',
        `read: the reference array holds ${target.length} frames, this read played more; size it ceil(output.length x inputRate / outputRate) + 2 x 128`,
      );
    }
    target.set(block, this.frames);
    this.frames += block.length;
  }
}
const port = parentPort!;

// replies to one batch of requests go back as one message
let outbox: WorkerReply[] = [];
let transfers: ArrayBuffer[] = [];
function post(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  outbox.push(message);
  for (const buffer of transfer) transfers.push(buffer);
}

port.on('message', (batch: WorkerRequest[]) => {
  for (const message of batch) handle(message);
  const replies = outbox;
  const transfer = transfers;
  outbox = [];
  transfers = [];
  if (replies.length > 0) port.postMessage(replies, transfer);
});

function handle(message: WorkerRequest): void {
  const id = requestId(message);
  if (id !== undefined) {
    const reply = answer(id, () => run(message));
    // a read's buffers go back to the caller, moved
    const moved: ArrayBuffer[] = [];
    if (message.op === 'read' && 'result' in reply) {
      moved.push(message.output.buffer as ArrayBuffer);
      if (message.reference !== undefined) moved.push(message.reference.buffer as ArrayBuffer);
    }
    return post(reply, moved);
  }
  try {
    run(message);
  } catch (error) {
    post({ op: 'error', stream: message.stream, ...errorData(error, 'worker_error') });
  }
}

function capture(stream: number): CapturePipeline {
  const pipeline = captures.get(stream);
  if (pipeline === undefined) throw new RealtimePcmError('no_stream', `capture stream ${stream} does not exist (closed?)`);
  return pipeline;
}

function playback(stream: number): PlaybackPipeline {
  const pipeline = playbacks.get(stream);
  if (pipeline === undefined) throw new RealtimePcmError('no_stream', `playback stream ${stream} does not exist (closed?)`);
  return pipeline;
}

function run(message: WorkerRequest): unknown {
  const stream = message.stream;
  switch (message.op) {
    case 'create-capture':
      captures.set(stream, new CapturePipeline(message.options as ConstructorParameters<typeof CapturePipeline>[0]));
      return true;
    case 'create-playback': {
      const { sessionReference, ...options } = message.options;
      if (sessionReference !== undefined && typeof sessionReference !== 'boolean') {
        throw new OptionsError(
          `sessionReference must be true or false in a worker (what is played comes back with each read), got ${String(sessionReference)}`,
        );
      }
      const tap = sessionReference === true ? new SessionTap() : undefined;
      playbacks.set(stream, new PlaybackPipeline({ ...options, sessionReference: tap }));
      if (tap !== undefined) taps.set(stream, tap);
      return true;
    }
    case 'push': {
      // accounted for even when it fails, so the sender's queue does not stay full
      let events: ReturnType<CapturePipeline['push']> = [];
      try {
        const pipeline = capture(stream);
        if (message.reference !== undefined) pipeline.pushReference(message.reference); // first: the echo it pairs with
        events = pipeline.push(message.samples);
      } finally {
        post({ op: 'events', stream, events, frames: message.samples.length });
      }
      return;
    }
    case 'flush':
      return captures.has(stream) ? capture(stream).flush() : playback(stream).flush();
    case 'delta':
      return playback(stream).pushDelta(message.base64, message.itemId);
    case 'pcm':
      return playback(stream).pushPcm16(message.pcm, message.itemId);
    case 'end-item':
      return playback(stream).endItem(message.itemId);
    case 'read': {
      const pipeline = playback(stream);
      const tap = taps.get(stream);
      if (tap === undefined) return { output: message.output, frames: pipeline.read(message.output), referenceFrames: 0 };
      tap.target = message.reference;
      tap.frames = 0;
      try {
        const frames = pipeline.read(message.output);
        return { output: message.output, frames, reference: message.reference, referenceFrames: tap.frames };
      } finally {
        tap.target = undefined;
      }
    }
    case 'interrupt':
      return playback(stream).interrupt();
    case 'memory':
      return kernelMemory();
    case 'reset':
      return captures.has(stream) ? capture(stream).reset() : playback(stream).reset();
    case 'close':
      captures.get(stream)?.free();
      playbacks.get(stream)?.free();
      captures.delete(stream);
      playbacks.delete(stream);
      taps.delete(stream);
      return;
  }
}
