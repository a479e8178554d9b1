// Writes the benchmark pages from bench/results/*.json (run by `npm run bench` after the
// benchmarks; safe to run alone):
// - docs/benchmarks.md: every suite's tables, in the order of SUITES (then any other result file);
// - README.md: the short headline table between `<!-- bench:summary -->` and
//   `<!-- /bench:summary -->`, each figure picked from a result file by HEADLINES below.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { formatTable } from '../bench/lib.mjs';

const results = new URL('../bench/results/', import.meta.url);

/** A bench/results/*.json file, as parsed (its shape varies by suite). @typedef {any} Result */

/** Suites in reading order, each with one line saying what it measures. */
const SUITES = [
  ['pcm16', 'float32 <-> PCM16: the wasm kernel, the wrappers with their copies, plain-JS baselines (`bench/pcm16.bench.mjs`).'],
  ['base64', 'base64 in Node: the wasm kernel and codec, Buffer, chunked btoa / atob (`bench/base64.bench.mjs`).'],
  ['base64-browser', 'base64 in headless Chromium: native toBase64, the wasm codec, chunked btoa (`bench/base64-browser.bench.mjs`).'],
  ['resampler', 'Every resampler at stated quality, measured by the same battery first (`bench/resampler.bench.mjs`).'],
  ['vad', 'EnergyVad against plain JS and WebRTC VAD (`bench/vad.bench.mjs`).'],
  ['echo-gate', 'EchoGate with and without a far end playing (`bench/echo-gate.bench.mjs`).'],
  ['echo', 'Echo handling on simulated rooms beside speexdsp and WebRTC (`bench/echo.bench.mjs`).'],
  ['pipeline', 'Capture, playback and adapter in 128-frame quanta (`bench/pipeline.bench.mjs`).'],
  ['whole-pipeline', 'Whole pipelines at 20 ms chunks against the plain-JS path people write today (`bench/whole-pipeline.bench.mjs`).'],
  ['capture-chain', "The whole capture pipeline with the echo canceller against the npm peers' chain with no echo handling (`bench/capture-chain.bench.mjs`)."],
  ['worker-pool', 'Many calls through the worker-thread pool (`bench/worker-pool.bench.mjs`).'],
  ['phone', 'Phone calls through PhoneBridge: the bridge alone, JSON both ways, no socket I/O (`bench/phone.bench.mjs`).'],
];

/**
 * The README's headline rows: [what, result file, pick(result) -> string or undefined].
 * @type {Array<[string, string, (result: Result) => string | undefined]>}
 */
const HEADLINES = [
  [
    'float32 -> PCM16, 4096-sample blocks',
    'pcm16',
    (r) => rowOf(r, 'f32->i16 4096 samples', 'wasm kernel', (x) => `${gsps(x)} samples/s, ${x.ratioToBaseline.toFixed(1)}x the common JS snippet`),
  ],
  ['base64 encode, 4 KiB, in wasm memory', 'base64', (r) => rowOf(r, 'encode 4 KiB', 'wasm kernel', (x) => `${fmt(x.mbPerSecond)} MB/s`)],
  [
    'base64 encode, 4 KiB, Chromium without native toBase64',
    'base64-browser',
    (r) => rowOf(r, 'encode 4 KiB', 'wasm codec', (x) => `${x.ratioToBaseline.toFixed(1)}x chunked btoa`),
  ],
  [
    'resampler 48 -> 24 kHz `high`, 20 ms blocks',
    'resampler',
    (r) => {
      const x = r.rows?.find(
        (/** @type {Result} */ row) => row.pair === '48 -> 24 kHz' && row.impl === 'realtime-pcm' && row.setting === 'high' && row.block === '20 ms',
      );
      if (!x) return undefined;
      const h2h = x.headToHead ? `, ${x.headToHead.ratio.toFixed(2)}x ${x.headToHead.peer} head to head` : '';
      return `${fmt(x.xRealtime)}x realtime${h2h}`;
    },
  ],
  [
    'resampler `high`, all 11 target pairs, 20 ms and 1 s blocks',
    'resampler',
    (r) => {
      /** @type {Array<{pair: string, block: string, ratio: number}>} */
      const h = r.headToHead ?? [];
      if (h.length === 0) return undefined;
      const low = h.reduce((a, b) => (b.ratio < a.ratio ? b : a));
      const high = Math.max(...h.map((x) => x.ratio));
      return `${low.ratio.toFixed(2)}-${high.toFixed(2)}x the fastest peer meeting the same targets, head to head (lowest: ${low.pair}, ${low.block})`;
    },
  ],
  ['EnergyVad, 24 kHz, 10 ms blocks', 'vad', (r) => rowOf(r, '24 kHz, 10 ms blocks', 'EnergyVad', (x) => `${fmt(x.xRealtime)}x realtime`)],
  [
    'capture 48 kHz -> 24 kHz base64 with VAD and the echo gate, 20 ms chunks',
    'whole-pipeline',
    (r) => rowOf(r, 'capture', 'realtime-pcm: VAD', (x) => `${fmt(x.xRealtime)}x realtime (${x.cpuSharePercent.toFixed(2)}% of a core per call)`),
  ],
  [
    'capture 48 kHz -> 24 kHz base64 with the echo canceller and VAD, 20 ms pieces',
    'capture-chain',
    (r) => {
      const group = 'capture chain: 1 s of 48 kHz mic in 20 ms pieces';
      const device = rowOf(r, group, 'realtime-pcm: echo canceller + VAD', (x) => `${fmt(x.xRealtime)}x realtime, ${x.ratioToBaseline.toFixed(2)}x`);
      const session = rowOf(
        r,
        group,
        'realtime-pcm: echo canceller (reference at the session rate)',
        (x) => `; ${fmt(x.xRealtime)}x, ${x.ratioToBaseline.toFixed(2)}x with the reference at the session rate (the adapter's default for OpenAI)`,
      );
      return device && `${device} speex-resampler-wasm + fvad-wasm + Buffer with no echo handling${session ?? ''}`;
    },
  ],
  [
    'phone calls per core through PhoneBridge (carrier and session JSON, no socket I/O)',
    'phone',
    (r) => {
      const of = (/** @type {string} */ name) => r.rows?.find((/** @type {Result} */ x) => x.case === name)?.callsPerCore;
      const [pass, vad, trans] = [of('passthrough'), of('passthrough+vad'), of('transcode')];
      if (pass === undefined || trans === undefined) return undefined;
      return `${fmt(pass)} passthrough, ${fmt(vad)} with a local VAD, ${fmt(trans)} transcoding both ways with a local VAD`;
    },
  ],
];

