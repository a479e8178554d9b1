// What the processors need from the AudioWorkletGlobalScope, injected so that they can be unit
// tested in Node with stand-ins: the processor base class, the context's sample rate, and the
// kernels (the compiled module arrives through processorOptions; the worklet bundle carries no
// wasm bytes of its own).
import { kernelMemory, setKernelModule } from '../wasm/load.js';
import { RealtimePcmError, WasmLoadError, errorData } from '../errors.js';
import { answer, requestId } from '../requests.js';
import type { WorkletKernelOptions, WorkletMemoryStats } from './protocol.js';

/** The part of AudioWorkletProcessor the processors use. */
export interface ProcessorBase {
  readonly port: MessagePort;
}
export type ProcessorBaseClass = new (options?: unknown) => ProcessorBase;

/** A processor as the worklet (or a test) drives it. */
export interface WorkletProcessor extends ProcessorBase {
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

/** Options of the echo gate the capture processor builds (EchoGateOptions without sampleRate). */
export type EchoGateSettings = Record<string, unknown>;

/** The echo canceller's settings as they cross into the worklet: on/off, or EchoCancellerOptions without sampleRate. */
export type EchoCancellerSettings = boolean | Record<string, unknown>;

/** What the capture processor needs of an echo gate (an `EchoGate` fits). */
export interface EchoGateLike {
  readonly open: boolean;
  pushReference(playback: Float32Array): void;
  processInto(input: Float32Array, output: Float32Array): number;
  reset?(): void;
  free?(): void;
}

export interface WorkletScope {
  AudioWorkletProcessor: ProcessorBaseClass;
  sampleRate: number;
  /** Builds the capture side's echo gate (the worklet entry passes `new EchoGate(...)`). */
  createEchoGate?: (settings: EchoGateSettings, sampleRate: number) => EchoGateLike;
}

/** Installs the kernels the factory sent; does nothing when this scope already has them. */
export function installKernels(options: WorkletKernelOptions | undefined): void {
  // tag checks rather than instanceof: under a main-thread emulation (audioworklet-polyfill) the
  // processor runs in another realm, whose WebAssembly and Uint8Array are not the page's
  if (Object.prototype.toString.call(options?.module) === '[object WebAssembly.Module]') {
    setKernelModule(options!.module!);
  } else if (Object.prototype.toString.call(options?.wasmBytes) === '[object Uint8Array]') {
    setKernelModule(new WebAssembly.Module(options!.wasmBytes as BufferSource)); // synchronous compile is allowed off the main thread
  } else {
    throw new WasmLoadError('the realtime-pcm worklet needs processorOptions.module (or wasmBytes): create nodes with the realtime-pcm/browser factories');
  }
}

/**
 * The context's rate: the worklet global, or the one the factory sent (audioworklet-polyfill's
 * main-thread emulation reports a global sampleRate of 0).
 */
export function contextRate(scope: WorkletScope, options: WorkletKernelOptions | undefined): number {
  return scope.sampleRate > 0 ? scope.sampleRate : (options?.sampleRate ?? 0);
}

/** The echo gate a processor's `echoGate` option asks for (undefined when off), at the context's rate. */
export function workletEchoGate(scope: WorkletScope, option: boolean | EchoGateSettings | undefined, rate: number): EchoGateLike | undefined {
  if (option === undefined || option === false) return undefined;
  if (scope.createEchoGate === undefined) throw new RealtimePcmError('no_echo_gate', 'this worklet build has no echo gate');
  return scope.createEchoGate(option === true ? {} : option, rate);
}

/** Where the played signal goes: the capture pipeline (its echo canceller and echo gate). */
export interface ReferenceSink {
  /** The rate it takes the played signal at: the context's, or the session's (the playback's tap). */
  readonly referenceRate: number;
  pushReference(playback: Float32Array): void;
}

/** Links processors of one context: the playback processor feeds the capture processor's echo stages. */
export interface EchoLink {
  reference: ReferenceSink | undefined;
}

const LINKS = Symbol.for('realtime-pcm.echo-links');

export function echoLink(linkId: string): EchoLink {
  const scope = globalThis as unknown as { [LINKS]?: Map<string, EchoLink> };
  scope[LINKS] ??= new Map();
  const links = scope[LINKS];
  let link = links.get(linkId);
  if (link === undefined) {
    link = { reference: undefined };
    links.set(linkId, link);
  }
  return link;
}

/** Forgets the sink a closing capture processor gave its link, so that playback stops feeding it. */
export function unlinkEcho(linkId: string | undefined, sink: ReferenceSink | undefined): void {
  if (linkId === undefined) return;
  const link = echoLink(linkId);
  if (link.reference === sink) link.reference = undefined;
}

/**
 * Runs one message from the node. A request (with an `id`) is always answered, `{ id, result }`
 * with what `run` returns or `{ id, error }` with what it throws; a notification that throws is
 * reported as an `error` message.
 */
export function serve<M>(port: MessagePort, message: M, run: (message: M) => unknown): void {
  const id = requestId(message);
  if (id !== undefined) {
    port.postMessage(answer(id, () => run(message)));
    return;
  }
  try {
    run(message);
  } catch (error) {
    port.postMessage({ type: 'error', ...errorData(error, 'processor_error') });
  }
}

/**
 * Closes a processor's end of its port once it has freed what it owns (the node's 'close' is the
 * last message it handles): an open port with a listener would keep the processor alive.
 */
export function closePort(port: MessagePort): void {
  port.onmessage = null;
  port.close();
}

/** The error for a message type a processor does not know. */
export function unknownMessage(processor: string, message: unknown): RealtimePcmError {
  return new RealtimePcmError('unknown_message', `unknown message to the ${processor} processor: ${String((message as { type?: unknown })?.type)}`);
}

/** The kernel memory of this AudioWorklet scope, for the processors' stats. */
export function workletMemory(): WorkletMemoryStats {
  const memory = kernelMemory();
  return { kernelMemoryBytes: memory.memoryBytes, kernelLiveBytes: memory.liveBytes };
}
