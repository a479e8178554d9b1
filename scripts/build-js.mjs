// Bundles the entry points into dist/ with esbuild: one self-contained ESM file each (the wasm
// is inside, as base64), target es2022 so the output runs on Node 20 and current browsers.
import { build } from 'esbuild';

const entries = {
  index: 'src/index.ts',
  browser: 'src/browser/index.ts',
  node: 'src/node/index.ts',
};
for (const [name, entry] of Object.entries(entries)) {
  await build({
    entryPoints: [entry],
    outfile: `dist/${name}.js`,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: name === 'node' ? 'node' : 'neutral',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
console.log(`built ${Object.keys(entries).map((n) => `dist/${n}.js`).join(', ')}`);
