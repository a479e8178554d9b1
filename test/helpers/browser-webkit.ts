// WebKit (WebKitGTK's MiniBrowser, Debian's webkit2gtk-driver) driven by selenium-webdriver through
// WebKitWebDriver, on an Xvfb display, behind the EnginePage interface. MiniBrowser arguments that
// matter: --autoplay-policy=allow (else realtime contexts stay suspended), and
// --enable-mock-capture-devices=true with --enable-media-stream=true (else getUserMedia finds no
// device). The mock microphones are three devices at 44.1, 48 and 96 kHz. One WebKitWebDriver
// serves one session (one window), so each page gets its own driver.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { enginePaths } from './browser-engines.mjs';
import { ERROR_COLLECTOR, pollUntil, type EngineBrowser, type EnginePage, type LaunchOptions } from './browser.js';

const MINIBROWSER_ARGS = ['--automation', '--autoplay-policy=allow', '--enable-mock-capture-devices=true', '--enable-media-stream=true'];

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function start(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: ('ignore' | 'pipe')[]): ChildProcess {
  const child = spawn(command, args, { env, stdio });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** An Xvfb server on the first free display (-displayfd reports which). */
async function startXvfb(xvfb: string): Promise<{ display: string; process: ChildProcess }> {
  const child = start(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], process.env, ['ignore', 'ignore', 'pipe', 'pipe']);
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdio[3]!.on('data', (data) => {
      text += data;
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before reporting its display`)));
  });
  return { display, process: child };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

class WebKitPage implements EnginePage {
  readonly engine = 'webkit' as const;

  constructor(
    readonly driver: WebDriver,
    private readonly driverProcess: ChildProcess,
  ) {}

  async goto(url: string) {
    await this.driver.get(url);
    await this.driver.executeScript(ERROR_COLLECTOR);
  }

  async evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String((error && error.stack) || error) + (error && error.name ? ' [' + error.name + ']' : '') }),
);`;
    const result = (await this.driver.executeAsyncScript(script, arg ?? null)) as { value?: R; error?: string };
    if (result.error !== undefined) throw new Error(`in WebKit: ${result.error}`);
    return result.value as R;
  }

  waitFor<A>(fn: (arg: A) => unknown, arg?: A, options: { timeoutMs?: number; pollMs?: number; what?: string } = {}) {
    return pollUntil(() => this.evaluate(fn, arg), options);
  }

  async screenshot(path: string) {
    await writeFile(path, Buffer.from(await this.driver.takeScreenshot(), 'base64'));
  }

  async errors() {
    return (await this.driver.executeScript('return window.__errors || []')) as string[];
  }

  async close() {
    await this.driver.quit().catch(() => undefined);
    await stop(this.driverProcess);
  }
}

export async function launchWebKitEngine(_options: LaunchOptions): Promise<EngineBrowser> {
  const paths = enginePaths().webkit;
  const xvfb = await startXvfb(paths.xvfb);
  const env = { ...process.env, DISPLAY: xvfb.display };
  const pages = new Set<WebKitPage>();
  let version = 'webkitgtk';

  async function newPage(viewport?: { width: number; height: number }): Promise<WebKitPage> {
    const port = await freePort();
    const driverProcess = start(paths.driver, [`--port=${port}`, '--host=local'], env, ['ignore', 'ignore', 'ignore']);
    await pollUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/status`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: 20000, pollMs: 50, what: 'WebKitWebDriver to listen' },
    );
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: paths.browser, args: MINIBROWSER_ARGS } })
      .build();
    await driver.manage().setTimeouts({ script: 300_000, pageLoad: 60_000 });
    if (viewport) await driver.manage().window().setRect({ width: viewport.width, height: viewport.height });
    version = `webkitgtk ${(await driver.getCapabilities()).get('browserVersion')}`;
    const page = new WebKitPage(driver, driverProcess);
    pages.add(page);
    const close = page.close.bind(page);
    page.close = async () => {
      pages.delete(page);
      await close();
    };
    return page;
  }

  // a first page tells the version (and proves the driver starts); tests get it from newPage()
  const first = await newPage();
  let spare: WebKitPage | undefined = first;
  return {
    name: 'webkit',
    get version() {
      return version;
    },
    traits: { microphone: 'mock', realtimeAudio: true, crossRateMicrophone: true, workletHeap: false },
    async newPage(viewport) {
      if (spare !== undefined) {
        const page = spare;
        spare = undefined;
        if (viewport) await page.driver.manage().window().setRect({ width: viewport.width, height: viewport.height });
        return page;
      }
      return newPage(viewport);
    },
    async close() {
      for (const page of [...pages]) await page.close();
      await stop(xvfb.process);
    },
  };
}
