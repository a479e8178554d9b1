// Memory figures for the lifecycle tests: V8's heap after full garbage collections, a collection
// that also lets FinalizationRegistry callbacks run, and the kernel memory of this scope.
import v8 from 'node:v8';
import vm from 'node:vm';
import { kernelMemory } from '../../src/wasm/load.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap used after three full collections, bytes. */
export function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Collects garbage and yields to the event loop, so that finalization callbacks run. */
export async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Kernel memory figures in KiB, for the logs. */
export function kernelKiB(): string {
  const m = kernelMemory();
  return `memory ${m.memoryBytes / 1024} KiB, live ${(m.liveBytes / 1024).toFixed(1)} KiB in ${m.liveBlocks} blocks`;
}
