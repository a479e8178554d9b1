// Adds the realtime-pcm worklet module to a context once, and gives processors the kernels.
// By default the module is the worklet bundle embedded in this file's bundle, loaded through a Blob
// URL (revoked once loaded), so no file needs to be served; pass `workletUrl` to load
// dist/worklet.js from your server instead (e.g. under a CSP that forbids blob: scripts).
import { WORKLET_SOURCE } from './worklet-source.generated.js';
import { kernelModule, ready, wasmBytes } from '../wasm/load.js';
import { RealtimePcmError } from '../errors.js';
import { PendingRequests } from '../requests.js';
import { freedError } from '../wasm/blocks.js';
import type { WorkletKernelOptions } from './protocol.js';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Resolves when the processors are registered in `context`'s worklet scope. */
export function loadWorklet(context: BaseAudioContext, workletUrl?: string | URL): Promise<void> {
  let promise = loaded.get(context);
  if (promise === undefined) {
    if (context.audioWorklet === undefined) {
      throw new RealtimePcmError(
        'no_audio_worklet',
        'this context has no audioWorklet (insecure page, or an old browser): serve the page over https or localhost, or install audioworklet-polyfill first (see the README)',
      );
    }
    promise = addModule(context, workletUrl);
    loaded.set(context, promise);
    promise.catch(() => loaded.delete(context));
  }
  return promise;
}

async function addModule(context: BaseAudioContext, workletUrl?: string | URL): Promise<void> {
  await ready();
  if (workletUrl !== undefined) return context.audioWorklet.addModule(String(workletUrl));
  const url = URL.createObjectURL(new Blob([WORKLET_SOURCE], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Creates an AudioWorkletNode, handing it the compiled kernels. Where a WebAssembly.Module cannot
 * be cloned into the worklet, the wasm bytes are sent instead (the worklet compiles them itself).
 */
export function createWorkletNode<T extends object>(
  context: BaseAudioContext,
  name: string,
  options: AudioWorkletNodeOptions,
  processorOptions: T & WorkletKernelOptions,
): AudioWorkletNode {
  try {
    return new AudioWorkletNode(context, name, {
      ...options,
      processorOptions: { ...processorOptions, sampleRate: context.sampleRate, module: kernelModule() },
    });
  } catch (error) {
    if ((error as Error)?.name !== 'DataCloneError') throw error;
    return new AudioWorkletNode(context, name, {
      ...options,
      processorOptions: { ...processorOptions, sampleRate: context.sampleRate, wasmBytes: wasmBytes() },
    });
  }
}

/**
 * The main-thread end of a processor's port (src/requests.ts): requests that always settle (the
 * answer, its error, a `processorerror`, or the timeout), notifications, and `close`, which tells
 * the processor to free its kernel memory. Requests made before `close` are still answered; after
 * it, requests reject and notifications throw RealtimePcmError('freed'). Once closed and answered,
 * the port is closed too: an open port with a listener keeps its processor alive in Chromium (its
 * pipelines' buffers included), however the node is dropped.
 */
export class ProcessorPort<Notice> {
  private readonly pending: PendingRequests;
  private closed = false;

  constructor(
    private readonly node: AudioWorkletNode,
    private readonly name: string,
    timeoutMs: number,
    onNotice: (message: Notice) => void,
  ) {
    this.pending = new PendingRequests(timeoutMs);
    node.port.onmessage = (event: MessageEvent) => {
      if (!this.pending.settle(event.data)) onNotice(event.data as Notice);
    };
    // a processor that threw in its constructor or process() never answers
    node.addEventListener?.('processorerror', () => this.pending.failAll(new RealtimePcmError('processor_error', `the ${name} processor failed`)));
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a request; resolves with its result. */
  request<T>(message: { type: string; [key: string]: unknown }): Promise<T> {
    if (this.closed) return Promise.reject(freedError(`${this.name} node`));
    const { id, promise } = this.pending.open<T>(`${this.name} ${message.type}`);
    try {
      this.node.port.postMessage({ ...message, id });
    } catch (error) {
      this.pending.reject(id, error as Error); // e.g. a DataCloneError
    }
    return promise;
  }

  /** Sends a notification (no answer). */
  notify(message: { type: string; [key: string]: unknown }, transfer: Transferable[] = []): void {
    if (this.closed) throw freedError(`${this.name} node`);
    this.node.port.postMessage(message, transfer);
  }

  /** Tells the processor to free its kernel memory and end; disconnects the node. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.node.port.postMessage({ type: 'close' });
    this.node.disconnect();
    this.pending.onIdle = () => this.shut();
    if (this.pending.size === 0) this.shut();
  }

  private shut(): void {
    this.node.port.onmessage = null;
    this.node.port.close();
  }
}

/** Options every worklet node factory takes (createCaptureNode, createPlaybackNode). */
export interface WorkletNodeOptions {
  /** Errors from the audio thread (a kernel threw: the processor then stays silent). */
  onError?: (error: { code: string; message: string }) => void;
  /** Load the worklet from this URL (dist/worklet.js) instead of the embedded copy. */
  workletUrl?: string | URL;
  /** How long requests to the audio thread (getStats(), flush(), interrupt()) wait before they reject, ms. Default 10000. */
  requestTimeoutMs?: number;
}
