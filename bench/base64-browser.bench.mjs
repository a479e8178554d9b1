// Base64 in real headless Chromium: the engine's native Uint8Array.toBase64/fromBase64, the wasm
// codec (what runs where there is no native base64: AudioWorklets of engines without it, older
// browsers), and chunked btoa/atob (what browser code does today). Timed in the page with
// performance.now over fixed time budgets (benny does not run in a page); same sizes as base64.bench.mjs.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
/** @typedef {import('./lib.mjs').BenchRow} BenchRow */
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, enginePaths } from '../test/helpers/browser-engines.mjs';
import { formatTable } from './lib.mjs';

// dist/kernels.js and the chunks it imports (the library's entries share them)
const LIBRARY = /^\/(kernels\.js|chunks\/chunk-[A-Z0-9]+\.js)$/;
const server = createServer((req, res) => {
  const path = req.url ?? '/';
  if (LIBRARY.test(path)) res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(new URL(`../dist${path}`, import.meta.url)));
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>');
});
await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const browser = await chromium.launch({ executablePath: enginePaths().chromium.browser, args: CHROMIUM_FLAGS });
const page = await browser.newPage();
await page.goto(url);
const budgetMs = Number(process.env.BENCH_MAX_TIME ?? 0.5) * 1000;
const raw = await page.evaluate(
  async ({ budgetMs, libraryUrl }) => {
    /** @type {typeof import('realtime-pcm/kernels')} */
    const lib = await import(libraryUrl);
    await lib.ready();
    const native = lib.base64Codecs.find((c) => c.name === 'native');
    const wasm = lib.wasmBase64;
    /** @param {Uint8Array} bytes */
    const btoaChunked = (bytes) => {
      let binary = '';
      for (let i = 0; i < bytes.length; i += 8192)
        binary += String.fromCharCode.apply(null, /** @type {number[]} */ (/** @type {unknown} */ (bytes.subarray(i, i + 8192))));
      return btoa(binary);
    };
    /** @param {string} text */
    const atobLoop = (text) => {
      const binary = atob(text);
      const out = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
      return out;
    };
    /** @param {() => unknown} fn */
    const time = (fn) => {
      for (let i = 0; i < 3; i++) fn();
      let calls = 0;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < budgetMs) {
        fn();
        calls++;
        elapsed = performance.now() - start;
      }
      return (calls * 1000) / elapsed;
    };
    /** @type {Array<{ group: string, impl: string, opsPerSecond: number, bytes: number, baseline: boolean }>} */
    const rows = [];
    /** @type {Array<[string, number]>} */
    const sizes = [
      ['20 ms (960 B)', 960],
      ['4 KiB', 4096],
      ['1 MiB', 1048576],
    ];
    for (const [label, bytes] of sizes) {
      const data = new Uint8Array(bytes).map((_, i) => Math.imul(i, 2654435761) >>> 24);
      const text = btoaChunked(data);
      /**
       * @param {string} group
       * @param {string} impl
       * @param {() => unknown} fn
       */
      const add = (group, impl, fn, baseline = false) => rows.push({ group: `${group} ${label}`, impl, opsPerSecond: time(fn), bytes, baseline });
      if (native) add('encode', 'native toBase64', () => native.encode(data));
      add('encode', 'wasm codec', () => wasm.encode(data));
      add('encode', 'chunked btoa', () => btoaChunked(data), true);
      if (native) add('decode', 'native fromBase64 + strict checks', () => native.decode(text));
      add('decode', 'wasm codec (strict)', () => wasm.decode(text));
      add('decode', 'atob + charCodeAt loop', () => atobLoop(text), true);
    }
    return { rows, userAgent: navigator.userAgent };
  },
  { budgetMs, libraryUrl: '/kernels.js' },
);
await browser.close();
server.close();

/** @type {Array<BenchRow & { bytes: number }>} */
const rows = raw.rows.map((r) => ({ ...r, mbPerSecond: (r.opsPerSecond * r.bytes) / 1e6, xRealtime: (r.opsPerSecond * r.bytes) / 48000 }));
for (const row of rows) {
  const base = rows.find((r) => r.group === row.group && r.baseline);
  row.ratioToBaseline = base === undefined ? null : row.opsPerSecond / base.opsPerSecond;
}
console.log(`\nbase64 in ${raw.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}\n${formatTable(rows)}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/base64-browser.json', import.meta.url),
  JSON.stringify({ name: 'base64-browser', date: new Date().toISOString(), userAgent: raw.userAgent, budgetMs, rows }, null, 2),
);
