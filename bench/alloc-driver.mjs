// The worklet processors' allocation checks (test/unit/worklet-processors.test.ts), run many times
// outside vitest to catch rare JIT states: the test file is bundled by esbuild with a small stand-in
// for vitest (describe / it / it.each / expect, run in file order as vitest does, retries off), and
// each run is a fresh `node` process running the whole file, so each check sees the JIT history the
// tests before it leave. A run prints every allocation figure the file logs ("N bytes over M
// quanta"); the driver counts, per check, the runs whose figure reached `--bytes` (default 1024, the
// tests' bound) and prints those runs' figures.
//
//   nice -n 5 node bench/alloc-driver.mjs [--runs 200] [--jobs 1] [--grep REGEX] [--bytes 1024]
//     [--probe] [--node-flags=--allow-natives-syntax] [--keep DIR] [--test FILE] [--verbose]
//
// --grep runs only the tests whose name matches (the rest of the file is skipped: a different JIT
// history from the file's). --probe: when a check's figure reaches --bytes, its measured code runs
// once more under V8's sampling heap profiler (node:inspector) and the run prints the allocating
// stacks (@@probe lines; the JS frames V8 did not inline) and, with --node-flags=--allow-natives-syntax,
// every function reachable from the last two processors made whose code is not TurboFan's, with its
// %GetOptimizationStatus bits. --node-flags (write it with '=') go to each run's node; trace flags
// (--trace-osr, --trace-deopt) print so much that the rare states stop showing (docs/NOTES.md,
// alloc16). A run whose figure reaches --bytes has its whole output saved in --keep DIR (default
// /tmp/alloc-driver). --test bundles another test file with the same stand-in. History: alloc-trace
// (docs/NOTES.md) used an uncommitted driver of the same kind; alloc16 committed this one and found
// FloatRing.read's state with `--grep 'playback processor' --probe --node-flags=--allow-natives-syntax`
// (12 of 80 base runs; bench/alloc-osr-probe.mjs forces it).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { nodeBundle } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    jobs: { type: 'string', default: '1' },
    grep: { type: 'string', default: '' },
    bytes: { type: 'string', default: '1024' },
    'node-flags': { type: 'string', default: '' },
    keep: { type: 'string', default: '/tmp/alloc-driver' },
    verbose: { type: 'boolean', default: false },
    probe: { type: 'boolean', default: false },
    test: { type: 'string', default: 'test/unit/worklet-processors.test.ts' },
  },
});

/** What the test file imports as 'vitest': collects tests in file order; `run` runs them once each. */
const VITEST_STANDIN = `
const tests = [];
const prefix = [];
export function describe(name, body) { prefix.push(name); body(); prefix.pop(); }
function format(name, row) { let k = 0; return name.replace(/%[sdi]/g, () => String(row[k++])); }
export function it(name, a, b) {
  const body = typeof a === 'function' ? a : b;
  tests.push({ name: [...prefix, name].join(' > '), body });
}
it.each = (table) => (name, a, b) => {
  const body = typeof a === 'function' ? a : b;
  for (const row of table) tests.push({ name: [...prefix, format(name, row)].join(' > '), body: () => body(...row) });
};
function fail(message) { throw new Error(message); }
function matchers(actual, negate) {
  const check = (ok, message) => { if (ok === negate) fail((negate ? 'not: ' : '') + message); };
  return {
    toBe: (want) => check(Object.is(actual, want), actual + ' to be ' + want),
    toBeLessThan: (want) => check(actual < want, actual + ' < ' + want),
    toBeGreaterThan: (want) => check(actual > want, actual + ' > ' + want),
    toMatchObject: (want) => check(Object.entries(want).every(([k, v]) => typeof v === 'object' && v !== null ? JSON.stringify(Object.entries(v).map(([kk, vv]) => actual?.[k]?.[kk] === vv)).indexOf('false') < 0 : actual?.[k] === v), JSON.stringify(actual) + ' to match ' + JSON.stringify(want)),
    toThrow: (pattern) => { let thrown; try { actual(); } catch (error) { thrown = error; } check(thrown !== undefined && (!pattern || pattern.test(String(thrown.message))), 'to throw ' + pattern); },
  };
}
export function expect(actual) { return Object.assign(matchers(actual, false), { not: matchers(actual, true) }); }
export async function run(grep) {
  const pattern = new RegExp(grep);
  for (const test of tests) {
    if (!pattern.test(test.name)) continue;
    let error = '';
    try { await test.body(); } catch (e) { error = String(e && e.message); }
    process.stdout.write('@@test ' + JSON.stringify({ name: test.name, error }) + '\\n');
  }
}
`;

