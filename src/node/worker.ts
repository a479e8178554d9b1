// The worker_threads side of PcmWorkerPool: hosts any number of capture and playback pipelines
// (one per stream id) and runs them on the messages it gets. Bundled alone (dist/node-worker.cjs)
// and embedded into dist/node.js, which starts it with `eval`.
import { parentPort, workerData } from 'node:worker_threads';
import { setKernelModule } from '../wasm/load.js';
import { errorData } from '../errors.js';
import { CapturePipeline } from '../pipeline/capture.js';
import { PlaybackPipeline } from '../pipeline/playback.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

// the compiled kernels come from the pool (compiled once per process)
if (workerData?.module instanceof WebAssembly.Module) setKernelModule(workerData.module);

const captures = new Map<number, CapturePipeline>();
const playbacks = new Map<number, PlaybackPipeline>();
const port = parentPort!;

// replies to one batch of requests go back as one message
let outbox: WorkerReply[] = [];
let transfers: ArrayBuffer[] = [];
function post(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  outbox.push(message);
  for (const buffer of transfer) transfers.push(buffer);
}

function errorOf(error: unknown): { code: string; message: string } {
  return errorData(error, 'worker_error');
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
  const stream = message.stream;
  try {
    switch (message.op) {
      case 'create-capture':
        captures.set(stream, new CapturePipeline(message.options as ConstructorParameters<typeof CapturePipeline>[0]));
        return post({ op: 'answer', stream, req: message.req, value: true });
      case 'create-playback':
        playbacks.set(stream, new PlaybackPipeline(message.options));
        return post({ op: 'answer', stream, req: message.req, value: true });
      case 'push': {
        const events = captures.get(stream)!.push(message.samples);
        return post({ op: 'events', stream, events, frames: message.samples.length });
      }
      case 'flush':
        return post({ op: 'answer', stream, req: message.req, value: captures.get(stream)!.flush() });
      case 'delta':
        playbacks.get(stream)!.pushDelta(message.base64, message.itemId);
        return;
      case 'pcm':
        playbacks.get(stream)!.pushPcm16(message.pcm, message.itemId);
        return;
      case 'end-item':
        playbacks.get(stream)!.endItem(message.itemId);
        return;
      case 'read': {
        const frames = playbacks.get(stream)!.read(message.output);
        return post({ op: 'read', stream, req: message.req, output: message.output, frames }, [message.output.buffer as ArrayBuffer]);
      }
      case 'interrupt':
        return post({ op: 'answer', stream, req: message.req, value: playbacks.get(stream)!.interrupt() });
      case 'close':
        captures.delete(stream);
        playbacks.delete(stream);
        return;
    }
  } catch (error) {
    const req = (message as { req?: number }).req;
    if (req !== undefined) post({ op: 'answer', stream, req, error: errorOf(error) });
    else post({ op: 'error', stream, ...errorOf(error) });
    // a push that failed is still accounted for, so the sender's queue does not stay full
    if (message.op === 'push') post({ op: 'events', stream, events: [], frames: message.samples.length });
  }
}
