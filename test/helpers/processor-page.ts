// The page the processor tests render in (test/browser/processors.browser.test.ts, and the flake probe
// test/browser/flake-probe.browser.test.ts): float32 <-> base64, a buffer source, a bounded wait, and
// the library's browser build as window.pcm. A string only: importing it costs nothing.
export const PROCESSOR_PAGE = `<!doctype html><script>
window.f32FromBase64 = (text) => new Float32Array(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer);
window.f32ToBase64 = (f) => {
  const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
};
/** A buffer source in \`context\` playing \`frames\` samples given as float32 base64. */
window.bufferSource = (context, samples, frames) => {
  const buffer = context.createBuffer(1, frames, context.sampleRate);
  buffer.copyToChannel(window.f32FromBase64(samples), 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  return source;
};
/** Resolves when check() is true; rejects after timeoutMs (a failure, not a pacing sleep). */
window.until = (check, timeoutMs, what) => new Promise((resolve, reject) => {
  const started = performance.now();
  const poll = () => check() ? resolve() : performance.now() - started > timeoutMs ? reject(new Error('timed out waiting for ' + what)) : setTimeout(poll, 10);
  poll();
});
</script><script type="module">
import * as pcm from '/dist/browser.js';
window.pcm = pcm;
window.loaded = true;
</script>`;
