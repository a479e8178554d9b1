// The library built with the echo canceller's bench hooks (assembly/bench-hooks.ts: the suppressor's
// trace, the cost split's ablations), into a temp dir, without touching build/, src/ or dist/: the
// kernels from assembly/index-hooks.ts with `--use BENCH_HOOKS=1` (the release options otherwise),
// and src/index.ts bundled with that wasm in place of the embedded one. Always from the sources as
// they are, so the hooks cannot go stale; about 1-2 minutes on a loaded 2-core machine.
//
//   node bench/echo-lab/hooked-build.mjs      (prints the path of the bundle's index.js, e.g. for aec-identical.mjs)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Builds the hooked library into a new temp dir; returns its index.js (an ES module, as dist/index.js). */
export async function hookedBuild() {
  const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-hooked-'));
  const wasmFile = join(dir, 'realtime-pcm.wasm');
  const asc = join(ROOT, 'node_modules/assemblyscript/bin/asc.js');
  const args = ['assembly/index-hooks.ts', '--config', 'asconfig.json', '--target', 'release', '--use', 'BENCH_HOOKS=1'];
  // ECHO_HOOK_USE='PIN_ONSET=15': more compile-time flags for the hooks (the placement oracle)
  if (process.env.ECHO_HOOK_USE) for (const use of process.env.ECHO_HOOK_USE.split(',')) args.push('--use', use);
  execFileSync(process.execPath, [asc, ...args, '--outFile', wasmFile, '--textFile', join(dir, 'realtime-pcm.wat')], { cwd: ROOT, stdio: 'inherit' });
  const bytes = readFileSync(wasmFile);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const outfile = join(dir, 'index.js');
  await build({
    entryPoints: [join(ROOT, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    plugins: [
      {
        name: 'hooked-wasm',
        setup(b) {
          b.onLoad({ filter: /module\.generated\.ts$/ }, () => ({
            contents: `export const WASM_SHA256 = '${sha256}'; export const WASM_BYTES = ${bytes.length}; export const WASM_BASE64 = '${bytes.toString('base64')}';`,
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return outfile;
}

/** The hooked library's exports (built into a temp dir, imported, the dir removed). @returns {Promise<any>} */
export async function importHooked() {
  // ECHO_HOOKED=<a hooked build's index.js, as this script prints>: that one (e.g. a base's, built before an edit)
  if (process.env.ECHO_HOOKED) return await import(pathToFileURL(process.env.ECHO_HOOKED).href);
  const file = await hookedBuild();
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await hookedBuild());
