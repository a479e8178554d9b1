// The kernels in every engine, in a page and inside an AudioWorklet (no TextEncoder, atob or fetch
// there; the compiled module arrives through processorOptions): PCM16 both ways, base64 with every
// codec the engine offers (native and the wasm codec, forced), the resampler on four rate pairs
// fed in random pieces, and the VAD, on the same input as Node. References: base64 is Node's
// Buffer, PCM16 is the stated convention written out in plain code (both independent of the code
// under test); the resampler's and the VAD's are the Node path, since the claim here is that every
// engine computes exactly what Node does (their quality is tested against sox and labels elsewhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import * as lib from '../../src/kernels/index.js';
import { ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';
import { KERNEL_PROBE, nodeKernelDigest, type KernelDigest } from '../helpers/browser-kernel-probe.js';
import { randomBytes } from '../helpers/random.js';
import { readWav } from '../helpers/wav-read.js';
import { REPO_ROOT } from '../helpers/browser.js';

const INVALID_EXPECTED = [
  'Base64Error:invalid_character@4',
  'Base64Error:invalid_character@4',
  'Base64Error:invalid_character@5',
  'Base64Error:invalid_character@4',
  'Base64Error:invalid_character@4',
  'Base64Error:invalid_length@3',
  'Base64Error:invalid_padding@2',
  'Base64Error:invalid_padding@1',
  'Base64Error:invalid_padding@0',
  'Base64Error:invalid_padding@1',
  'Base64Error:invalid_padding@2',
];

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The independent references: Buffer for base64, the PCM16 convention in plain code. */
function references() {
  const payload = randomBytes(4096, 1);
  let all = '';
  for (let n = 0; n <= 4096; n++) all += `${Buffer.from(payload.subarray(0, n)).toString('base64')}|`;
  const big = sha(Buffer.from(randomBytes(16 * 1024 * 1024, 2)).toString('base64'));
  // float -> int16: x 32768, round half away from zero, clamp, NaN to 0 (DESIGN.md section 3)
  const floats: Float32Array = new Function(`${KERNEL_PROBE}\nreturn pcm16Inputs();`)();
  const ints = new Int16Array(floats.length);
  floats.forEach((x, i) => {
    const v = Number.isNaN(x) ? 0 : x * 32768;
    ints[i] = Math.max(-32768, Math.min(32767, Math.sign(v) * Math.floor(Math.abs(v) + 0.5)));
  });
  const back = new Float32Array(65536).map((_, i) => (i - 32768) / 32768);
  return { all: sha(all), big, floatToPcm16: sha(new Uint8Array(ints.buffer)), pcm16ToFloat: sha(new Uint8Array(back.buffer)) };
}

const WORKLET = `
import * as lib from '/dist/kernels.js';
${KERNEL_PROBE}
class KernelProbe extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { module, input } = options.processorOptions;
    if (module) lib.setKernelModule(module);
    const scope = { TextEncoder: typeof TextEncoder, TextDecoder: typeof TextDecoder, atob: typeof atob, fetch: typeof fetch };
    try {
      this.port.postMessage({ scope, report: kernelReport(lib, input) });
    } catch (error) {
      this.port.postMessage({ error: String(error && error.stack || error) });
    }
  }
  process() { return false; }
}
registerProcessor('kernel-probe', KernelProbe);
`;

/** The fixture inputs, read in the page from the served WAVs (PCM16 / 32768, exact). */
const READ_INPUTS = `async function readInputs() {
  const read = async (path) => {
    const bytes = new Uint8Array(await (await fetch(path)).arrayBuffer());
    const view = new DataView(bytes.buffer);
    let at = 12;
    while (String.fromCharCode(...bytes.subarray(at, at + 4)) !== 'data') at += 8 + view.getUint32(at + 4, true);
    const frames = view.getUint32(at + 4, true) / 2;
    const out = new Float32Array(frames);
    for (let i = 0; i < frames; i++) out[i] = view.getInt16(at + 8 + 2 * i, true) / 32768;
    return out;
  };
  return { speech48: await read('/fixtures/browser/speech-48000.wav'), speech44: await read('/fixtures/browser/speech-44100.wav') };
}`;

const PAGE = `<!doctype html><script>${KERNEL_PROBE}
${READ_INPUTS}</script><script type="module">
import * as pcm from '/dist/kernels.js';
window.pcm = pcm;
window.loaded = true;
</script>`;

let nodeDigest: Promise<KernelDigest> | undefined;
/** The Node run of the probe, once per file. */
const nodeRun = () =>
  (nodeDigest ??= nodeKernelDigest(lib, {
    speech48: readWav(`${REPO_ROOT}fixtures/browser/speech-48000.wav`).samples,
    speech44: readWav(`${REPO_ROOT}fixtures/browser/speech-44100.wav`).samples,
  }));
let goldenOnce: ReturnType<typeof references> | undefined;

describe.each(ENGINES)('kernels in %s', (engine) => {
  let opened: LibraryPage;
  let page: EnginePage;
  let node: KernelDigest;
  let golden: ReturnType<typeof references>;

  beforeAll(async () => {
    node = await nodeRun();
    golden = goldenOnce ??= references();
    opened = await openLibraryPage(engine, { html: PAGE, pages: { '/kernel-probe-worklet.js': WORKLET } });
    page = opened.page;
  }, 120_000);
  afterAll(() => opened?.close());

  it('Node matches the independent references (the baseline the engines are held to)', () => {
    expect(node.floatToPcm16).toBe(golden.floatToPcm16);
    expect(node.pcm16ToFloat).toBe(golden.pcm16ToFloat);
    expect(node.codecs.map((c) => c.name)).toEqual(['buffer', 'wasm']);
    for (const c of node.codecs)
      expect([c.all, c.big, c.decodeMismatches, c.bigMismatch, c.errors]).toEqual([golden.all, golden.big, 0, false, INVALID_EXPECTED]);
    expect(JSON.parse(node.vadEvents).length).toBeGreaterThanOrEqual(2);
  });

  const check = (where: string, digest: KernelDigest) => {
    expect(digest.floatToPcm16, `${where}: floatToPcm16`).toBe(golden.floatToPcm16);
    expect(digest.pcm16ToFloat, `${where}: pcm16ToFloat`).toBe(golden.pcm16ToFloat);
    // every engine here has Uint8Array.prototype.toBase64, so the native codec is chosen; the wasm one is tested too
    expect(digest.native, `${where}: native toBase64`).toBe(true);
    expect(digest.implementation).toBe('native');
    expect(digest.codecs.map((c) => c.name)).toEqual(['native', 'wasm']);
    for (const c of digest.codecs) {
      expect(c.all, `${where}: ${c.name} codec, lengths 0..4096`).toBe(golden.all);
      expect(c.big, `${where}: ${c.name} codec, 16 MiB`).toBe(golden.big);
      expect([c.decodeMismatches, c.bigMismatch], `${where}: ${c.name} decodes`).toEqual([0, false]);
      expect(c.errors, `${where}: ${c.name} errors`).toEqual(INVALID_EXPECTED);
    }
    expect(digest.resampled, `${where}: resampler output, bit for bit`).toEqual(node.resampled);
    expect(digest.vadEvents, `${where}: VAD events`).toBe(node.vadEvents);
  };

  it('in the page: every kernel byte-identical to Node (base64 to Buffer, PCM16 to its convention)', async () => {
    const digest = await page.evaluate(async () => {
      const w = window as any;
      const input = await w.readInputs();
      return w.digestReport(w.kernelReport(w.pcm, input));
    });
    check('page', digest as KernelDigest);
  });

  it('inside an AudioWorklet (module through processorOptions): every kernel byte-identical to Node', async () => {
    const result = await page.evaluate(async () => {
      const w = window as any;
      const input = await w.readInputs();
      const context = new OfflineAudioContext(1, 128, 48000);
      await context.audioWorklet.addModule('/kernel-probe-worklet.js');
      let node: AudioWorkletNode;
      let moduleCloned = true;
      try {
        node = new AudioWorkletNode(context, 'kernel-probe', { processorOptions: { module: w.pcm.kernelModule(), input } });
      } catch {
        moduleCloned = false; // the worklet compiles the embedded kernels itself
        node = new AudioWorkletNode(context, 'kernel-probe', { processorOptions: { input } });
      }
      const message: any = await new Promise((resolve) => {
        node.port.onmessage = (event) => resolve(event.data);
      });
      if (message.error) return { error: message.error };
      return { scope: message.scope, moduleCloned, digest: await w.digestReport(message.report) };
    });
    expect((result as { error?: string }).error).toBeUndefined();
    const { scope, moduleCloned, digest } = result as { scope: Record<string, string>; moduleCloned: boolean; digest: KernelDigest };
    console.log(`${engine}: worklet scope ${JSON.stringify(scope)}, WebAssembly.Module cloned into the worklet: ${moduleCloned}`);
    // no atob or fetch in any engine's worklet scope; TextEncoder/TextDecoder exist in WebKit's only
    expect([scope.atob, scope.fetch]).toEqual(['undefined', 'undefined']);
    expect(scope.TextDecoder).toBe(engine === 'webkit' ? 'function' : 'undefined');
    expect(moduleCloned).toBe(true);
    check('worklet', digest);
  });

  // zero allocations per quantum is measured where an engine shows the worklet's heap: Chromium,
  // through the DevTools protocol (worklet-heap.browser.test.ts); elsewhere the claim rests on the
  // Node test of the same processors (test/unit/worklet-processors.test.ts)
  if (engine !== 'chromium')
    it('has no way to show the worklet heap: no memory API in the page, none in the driver', async () => {
      const apis = await page.evaluate(() => ({
        memory: typeof (performance as any).memory,
        measureUserAgentSpecificMemory: typeof (performance as any).measureUserAgentSpecificMemory,
      }));
      expect(apis).toEqual({ memory: 'undefined', measureUserAgentSpecificMemory: 'undefined' });
      expect(opened.browser.traits.workletHeap).toBe(false);
    });
});
