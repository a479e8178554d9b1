// The browser tests' one interface to every engine: launch, open a page, evaluate a function in it,
// wait on a condition, screenshot, close. A test body is written once against `EnginePage` and run
// per engine with `describe.each(ENGINES)`, so a failure names the engine. The launchers are
// browser-chromium.ts (playwright-core), browser-firefox.ts (puppeteer-core over WebDriver BiDi)
// and browser-webkit.ts (selenium-webdriver, WebKitWebDriver and MiniBrowser under Xvfb); the
// static file server below serves the repository to them on 127.0.0.1 (a secure context).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES, selectedEngines } from './browser-engines.mjs';
import type { EngineName } from './browser-engines.mjs';
import { SPEECH_48K_PATH } from './speech-fixture.js';

export type { EngineName };

/** What an engine can do here, by what was measured (docs/browsers.md has the detail and versions). */
export interface EngineTraits {
  /**
   * What getUserMedia captures: 'file' plays a WAV (Chromium's --use-file-for-fake-audio-capture),
   * 'tone' is a 1 kHz sine at 0.1 (Firefox's fake stream), 'mock' is WebKit's mock devices (a
   * 150 Hz-ish hum with beeps; three devices at 44.1, 48 and 96 kHz).
   */
  microphone: 'file' | 'tone' | 'mock';
  /** A realtime AudioContext runs (false: Firefox ESR 140, which has no mock audio device for a machine without a sound server). */
  realtimeAudio: boolean;
  /** A microphone stream connects to a context at another rate (false: Firefox up to ESR 140 throws NotSupportedError). */
  crossRateMicrophone: boolean;
  /** The AudioWorklet's heap can be read (Chromium, through the DevTools protocol). */
  workletHeap: boolean;
}

export interface LaunchOptions {
  /** Chromium: the WAV its fake microphone plays (default: the speech fixture, fixtures/browser/speech-48000.wav). */
  microphoneFile?: string;
  /** Firefox: the audio device's rate (media.cubeb.force_sample_rate); the fake microphone and default contexts run at it. */
  deviceRate?: number;
  /** Chromium: extra command-line flags. */
  args?: string[];
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Said in the error when the time runs out. */
  what?: string;
}

export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page (its source text; no closures) and returns its JSON-able result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Polls `fn(arg)` in the page until it is truthy. */
  waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, options?: WaitOptions): Promise<void>;
  screenshot(path: string): Promise<void>;
  /** Uncaught errors, unhandled rejections and console errors seen so far. */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  readonly name: EngineName;
  /** Engine version as the browser reports it (`chromium 156.0.8078.108`, `firefox 153.8.0`, `webkitgtk 2.50.6`). */
  readonly version: string;
  readonly traits: EngineTraits;
  newPage(viewport?: { width: number; height: number }): Promise<EnginePage>;
  close(): Promise<void>;
  /** Chromium only: the playwright page behind an EnginePage, for the DevTools protocol. */
  native?(page: EnginePage): unknown;
}

/** The engines this run tests (ENGINES=firefox,webkit picks some; scripts/setup-engines.mjs installs them). */
export const ENGINES: EngineName[] = selectedEngines();
export { ENGINE_NAMES };

/**
 * The engines whose realtime AudioContext runs here: all but Firefox ESR 140, which has no mock
 * audio device for a machine without a sound server (microphone.browser.test.ts asserts that its
 * contexts stay suspended, and tests what it can do offline).
 */
export const REALTIME_ENGINES: EngineName[] = ENGINES.filter((name) => name !== 'firefox-esr-140');

export async function launchEngine(name: EngineName, options: LaunchOptions = {}): Promise<EngineBrowser> {
  const withMic = { microphoneFile: SPEECH_48K_PATH, ...options };
  switch (name) {
    case 'chromium':
      return (await import('./browser-chromium.js')).launchChromiumEngine(withMic);
    case 'firefox':
    case 'firefox-esr-140':
      return (await import('./browser-firefox.js')).launchFirefoxEngine(name, withMic);
    case 'webkit':
      return (await import('./browser-webkit.js')).launchWebKitEngine(withMic);
  }
}

/** Page-side collector of uncaught errors (for engines whose driver does not report them). */
export const ERROR_COLLECTOR = `(() => {
  if (window.__errors) return;
  window.__errors = [];
  addEventListener('error', (e) => window.__errors.push(String(e.message || e)));
  addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled rejection: ' + String(e.reason && (e.reason.stack || e.reason))));
})()`;

/** Polls `check` (an evaluate) until it is truthy; the shared waitFor of the drivers. */
export async function pollUntil(check: () => Promise<unknown>, options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20000;
  const pollMs = options.pollMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition in the page'}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The repository root (served to the pages: /dist/browser.js, /fixtures/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the tests put screenshots and other things to look at (gitignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

/** A page that imports dist/browser.js as `window.pcm`, dist/kernels.js as `window.pcmKernels`, and sets `window.loaded`. */
export const LIBRARY_PAGE = `<!doctype html><script type="module">
import * as pcm from '/dist/browser.js';
import * as pcmKernels from '/dist/kernels.js';
window.pcm = pcm;
window.pcmKernels = pcmKernels;
window.loaded = true;
</script>`;

export interface LibraryPage {
  browser: EngineBrowser;
  page: EnginePage;
  server: StaticServer;
  close(): Promise<void>;
}

/**
 * Launches `engine`, serves the repository and `pages` on 127.0.0.1, and opens `html` (default:
 * LIBRARY_PAGE) once the library is loaded.
 */
export async function openLibraryPage(
  engine: EngineName,
  options: LaunchOptions & { html?: string; pages?: Record<string, string> } = {},
): Promise<LibraryPage> {
  const server = await serveStatic(REPO_ROOT, { ...options.pages, '/page.html': options.html ?? LIBRARY_PAGE });
  const browser = await launchEngine(engine, options);
  const page = await browser.newPage();
  await page.goto(`${server.url}/page.html`);
  await page.waitFor(() => (window as unknown as { loaded?: boolean }).loaded === true, undefined, { what: 'the library to load' });
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
