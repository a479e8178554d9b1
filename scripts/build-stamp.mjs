// Lets `npm test` skip `npm run build` when the build on disk was made from the sources as they are
// (ci-trim: `npm ci` builds through `prepare`, then `npm test` built again, the same bytes). The
// stamp, build/inputs.sha256, is one line: the SHA-256 of the build's inputs (assembly/, src/ but
// the generated files, the build scripts, package.json, package-lock.json, asconfig.json, the
// tsconfigs) and the SHA-256 of its outputs (build/realtime-pcm.wasm, dist/, the generated files).
//   clear   removes the stamp (first step of `npm run build`: a build that fails leaves none)
//   write   writes it (last step of `npm run build`)
//   fresh   exits 0 if the stamp matches the files as they are now (then says so), else 1
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'build', 'inputs.sha256');
const GENERATED = /\.generated\.ts$/;

/** Files under `dir` (relative to the root, '/'-separated), sorted; none if it does not exist. @param {string} dir */
function filesUnder(dir) {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map((f) => `${dir}/${String(f).replaceAll('\\', '/')}`)
    .filter((f) => statSync(join(ROOT, f)).isFile())
    .sort();
}

/** SHA-256 over the files' names and bytes (a missing file counts as its name alone). @param {string[]} files */
function digest(files) {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    if (existsSync(join(ROOT, f))) hash.update(readFileSync(join(ROOT, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function current() {
  const sources = filesUnder('src');
  const inputs = [
    ...filesUnder('assembly'),
    ...sources.filter((f) => !GENERATED.test(f)),
    'scripts/build-js.mjs',
    'scripts/build-stamp.mjs',
    'scripts/embed-wasm.mjs',
    'package.json',
    'package-lock.json',
    'asconfig.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ];
  const outputs = ['build/realtime-pcm.wasm', ...sources.filter((f) => GENERATED.test(f)), ...filesUnder('dist')];
  return `inputs ${digest(inputs)} outputs ${digest(outputs)}`;
}

const mode = process.argv[2];
if (mode === 'clear') rmSync(STAMP, { force: true });
else if (mode === 'write') writeFileSync(STAMP, `${current()}\n`);
else if (mode === 'fresh') {
  const fresh = existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === current();
  if (fresh) console.log('build-stamp: build/ and dist/ were built from the sources as they are (build/inputs.sha256): not rebuilt');
  process.exit(fresh ? 0 : 1);
} else {
  console.error('usage: node scripts/build-stamp.mjs clear | write | fresh');
  process.exit(2);
}
