// The EnginePage of the drivers whose pages speak alike: playwright-core's (Chromium) and
// puppeteer-core's (Firefox over WebDriver BiDi). Both take a function to evaluate, report console
// errors and uncaught exceptions as events, and screenshot the full page.
import { ERROR_COLLECTOR, pollUntil, type EngineName, type EnginePage, type WaitOptions } from './browser.js';

/** What both libraries' pages offer, as used here. */
export interface ScriptablePage {
  goto(url: string): Promise<unknown>;
  evaluate(fn: never, arg?: never): Promise<unknown>;
  screenshot(options: { path: never; fullPage: boolean }): Promise<unknown>;
  close(): Promise<void>;
  on(...args: never[]): unknown;
}

export class DevtoolsPage implements EnginePage {
  private readonly seen: string[] = [];

  constructor(
    readonly engine: EngineName,
    readonly page: ScriptablePage,
  ) {
    const onConsole = (m: { type(): string; text(): string }) => m.type() === 'error' && this.seen.push(`console: ${m.text()}`);
    page.on('console' as never, onConsole as never);
    page.on('pageerror' as never, ((e: unknown) => this.seen.push(String(e))) as never);
  }

  async goto(url: string) {
    await this.page.goto(url);
    await this.page.evaluate(ERROR_COLLECTOR as never);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as never, arg as never) as Promise<R>;
  }

  waitFor<A>(fn: (arg: A) => unknown, arg?: A, options: WaitOptions = {}) {
    return pollUntil(() => this.evaluate(fn, arg), options);
  }

  async screenshot(path: string) {
    await this.page.screenshot({ path: path as never, fullPage: true });
  }

  /** The driver's reports, and what the page's own collector saw that they did not. */
  async errors() {
    const inPage = await this.evaluate(() => ((window as any).__errors ?? []) as string[]).catch(() => [] as string[]);
    return [...this.seen, ...inPage.filter((e) => !this.seen.some((s) => s.includes(e)))];
  }

  close() {
    return this.page.close();
  }
}