/** With --probe: the test's allocatedBytes, and a second, profiled measurement of what allocated >= --bytes. */
const PROBED_ALLOCATION = `
import { allocatedBytes as measured } from 'real-allocation';
import { Session } from 'node:inspector';
const session = new Session();
session.connect();
function post(method, params) {
  let result;
  let error;
  session.post(method, params, (e, r) => { error = e; result = r; }); // a same-thread session answers at once
  if (error) throw error;
  return result;
}
// with --allow-natives-syntax: each function reachable from the last two processors made, and its V8 optimization status
const BITS = ['function', 'never-opt', 'always-opt', 'maybe-deopted', 'optimized', 'maglev', 'turbofan', 'interpreted', 'marked', 'marked-concurrent', 'optimizing', 'executing', 'top-turbofan', 'lite', 'marked-deopt', 'baseline', 'top-interpreted', 'top-baseline', 'lazy'];
function statuses() {
  let status;
  try { status = new Function('f', 'return %GetOptimizationStatus(f)'); } catch { return; }
  const seen = new Set();
  const functions = new Map();
  const queue = (globalThis.__probeProcessors ?? []).slice(-2);
  while (queue.length > 0) {
    const o = queue.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || ArrayBuffer.isView(o) || o instanceof ArrayBuffer) continue;
    seen.add(o);
    if (o === Object.prototype || o === Function.prototype || o === Array.prototype) continue;
    if (Array.isArray(o) && o.length > 64) continue;
    for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(o))) {
      for (const v of [d.value, d.get, d.set]) {
        if (typeof v === 'function' && !functions.has(v)) functions.set(v, (o.constructor?.name ?? '?') + '.' + key);
        if (v !== undefined) queue.push(v);
      }
    }
    queue.push(Object.getPrototypeOf(o));
  }
  const lines = [];
  for (const [f, name] of functions) {
    const s = status(f);
    if (s & (1 << 6)) continue; // TurboFan code: fine
    lines.push(name + ' [' + BITS.filter((_, i) => s & (1 << i)).join(' ') + ']');
  }
  console.log('@@probe not TurboFan-compiled (' + lines.length + ' of ' + functions.size + '): ' + lines.join('; '));
}
export function allocatedBytes(run) {
  const bytes = measured(run);
  if (bytes < ${Number(options.bytes)}) return bytes;
  post('HeapProfiler.enable');
  post('HeapProfiler.startSampling', { samplingInterval: 16, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const before = process.memoryUsage().heapUsed;
  run();
  const delta = process.memoryUsage().heapUsed - before;
  const { profile } = post('HeapProfiler.stopSampling');
  const rows = [];
  const walk = (node, stack) => {
    const frame = node.callFrame.functionName + ' ' + node.callFrame.url.replace(/.*\\//, '') + ':' + (node.callFrame.lineNumber + 1);
    const here = [...stack, frame];
    if (node.selfSize > 0) rows.push({ size: node.selfSize, stack: here.slice(-8).reverse().join(' <- ') });
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  rows.sort((a, b) => b.size - a.size);
  console.log('@@probe ' + bytes + ' bytes; profiled again: ' + delta + ' bytes');
  for (const row of rows.slice(0, 12)) console.log('@@probe   ' + row.size + ' ' + row.stack);
  statuses();
  return bytes;
}
`;

