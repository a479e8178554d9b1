// Adds the realtime-pcm worklet module to a context once, and gives processors the kernels.
// By default the module is the worklet bundle embedded in this file's bundle, loaded through a Blob
// URL (revoked once loaded), so no file needs to be served; pass `workletUrl` to load
// dist/worklet.js from your server instead (e.g. under a CSP that forbids blob: scripts).
import { WORKLET_SOURCE } from './worklet-source.generated.js';
import { kernelModule, ready, wasmBytes } from '../wasm/load.js';
import { RealtimePcmError } from '../errors.js';
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

/** Request/answer over a node's port: numbered requests, answers matched by `id`. */
export class PortRequests {
  private next = 1;
  private readonly waiting = new Map<number, (message: unknown) => void>();

  constructor(private readonly port: MessagePort) {}

  request<T>(message: { type: string; [key: string]: unknown }): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, resolve as (message: unknown) => void);
      this.port.postMessage({ ...message, id });
    });
  }

  /** Call with every message from the port; returns true when it answered a request. */
  settle(message: { id?: number }): boolean {
    if (typeof message?.id !== 'number') return false;
    const resolve = this.waiting.get(message.id);
    if (resolve === undefined) return false;
    this.waiting.delete(message.id);
    resolve(message);
    return true;
  }
}
