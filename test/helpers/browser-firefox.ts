// Firefox (Debian's firefox-esr, and the unpacked ESR 140) driven by puppeteer-core over WebDriver
// BiDi (no geckodriver), behind the EnginePage interface. Prefs that matter here:
// - media.navigator.streams.fake + media.navigator.permission.disabled: getUserMedia gives a fake
//   microphone (a 1 kHz sine at amplitude 0.1, mono, at the audio device's rate) with no prompt;
// - media.cubeb.force_mock_context (153+): a mock audio device, without which every realtime
//   AudioContext stays suspended on a machine with no sound server (ESR 140 lacks the pref);
// - media.cubeb.force_sample_rate: the device's rate, which default contexts and the mic take.
import puppeteer, { type Browser } from 'puppeteer-core';
import { enginePaths, type EngineName } from './browser-engines.mjs';
import type { EngineBrowser, LaunchOptions } from './browser.js';
import { DevtoolsPage } from './browser-devtools-page.js';

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
      return new DevtoolsPage(name, page);
    },
    close: () => browser.close(),
  };
}
