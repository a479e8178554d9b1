// realtime-pcm/browser: an ESM file a page (or a worklet) imports with no bundler.
// Kernels compile synchronously on first use; in an engine that limits synchronous wasm
// compilation on the main thread, `await ready()` once first.
export * from '../index.js';