async function bundle() {
  const dir = join('/tmp', `alloc-driver-bundle-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'tests.mjs');
  const testPath = join(ROOT, options.test);
  await build({
    // the helpers find their fixtures from import.meta.url (test/helpers/*.ts)
    ...nodeBundle(`import '${testPath}';\nexport { run } from 'vitest';`, 'ts', outfile),
    plugins: [
      {
        name: 'vitest-standin',
        setup(b) {
          b.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'standin' }));
          // --probe: allocatedBytes reports a figure >= --bytes to the probe (below), which runs the same code again under V8's sampling heap profiler
          b.onResolve({ filter: /helpers\/allocation\.js$/ }, (args) =>
            options.probe ? { path: join(args.resolveDir, args.path.replace(/\.js$/, '.ts')), namespace: 'probed' } : undefined,
          );
          b.onResolve({ filter: /^real-allocation$/ }, () => ({ path: join(ROOT, 'test/helpers/allocation.ts') }));
          // --probe: the processors made are remembered (their functions' optimization status is printed with the profile)
          b.onResolve({ filter: /helpers\/worklet-fakes\.js$/ }, (args) =>
            options.probe ? { path: join(args.resolveDir, args.path.replace(/\.js$/, '.ts')), namespace: 'probed-fakes' } : undefined,
          );
          b.onResolve({ filter: /^real-fakes$/ }, () => ({ path: join(ROOT, 'test/helpers/worklet-fakes.ts') }));
          b.onLoad({ filter: /.*/, namespace: 'probed-fakes' }, () => ({
            contents: `import { FakePort, FakeProcessorBase as Base } from 'real-fakes';
export { FakePort };
export class FakeProcessorBase extends Base { constructor() { super(); (globalThis.__probeProcessors ??= []).push(this); } }`,
            loader: 'js',
          }));
          b.onLoad({ filter: /.*/, namespace: 'probed' }, () => ({ contents: PROBED_ALLOCATION, loader: 'js' }));
          // the package says "sideEffects": false; the test file is imported for its side effects
          b.onResolve({ filter: /\.test\.ts$/ }, (args) => ({ path: args.path, sideEffects: true }));
          b.onLoad({ filter: /.*/, namespace: 'standin' }, () => ({ contents: VITEST_STANDIN, loader: 'js' }));
        },
      },
    ],
  });
  const entry = join(dir, 'run.mjs');
  writeFileSync(entry, `import { run } from './tests.mjs';\nawait run(${JSON.stringify(options.grep)});\n`);
  return entry;
}

/**
 * One fresh node running the file: its tests, each with the allocation figures it logged.
 * @param {string} entry
 * @returns {Promise<{ code: number | null, tests: { name: string, error: string, figures: { bytes: number, quanta: number, line: string }[] }[], out: string }>}
 */
function runOnce(entry) {
  return new Promise((resolve) => {
    const flags = options['node-flags'].split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...flags, entry], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      const tests = [];
      let figures = [];
      for (const line of out.split('\n')) {
        const m = /: (\d+) bytes over (\d+) quanta/.exec(line);
        if (m) figures.push({ bytes: Number(m[1]), quanta: Number(m[2]), line: line.slice(0, 80) });
        if (line.startsWith('@@test ')) {
          tests.push({ ...JSON.parse(line.slice(7)), figures });
          figures = [];
        }
      }
      resolve({ code, tests, out });
    });
  });
}

const entry = await bundle();
process.on('exit', () => rmSync(dirname(entry), { recursive: true, force: true }));
const runs = Number(options.runs);
const limit = Number(options.bytes);
/** @type {Map<string, { runs: number, over: number[], failed: number }>} */
const byTest = new Map();
mkdirSync(options.keep, { recursive: true });
let next = 0;
let done = 0;
const started = Date.now();
async function worker() {
  while (next < runs) {
    const index = next++;
    const result = await runOnce(entry);
    done++;
    if (result.code !== 0) console.log(`run ${index}: node exited ${result.code}\n${result.out.slice(-2000)}`);
    let kept = false;
    for (const test of result.tests) {
      const entryFor = byTest.get(test.name) ?? { runs: 0, over: [], failed: 0 };
      byTest.set(test.name, entryFor);
      entryFor.runs++;
      if (test.error) entryFor.failed++;
      for (const f of test.figures) {
        if (options.verbose) console.log(`run ${index}: ${f.bytes} bytes / ${f.quanta} quanta: ${test.name.slice(0, 100)}`);
        if (f.bytes < limit) continue;
        entryFor.over.push(f.bytes);
        console.log(`run ${index}: ${test.name.slice(0, 90)}: ${f.line}`);
        if (!kept) {
          for (const l of result.out.split('\n')) if (l.startsWith('@@probe')) console.log(l);
          writeFileSync(join(options.keep, `run-${index}.log`), result.out);
          kept = true;
        }
      }
    }
    if (done % 10 === 0) console.log(`${done} runs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}
await Promise.all(Array.from({ length: Number(options.jobs) }, worker));
console.log(`\n${runs} runs (node ${process.version}${options['node-flags'] ? ` ${options['node-flags']}` : ''}), figures >= ${limit} bytes:`);
for (const [name, t] of byTest) {
  if (!/allocat/.test(name)) continue;
  console.log(
    `  ${t.over.length} of ${t.runs}${t.failed ? ` (${t.failed} failed)` : ''}: ${name.slice(0, 120)}${t.over.length ? `  [${t.over.join(', ')}]` : ''}`,
  );
}
