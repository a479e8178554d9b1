// The main-thread factories (createCaptureNode, createPlaybackNode, connectRealtimeAudio) and the
// processors they talk to, together in Node: a stand-in AudioWorkletNode constructs the real
// processor class with the two ends of a real MessageChannel (node:worker_threads), so requests,
// answers and notifications cross a port as in a browser (asynchronously, structured-cloned).
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createCaptureProcessorClass } from '../../src/browser/capture-processor.js';
import { createPlaybackProcessorClass } from '../../src/browser/playback-processor.js';
import { createSessionProcessorClass } from '../../src/browser/session-processor.js';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR, SESSION_PROCESSOR } from '../../src/browser/protocol.js';
import { EchoGate } from '../../src/kernels/echo-gate.js';
import type { WorkletScope } from '../../src/browser/worklet-scope.js';

const RATE = 48000;
let processorPort: MessagePort | undefined;

class ProcessorBase {
  readonly port: MessagePort;
  constructor() {
    this.port = processorPort!;
  }
}

const scope: WorkletScope = {
  AudioWorkletProcessor: ProcessorBase as unknown as WorkletScope['AudioWorkletProcessor'],
  sampleRate: RATE,
  createEchoGate: (settings, rate) => new EchoGate({ ...settings, sampleRate: rate }),
};
const CLASSES: Record<string, new (options: unknown) => unknown> = {
  [CAPTURE_PROCESSOR]: createCaptureProcessorClass(scope) as new (options: unknown) => unknown,
  [PLAYBACK_PROCESSOR]: createPlaybackProcessorClass(scope) as new (options: unknown) => unknown,
  [SESSION_PROCESSOR]: createSessionProcessorClass(scope) as new (options: unknown) => unknown,
};

/** The stand-in node: its `processor` is the real processor object, for tests that break it on purpose. */
export class StubWorkletNode extends EventTarget {
  readonly port: MessagePort;
  readonly processor: any;
  connected = true;
  constructor(_context: unknown, name: string, options: { processorOptions?: unknown }) {
    super();
    const channel = new MessageChannel();
    this.port = channel.port1;
    processorPort = channel.port2;
    this.processor = new CLASSES[name]!({ processorOptions: options.processorOptions });
    processorPort = undefined;
    // the processor's port is started by its onmessage setter; the node's by the factory's
  }
  connect(target: unknown): unknown {
    return target;
  }
  disconnect(): void {
    this.connected = false;
  }
  /** Closes both ends of the channel (the ports keep Node's event loop alive while open). */
  shutdown(): void {
    this.port.close();
    this.processor.port.close();
  }
}

/** A context the factories accept, whose worklet "loads" at once. */
export function stubContext(): BaseAudioContext {
  return { sampleRate: RATE, destination: {}, audioWorklet: { addModule: async () => {} } } as unknown as BaseAudioContext;
}

/** Installs the stand-in as the global AudioWorkletNode; returns the nodes it makes (pushed to `made`). */
export function installStubWorklet(made: StubWorkletNode[] = []): StubWorkletNode[] {
  (globalThis as Record<string, unknown>).AudioWorkletNode = class extends StubWorkletNode {
    constructor(context: unknown, name: string, options: { processorOptions?: unknown }) {
      super(context, name, options);
      made.push(this);
    }
  };
  return made;
}

/**
 * For a describe block: installs the stand-in before its tests, shuts down the nodes each test made
 * after it, and removes the global after the block. Returns the nodes (filled as they are made).
 */
export function useStubWorklet(): StubWorkletNode[] {
  const nodes: StubWorkletNode[] = [];
  beforeAll(() => {
    installStubWorklet(nodes);
  });
  afterEach(() => {
    for (const node of nodes.splice(0)) node.shutdown();
  });
  afterAll(() => {
    delete (globalThis as Record<string, unknown>).AudioWorkletNode;
  });
  return nodes;
}
