// One copy of the library (issue 14, item 5): the built entries realtime-pcm, realtime-pcm/node,
// realtime-pcm/browser and realtime-pcm/kernels, imported together by their package names in a
// plain Node process (the exports map, as an app resolves it), share their classes and the kernel
// instance. dist/browser.js and its chunks import only relative files (a page loads them with no
// bundler); the worklet and worker bundles import nothing.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = (file: string) => readFileSync(join(root, 'dist', file), 'utf8');
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]!);

const PROBE = `
const root = await import('realtime-pcm');
const node = await import('realtime-pcm/node');
const browser = await import('realtime-pcm/browser');
const low = await import('realtime-pcm/kernels');
let thrown;
try { new node.Resampler({ inputRate: 12345, outputRate: 24000 }); } catch (error) { thrown = error; }
const resampler = new browser.Resampler({ inputRate: 48000, outputRate: 24000 });
console.log(JSON.stringify({
  sameErrorClasses: [node, browser, low].every((m) => m.OptionsError === undefined || m.OptionsError === root.OptionsError) && node.RealtimePcmError === root.RealtimePcmError,
  nodeErrorIsRootOptionsError: thrown instanceof root.OptionsError && thrown instanceof root.RealtimePcmError && thrown instanceof browser.RealtimePcmError,
  sameClasses: node.Resampler === root.Resampler && browser.Resampler === root.Resampler && low.Resampler === root.Resampler && node.CapturePipeline === root.CapturePipeline,
  oneKernelInstance: resampler.heap === low.kernels(),
  kernelsAtRoot: 'kernels' in root || 'Heap' in root || 'newKernelInstance' in root,
}));
`;

describe('the built entries', () => {
  it('share one copy of the library: classes, errors and the kernel instance', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sameErrorClasses: true,
      nodeErrorIsRootOptionsError: true,
      sameClasses: true,
      oneKernelInstance: true,
      kernelsAtRoot: false,
    });
  });

  it('load in a page with no bundler (relative imports only), and the worklet and worker bundles import nothing', () => {
    const files = [
      'index.js',
      'browser.js',
      'kernels.js',
      ...readdirSync(join(root, 'dist/chunks'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `chunks/${f}`),
    ];
    for (const file of files) {
      for (const specifier of importsOf(dist(file))) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\.?\//);
    }
    for (const specifier of importsOf(dist('node.js'))) expect(specifier).toMatch(/^(\.\/|node:)/); // Node built-ins and the chunks
    expect(importsOf(dist('worklet.js'))).toEqual([]);
    expect(dist('node-worker.cjs')).not.toMatch(/require\("\.\.?\//);
  });
});
