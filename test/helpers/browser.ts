// Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a static file
// server on 127.0.0.1 for the pages it loads. Tests only talk to 127.0.0.1.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Flags checked on these machines (DESIGN.md section 8): no sandbox as root, and no background
// networking (this network refuses those connections).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], ...options });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves files below `root` (and `pages`: path -> text, typed by extension, HTML without one) on 127.0.0.1 at a free port. */
export async function serveStatic(root: string, pages: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' });
      res.end(pages[path]);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Heap of a page's AudioWorklet isolate, through the DevTools protocol: the worklet is a CDP
 * target of type 'worklet', reached with Target.sendMessageToTarget. `usage()` collects garbage
 * first, so it reports what is live.
 */
export async function workletHeap(
  page: import('playwright-core').Page,
): Promise<{ usage(): Promise<{ usedSize: number; totalSize: number; backingStorageSize: number }> }> {
  const session = await page.context().newCDPSession(page);
  let sessionId: string | undefined;
  let next = 0;
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  session.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worklet') sessionId = event.sessionId;
  });
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let i = 0; i < 50 && sessionId === undefined; i++) await new Promise((r) => setTimeout(r, 20));
  if (sessionId === undefined) throw new Error('no AudioWorklet target in this page');
  const call = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result as T)));
      void session.send('Target.sendMessageToTarget', { sessionId: sessionId!, message: JSON.stringify({ id, method }) });
    });
  return {
    async usage() {
      await call('HeapProfiler.collectGarbage');
      return call('Runtime.getHeapUsage');
    },
  };
}

/** The repository root (served to the pages: /dist/browser.js, /fixtures/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A page that imports dist/browser.js as `window.pcm`, dist/kernels.js as `window.pcmKernels`, and sets `window.loaded`. */
export const LIBRARY_PAGE = `<!doctype html><script type="module">
import * as pcm from '/dist/browser.js';
import * as pcmKernels from '/dist/kernels.js';
window.pcm = pcm;
window.pcmKernels = pcmKernels;
window.loaded = true;
</script>`;

export interface LibraryPage {
  browser: Browser;
  page: import('playwright-core').Page;
  server: StaticServer;
  close(): Promise<void>;
}

/**
 * Launches Chromium (with `args`), serves the repository and `pages` on 127.0.0.1, and opens
 * `html` (default: LIBRARY_PAGE) once the library is loaded. Page errors are echoed to stderr.
 */
export async function openLibraryPage(options: { args?: string[]; html?: string; pages?: Record<string, string> } = {}): Promise<LibraryPage> {
  const server = await serveStatic(REPO_ROOT, { ...options.pages, '/page.html': options.html ?? LIBRARY_PAGE });
  const browser = await launchChromium(options.args);
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`[page] ${m.text()}`));
  await page.goto(`${server.url}/page.html`);
  await page.waitForFunction(() => (window as unknown as { loaded?: boolean }).loaded === true);
  return {
    browser,
    page,
    server,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
