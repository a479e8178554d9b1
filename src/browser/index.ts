// realtime-pcm/browser: an ESM file a page (or a worklet) imports with no bundler.
// On a browser main thread, `await ready()` once before calling a kernel (Chromium refuses to
// compile more than 4 KB of wasm synchronously there).
export * from '../index.js';
