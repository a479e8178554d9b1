// Chromium (Debian's /usr/bin/chromium) driven by playwright-core, behind the EnginePage interface.
// Its fake microphone plays a WAV file: 48 kHz mono with the default (processing on) constraints,
// 44.1 kHz stereo with echoCancellation, noiseSuppression and autoGainControl off.
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, enginePaths } from './browser-engines.mjs';
import type { EngineBrowser, LaunchOptions } from './browser.js';
import { DevtoolsPage } from './browser-devtools-page.js';

// The machine's flags (browser-engines.mjs), and autoplay allowed
export const CHROMIUM_ARGS = [...CHROMIUM_FLAGS, '--autoplay-policy=no-user-gesture-required'];

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: enginePaths().chromium.browser, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Heap of a page's AudioWorklet isolate, through the DevTools protocol: the worklet is a CDP
 * target of type 'worklet', reached with Target.sendMessageToTarget. `usage()` collects garbage
 * first, so it reports what is live.
 */
export async function workletHeap(page: Page): Promise<{ usage(): Promise<{ usedSize: number; totalSize: number; backingStorageSize: number }> }> {
  const session = await page.context().newCDPSession(page);
  let sessionId: string | undefined;
  let next = 0;
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  const attached = new Promise<void>((resolve) =>
    session.on('Target.attachedToTarget', (event) => {
      if (event.targetInfo.type !== 'worklet') return;
      sessionId = event.sessionId;
      resolve();
    }),
  );
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  await Promise.race([attached, new Promise((_, reject) => setTimeout(() => reject(new Error('no AudioWorklet target in this page')), 5000))]);
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
      return new DevtoolsPage('chromium', await browser.newPage(viewport ? { viewport } : {}));
    },
    close: () => browser.close(),
    native: (page) => (page as DevtoolsPage).page,
  };
}
