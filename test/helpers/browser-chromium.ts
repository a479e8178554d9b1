// Chromium (Debian's /usr/bin/chromium) driven by playwright-core, behind the EnginePage interface.
// Its fake microphone plays a WAV file: 48 kHz mono with the default (processing on) constraints,
// 44.1 kHz stereo with echoCancellation, noiseSuppression and autoGainControl off.
import { chromium, type Browser, type Page } from 'playwright-core';
import { enginePaths } from './browser-engines.mjs';
import { ERROR_COLLECTOR, pollUntil, type EngineBrowser, type EnginePage, type LaunchOptions } from './browser.js';

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

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: enginePaths().chromium.browser, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

class ChromiumPage implements EnginePage {
  readonly engine = 'chromium' as const;
  private readonly seen: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (m) => m.type() === 'error' && this.seen.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => this.seen.push(String(e)));
  }

  async goto(url: string) {
    await this.page.goto(url);
    await this.page.evaluate(ERROR_COLLECTOR);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as never, arg as never) as Promise<R>;
  }

  waitFor<A>(fn: (arg: A) => unknown, arg?: A, options: { timeoutMs?: number; pollMs?: number; what?: string } = {}) {
    return pollUntil(() => this.evaluate(fn, arg), options);
  }

  async screenshot(path: string) {
    await this.page.screenshot({ path, fullPage: true });
  }

  async errors() {
    return [...this.seen];
  }

  close() {
    return this.page.close();
  }
}

export async function launchChromiumEngine(options: LaunchOptions): Promise<EngineBrowser> {
  const micArgs =
    options.microphoneFile === undefined
      ? []
      : ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${options.microphoneFile}`];
  const browser = await launchChromium([...micArgs, ...(options.args ?? [])]);
  return {
    name: 'chromium',
    version: `chromium ${browser.version()}`,
    traits: { microphone: 'file', realtimeAudio: true, crossRateMicrophone: true, workletHeap: true },
    async newPage(viewport) {
      return new ChromiumPage(await browser.newPage(viewport ? { viewport } : {}));
    },
    close: () => browser.close(),
    native: (page) => (page as ChromiumPage).page,
  };
}
