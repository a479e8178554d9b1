// The echo lab's helpers (test/helpers/*.ts) for the Node benches: bundled by one esbuild run, with
// import.meta.url pointing at test/helpers so that their fixture paths resolve as in the tests.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Bundles and imports `test/helpers/<name>.ts` for each name (their exports merged), writing the
 * bundle into `tmpDir`. Type the result with JSDoc at the call site.
 * @param {string[]} names @param {string} tmpDir @returns {Promise<any>}
 */
export async function importLabHelpers(names, tmpDir) {
  const outfile = join(tmpDir, 'echo-lab.mjs');
  await build({
    stdin: { contents: names.map((m) => `export * from './test/helpers/${m}.ts';`).join('\n'), resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'test/helpers/echo-lab.ts')).href) },
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
