// Run by `npm test` (and `npm run test:browser`, `test:demo`, `test:transport`) before vitest: finds the browser engines the tests
// drive (all of them, or those in ENGINES=...), openssl (the TLS transport test makes its
// certificate with it), and, unless `--no-engines`, sox, sbc-tools (BlueZ's SBC codec: the
// Bluetooth scenes through the real codec, test/quality/echo-sbc.test.ts) and liblc3-tools (LE Audio's LC3,
// test/quality/echo-lc3.test.ts; about 0.2 MB installed). ffmpeg (the AAC scenes) stays the bench's, not installed here. What is missing is installed from Debian packages when this user can
// (root with apt-get), with one line saying so; otherwise it stops here with the exact command to
// run. Firefox ESR 140 is not installed but unpacked from its .deb into ~/.cache/realtime-pcm
// (`apt-get download`, no root needed). The first run installs about 0.9 GB in about 2.5 minutes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OLD_FIREFOX_MAJOR, missingFor, oldFirefoxCacheDir, selectedEngines } from '../test/helpers/browser-engines.mjs';

/** @param {string} command */
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canApt = isRoot && has('apt-get');

/**
 * @param {string[]} lines
 * @returns {never}
 */
function stop(lines) {
  console.error(['setup-engines: the browser tests cannot run yet.', ...lines].join('\n'));
  process.exit(1);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptionsWithStringEncoding | {}} [options]
 */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', ...options });
  if (result.status !== 0) stop([`\`${command} ${args.join(' ')}\` failed:`, (result.stderr ?? '').trim().split('\n').slice(-5).join('\n')]);
}

// `--no-engines`: openssl only (npm run test:transport)
/** @type {import('../test/helpers/browser-engines.mjs').EngineName[]} */
let engines = [];
try {
  if (!process.argv.includes('--no-engines')) engines = selectedEngines();
} catch (error) {
  stop([String(/** @type {Error} */ (error).message)]);
}

const packages = new Set();
let unpackOld = false;
for (const name of engines) {
  const missing = missingFor(name);
  for (const p of missing.packages) packages.add(p);
  unpackOld ||= missing.unpackOld;
}
if (!has('openssl')) packages.add('openssl');
const wantsCodecs = !process.argv.includes('--no-engines');
if (wantsCodecs && !has('sox')) packages.add('sox');
if (wantsCodecs && (!has('sbcenc') || !has('sbcdec'))) packages.add('sbc-tools');
if (wantsCodecs && (!has('elc3') || !has('dlc3'))) packages.add('liblc3-tools');

let updated = false;
const aptUpdate = () => {
  if (!updated) run('apt-get', ['update', '-qq']);
  updated = true;
};

if (packages.size > 0) {
  const list = [...packages].join(' ');
  if (!canApt) stop([`Install the missing Debian packages, then run the tests again:`, `  sudo apt-get update && sudo apt-get install -y ${list}`]);
  console.log(`setup-engines: installing ${list} with apt-get (the first time takes about 2.5 minutes and 0.9 GB)`);
  aptUpdate();
  run('apt-get', ['install', '-y', '-qq', ...packages], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The newest 140.x firefox-esr version apt knows (Debian's main suite), or undefined. */
function oldFirefoxVersion() {
  const text = execFileSync('apt-cache', ['madison', 'firefox-esr'], { encoding: 'utf8' });
  const versions = text
    .split('\n')
    .map((line) => line.split('|')[1]?.trim())
    .filter((v) => v?.startsWith(`${OLD_FIREFOX_MAJOR}.`));
  return versions[0];
}

if (unpackOld) {
  const target = oldFirefoxCacheDir();
  const command = `apt-get download firefox-esr=<${OLD_FIREFOX_MAJOR}.x version from \`apt-cache madison firefox-esr\`> && dpkg-deb -x firefox-esr_*.deb ${target}`;
  if (!has('apt-get') || !has('dpkg-deb'))
    stop([`Firefox ESR ${OLD_FIREFOX_MAJOR} is needed beside the installed Firefox (or leave it out: ENGINES=chromium,firefox,webkit):`, `  ${command}`]);
  let version = oldFirefoxVersion();
  if (version === undefined && isRoot) {
    aptUpdate();
    version = oldFirefoxVersion();
  }
  if (version === undefined)
    stop([`apt offers no firefox-esr ${OLD_FIREFOX_MAJOR}.x (run \`apt-get update\`), or leave it out: ENGINES=chromium,firefox,webkit`]);
  console.log(`setup-engines: unpacking firefox-esr ${version} (Debian main) into ${target}`);
  mkdirSync(join(target, '..'), { recursive: true });
  const work = mkdtempSync(join(target, '..', '.download-'));
  try {
    run('apt-get', ['download', `firefox-esr=${version}`], { cwd: work });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (deb === undefined) stop([`apt-get download firefox-esr=${version} left no .deb`]);
    run('dpkg-deb', ['-x', join(work, deb), join(work, 'root')]);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, 'root'), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const name of engines) {
  const missing = missingFor(name);
  if (missing.packages.length > 0 || missing.unpackOld) stop([`${name} is still missing after setup: ${[...missing.packages].join(' ') || 'firefox-esr 140'}`]);
}
if (!has('openssl')) stop(['openssl is still missing after setup']);
if (wantsCodecs && !(has('sox') && has('sbcenc') && has('sbcdec') && has('elc3') && has('dlc3')))
  stop(['sox, sbc-tools or liblc3-tools is still missing after setup']);
mkdirSync('test-artifacts', { recursive: true });
if (!existsSync('test-artifacts')) stop(['cannot create test-artifacts/']);
