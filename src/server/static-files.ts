// The few files the demo page needs, and nothing else: the page (demo/), the browser runtime
// (dist/browser.js, the chunks it imports, dist/worklet.js, and their maps) and the demo's speech
// assets. Paths are matched against this list (chunks: against a pattern of esbuild's chunk
// names), never joined blindly onto the file system.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const FILES = new Map<string, string>([
  ['/', 'demo/index.html'],
  ['/index.html', 'demo/index.html'],
  ['/demo/app.js', 'demo/app.js'],
  ['/demo/ui.js', 'demo/ui.js'],
  ['/demo/style.css', 'demo/style.css'],
  ['/demo/assets/turn-48000.wav', 'demo/assets/turn-48000.wav'],
  ['/dist/browser.js', 'dist/browser.js'],
  ['/dist/browser.js.map', 'dist/browser.js.map'],
  ['/dist/worklet.js', 'dist/worklet.js'],
]);

/** The library's shared chunks (scripts/build-js.mjs names them chunk-<hash>.js). */
const CHUNK = /^\/dist\/chunks\/chunk-[A-Z0-9]+\.js(\.map)?$/;

/** Serves a listed file from `root`; answers 404 for anything else, 405 for methods other than GET/HEAD. */
export async function serveFile(root: string, request: IncomingMessage, response: ServerResponse, extra: Record<string, () => string>): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  const dynamic = extra[path];
  if (dynamic !== undefined) {
    response.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/json' }).end(request.method === 'HEAD' ? undefined : dynamic());
    return;
  }
  const file = FILES.get(path) ?? (CHUNK.test(path) ? path.slice(1) : undefined);
  if (file === undefined) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  try {
    const body = await readFile(join(root, file));
    response.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    const hint = file.startsWith('dist/') ? ' (run npm run build)' : '';
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end(`${file} is missing${hint}\n`);
  }
}
