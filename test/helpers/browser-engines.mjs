// Where the browser engines the tests drive live on this machine, and what installs them. Used by
// scripts/setup-engines.mjs (which installs what is missing before the tests) and by the per-engine
// launchers (test/helpers/browser-*.ts). Every engine comes from Debian packages, none from a
// browser download: Chromium (`chromium`), Firefox (`firefox-esr` from the security suite, 153 ESR
// here), WebKitGTK (`webkit2gtk-driver`: WebKitWebDriver and MiniBrowser, run under Xvfb), and the
// older Firefox ESR 140 from Debian's main suite, unpacked from its .deb into a cache directory
// beside the installed one (it shares the installed Firefox's libraries).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Every engine the browser tests know, in the order they run. */
export const ENGINE_NAMES = ['chromium', 'firefox', 'firefox-esr-140', 'webkit'];

/** The engines to test: `ENGINES=firefox,webkit` (comma or space separated), else all of them. */
export function selectedEngines(env = process.env) {
  const asked = (env.ENGINES ?? '').split(/[\s,]+/).filter(Boolean);
  if (asked.length === 0) return [...ENGINE_NAMES];
  const unknown = asked.filter((name) => !ENGINE_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`ENGINES: unknown engine ${unknown.join(', ')} (known: ${ENGINE_NAMES.join(', ')})`);
  return ENGINE_NAMES.filter((name) => asked.includes(name));
}

/** The ESR 140 the tests unpack (any 140.x that apt offers); the cache holds one copy per version. */
export const OLD_FIREFOX_MAJOR = 140;

/** Where the unpacked Firefox ESR 140 lives (override the whole path with FIREFOX_ESR_140_PATH). */
export function oldFirefoxCacheDir(env = process.env) {
  const base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'realtime-pcm', `firefox-esr-${OLD_FIREFOX_MAJOR}`);
}

function oldFirefoxBinary(env) {
  if (env.FIREFOX_ESR_140_PATH) return env.FIREFOX_ESR_140_PATH;
  return join(oldFirefoxCacheDir(env), 'usr', 'lib', 'firefox-esr', 'firefox-esr');
}

function miniBrowserPath(env) {
  if (env.MINIBROWSER_PATH) return env.MINIBROWSER_PATH;
  for (const dir of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    const candidate = join('/usr/lib', dir, 'webkit2gtk-4.1', 'MiniBrowser');
    if (existsSync(candidate)) return candidate;
  }
  return '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
}

/** The files each engine needs (env overrides: CHROMIUM_PATH, FIREFOX_PATH, FIREFOX_ESR_140_PATH, MINIBROWSER_PATH). */
export function enginePaths(env = process.env) {
  return {
    chromium: { browser: env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    firefox: { browser: env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' },
    'firefox-esr-140': { browser: oldFirefoxBinary(env) },
    webkit: { browser: miniBrowserPath(env), driver: env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver', xvfb: '/usr/bin/Xvfb' },
  };
}

/**
 * Chromium's flags for these machines (DESIGN.md section 8): no sandbox as root, and no background
 * networking (this network refuses those connections). The tests' launcher (browser-chromium.ts)
 * and bench/base64-browser.bench.mjs start it with them.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian packages that provide each engine (and what it runs under). */
export const ENGINE_PACKAGES = {
  chromium: ['chromium'],
  firefox: ['firefox-esr'],
  // ESR 140 is unpacked, not installed, but runs on the installed Firefox's libraries
  'firefox-esr-140': ['firefox-esr'],
  webkit: ['webkit2gtk-driver', 'xvfb'],
};

/** `Mozilla Firefox 153.8.0esr` -> 153 (0 when it cannot be run). */
export function firefoxMajor(binary) {
  try {
    const text = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 20000, stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(/Firefox (\d+)/.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * What is missing for one engine: `packages` to apt-get install, and `unpackOld` when the ESR 140
 * copy is not unpacked yet. Firefox must be at least 153 (`media.cubeb.force_mock_context`, without
 * which no realtime AudioContext runs on a machine without a sound server).
 */
export function missingFor(name, env = process.env) {
  const paths = enginePaths(env)[name];
  const packages = [];
  if (name === 'webkit') {
    if (!existsSync(paths.driver) || !existsSync(paths.browser)) packages.push('webkit2gtk-driver');
    if (!existsSync(paths.xvfb)) packages.push('xvfb');
    return { packages, unpackOld: false };
  }
  if (name === 'firefox-esr-140') {
    const installed = enginePaths(env).firefox.browser;
    if (!existsSync(installed)) packages.push('firefox-esr');
    return { packages, unpackOld: !existsSync(paths.browser) };
  }
  if (!existsSync(paths.browser)) packages.push(...ENGINE_PACKAGES[name]);
  else if (name === 'firefox' && firefoxMajor(paths.browser) < 153) packages.push('firefox-esr');
  return { packages, unpackOld: false };
}
