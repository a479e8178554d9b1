// The echo lab's helpers (test/helpers/*.ts) for the Node benches: bundled by one esbuild run, with
// import.meta.url pointing at test/helpers so that their fixture paths resolve as in the tests
// (nodeBundle: also the options of bench/alloc-driver.mjs's and bench/alloc-osr-probe.mjs's bundles).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * esbuild's options for one bundle of `contents` (its imports resolved from the repository root)
 * for Node, written to `outfile`, with import.meta.url pointing into test/helpers.
 * @param {string} contents @param {'js' | 'ts'} loader @param {string} outfile
 * @returns {import('esbuild').BuildOptions}
 */
export function nodeBundle(contents, loader, outfile) {
  return {
    stdin: { contents, resolveDir: ROOT, loader },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'test/helpers/bundle.ts')).href) },
    logLevel: 'warning',
  };
}

/**
 * Bundles and imports `test/helpers/<name>.ts` for each name (their exports merged), writing the
 * bundle into `tmpDir`. Type the result with JSDoc at the call site.
 * @param {string[]} names @param {string} tmpDir @returns {Promise<any>}
 */
export async function importLabHelpers(names, tmpDir) {
  const outfile = join(tmpDir, 'echo-lab.mjs');
  await build(nodeBundle(names.map((m) => `export * from './test/helpers/${m}.ts';`).join('\n'), 'ts', outfile));
  return import(pathToFileURL(outfile).href);
}