/**
 * @param {Result} result
 * @param {string} groupStart
 * @param {string} implStart
 * @param {(row: Result) => string} show
 */
function rowOf(result, groupStart, implStart, show) {
  const row = result.rows?.find((/** @type {Result} */ x) => String(x.group).startsWith(groupStart) && String(x.impl).startsWith(implStart));
  return row === undefined ? undefined : show(row);
}

/** @param {Result} row */
function gsps(row) {
  return `${((row.xRealtime * 24000) / 1e9).toFixed(2)} G`;
}

/** @param {number} x */
function fmt(x) {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

/**
 * @param {string} name
 * @returns {Result}
 */
function load(name) {
  const file = new URL(`${name}.json`, results);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** @param {Result} result */
function where(result) {
  return result.userAgent?.match(/Chrome\/[\d.]+/)?.[0] ?? `Node ${result.node ?? ''}`;
}

// docs/benchmarks.md
const known = new Set(SUITES.map(([name]) => name));
const others = readdirSync(results)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((name) => !known.has(name))
  .sort()
  .map((name) => [name, '']);
const page = [
  '# Benchmarks',
  '',
  'Generated by `scripts/readme-bench.mjs` from `bench/results/*.json` (`npm run bench` runs every',
  'benchmark, then this). Node 20 on one core of a shared 2-core machine: absolute figures move by',
  'about 30% with load; the ratios measured within one run are the figures to trust.',
  '',
];
for (const [name, what] of [...SUITES, ...others]) {
  const result = load(name);
  if (result === undefined) continue;
  // the echo suites' browser, soak and Firefox results carry figures of their own shape, read by
  // docs/echo-canceller.md: named here, not tabulated
  const table =
    result.markdown ?? (Array.isArray(result.rows) ? formatTable(result.rows) : `Figures: \`bench/results/${name}.json\` (docs/echo-canceller.md).`);
  page.push(`## ${name}`, '', `${what} ${where(result)}${result.date ? `, ${result.date.slice(0, 10)}` : ''}.`.trim(), '', table, '');
}
page.push('[Back to the README](../README.md)', '');
writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), page.join('\n'));

// README summary
const readmeUrl = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmeUrl, 'utf8');
const rows = ['| what | measured | run |', '| --- | --- | --- |'];
for (const [what, name, pick] of HEADLINES) {
  const result = load(name);
  const value = result === undefined ? undefined : pick(result);
  rows.push(`| ${what} | ${value ?? 'no result yet (`npm run bench`)'} | ${result === undefined ? '' : `${where(result)}, ${result.date.slice(0, 10)}`} |`);
}
const updated = readme.replace(/<!-- bench:summary -->[\s\S]*?<!-- \/bench:summary -->/, `<!-- bench:summary -->\n${rows.join('\n')}\n<!-- /bench:summary -->`);
writeFileSync(readmeUrl, updated);
console.log(`docs/benchmarks.md written; README summary ${updated === readme ? 'unchanged' : 'updated'}`);
