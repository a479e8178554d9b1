// Firefox (Debian's firefox-esr, and the unpacked ESR 140) driven by puppeteer-core over WebDriver
// BiDi (no geckodriver), behind the EnginePage interface. Prefs that matter here:
// - media.navigator.streams.fake + media.navigator.permission.disabled: getUserMedia gives a fake
//   microphone (a 1 kHz sine at amplitude 0.1, mono, at the audio device's rate) with no prompt;
// - media.cubeb.force_mock_context (153+): a mock audio device, without which every realtime
//   AudioContext stays suspended on a machine with no sound server (ESR 140 lacks the pref);
// - media.cubeb.force_sample_rate: the device's rate, which default contexts and the mic take.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { enginePaths, type EngineName } from './browser-engines.mjs';
import { ERROR_COLLECTOR, pollUntil, type EngineBrowser, type EnginePage, type LaunchOptions } from './browser.js';

class FirefoxPage implements EnginePage {
  private readonly seen: string[] = [];

  constructor(
    readonly engine: EngineName,
    readonly page: Page,
  ) {
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
    await this.page.screenshot({ path: path as `${string}.png`, fullPage: true });
  }

  async errors() {
    const inPage = await this.page.evaluate(() => (window as any).__errors ?? []).catch(() => []);
    return [...this.seen, ...inPage.filter((e: string) => !this.seen.some((s) => s.includes(e)))];
  }

  close() {
    return this.page.close();
  }
}

export async function launchFirefoxEngine(name: EngineName, options: LaunchOptions): Promise<EngineBrowser> {
  const paths = enginePaths();
  const executablePath = name === 'firefox-esr-140' ? paths['firefox-esr-140'].browser : paths.firefox.browser;
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    headless: true,
    executablePath,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.cubeb.force_mock_context': true,
      ...(options.deviceRate ? { 'media.cubeb.force_sample_rate': options.deviceRate } : {}),
      'media.autoplay.default': 0,
      'media.autoplay.block-webaudio': false,
    },
  });
  const version = (await browser.version()).replace('/', ' ');
  return {
    name,
    version: name === 'firefox-esr-140' ? version.replace('firefox', 'firefox-esr') : version,
    traits: {
      microphone: 'tone',
      realtimeAudio: name === 'firefox',
      crossRateMicrophone: name === 'firefox',
      workletHeap: false,
    },
    async newPage(viewport) {
      const page = await browser.newPage();
      if (viewport) await page.setViewport(viewport);
      return new FirefoxPage(name, page);
    },
    close: () => browser.close(),
  };
}
