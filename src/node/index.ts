// realtime-pcm/node: everything in `realtime-pcm`, plus a worker_threads host for the pipelines.
export * from '../index.js';
export { PcmWorkerPool, WorkerCaptureStream, WorkerPlaybackStream } from './worker-pool.js';
export type { PcmWorkerPoolOptions, WorkerCaptureStreamOptions, WorkerStreamStats } from './worker-pool.js';
export type { WorkerCaptureOptions, WorkerPlaybackOptions, WorkerReadResult } from './worker-protocol.js';
