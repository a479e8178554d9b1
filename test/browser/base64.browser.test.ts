// The kernels in real headless Chromium: the page (native Uint8Array base64 and the wasm codec)
// and an AudioWorklet (no TextEncoder/TextDecoder/atob there; the module arrives through
// processorOptions). Golden values come from Node's Buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { openLibraryPage, type LibraryPage } from '../helpers/browser.js';
import { randomBytes } from '../helpers/random.js';

// The same PRNG as test/helpers/random.ts, as source text for the page and the worklet.
const PAGE_HELPERS = `
function randomBytes(length, seed) {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 256) | 0;
  }
  return out;
}
const INVALID = ['QUJD*UJD', 'QUJD-UJD', 'QUJDQ\\u0141JD', 'QUJD QUJD', 'QUJD\\n', 'QUI', 'QQ==QUJD', 'Q===', '====', 'QR==', 'QUJ='];
function codecReport(codec, hashEncodings) {
  const payload = randomBytes(4096, 1);
  let all = '';
  let decodeMismatches = 0;
  for (let n = 0; n <= 4096; n++) {
    const text = codec.encode(payload.subarray(0, n));
    all += text + '|';
    const back = codec.decode(text);
    if (back.length !== n || back.some((v, i) => v !== payload[i])) decodeMismatches++;
  }
  const big = randomBytes(16 * 1024 * 1024, 2);
  const bigText = codec.encode(big);
  const bigBack = codec.decode(bigText);
  let bigMismatch = bigBack.length !== big.length;
  for (let i = 0; !bigMismatch && i < big.length; i++) if (bigBack[i] !== big[i]) bigMismatch = true;
  const errors = INVALID.map((text) => {
    try { codec.decode(text); return 'no error'; } catch (e) { return e.name + ':' + e.reason + '@' + e.position; }
  });
  return { name: codec.name, all, bigText, decodeMismatches, bigMismatch, errors };
}
`;

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

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
function goldenHashes() {
  const payload = randomBytes(4096, 1);
  let all = '';
  for (let n = 0; n <= 4096; n++) all += `${Buffer.from(payload.subarray(0, n)).toString('base64')}|`;
  return { all: sha(all), big: sha(Buffer.from(randomBytes(16 * 1024 * 1024, 2)).toString('base64')) };
}

const WORKLET = `
import { setKernelModule, base64Codecs, floatToPcm16, pcm16ToFloat } from '/dist/kernels.js';
${PAGE_HELPERS}
class Probe extends AudioWorkletProcessor {
  constructor(options) {
    super();
    setKernelModule(options.processorOptions.module);
    const scope = { TextEncoder: typeof TextEncoder, TextDecoder: typeof TextDecoder, atob: typeof atob };
    const reports = base64Codecs.map((codec) => codecReport(codec));
    const pcm = Array.from(floatToPcm16(new Float32Array([1, -1, 0.5 / 32768, NaN])));
    const floats = Array.from(pcm16ToFloat(new Int16Array([-32768, 16384])));
    this.port.postMessage({ scope, reports, pcm, floats });
  }
  process() { return false; }
}
registerProcessor('probe', Probe);
`;

describe('kernels in headless Chromium', () => {
  let opened: LibraryPage;
  let page: Page;
  const golden = goldenHashes();

  beforeAll(async () => {
    opened = await openLibraryPage({ pages: { '/probe-worklet.js': WORKLET } });
    page = opened.page;
    await page.addScriptTag({ content: `${PAGE_HELPERS}\nwindow.codecReport = codecReport;` });
  });
  afterAll(() => opened?.close());

  it('compiles the kernels synchronously on the main thread (no await needed), and ready() is harmless', async () => {
    const result = await page.evaluate(async () => {
      const lib = (window as any).pcm;
      const before = Array.from(lib.floatToPcm16(new Float32Array([0.5, -2, NaN])));
      await lib.ready();
      return { before, after: Array.from(lib.pcm16ToFloat(new Int16Array([16384]))) };
    });
    expect(result.before).toEqual([16384, -32768, 0]);
    expect(result.after).toEqual([0.5]);
  });

  it('chooses the native codec and every codec matches Buffer byte for byte (0..4096 bytes, 16 MiB)', async () => {
    const reports = await page.evaluate(async () => {
      const lib = (window as any).pcmKernels;
      await lib.ready();
      return {
        implementation: lib.base64Implementation,
        reports: lib.base64Codecs.map((codec: unknown) => {
          const r = (window as any).codecReport(codec);
          return { ...r, all: r.all.length, bigText: r.bigText.length, allHash: r.all, bigHash: r.bigText };
        }),
      };
    });
    expect(reports.implementation).toBe('native');
    expect(reports.reports.map((r: { name: string }) => r.name)).toEqual(['native', 'wasm']);
    for (const r of reports.reports) {
      expect(sha(r.allHash), `${r.name} lengths 0..4096`).toBe(golden.all);
      expect(sha(r.bigHash), `${r.name} 16 MiB`).toBe(golden.big);
      expect(r.decodeMismatches, r.name).toBe(0);
      expect(r.bigMismatch, r.name).toBe(false);
      expect(r.errors, r.name).toEqual(INVALID_EXPECTED);
    }
  });

  it('runs inside an AudioWorklet with the module passed through processorOptions', async () => {
    const result = await page.evaluate(async () => {
      const lib = (window as any).pcmKernels;
      const context = new OfflineAudioContext(1, 128, 48000);
      await context.audioWorklet.addModule('/probe-worklet.js');
      const node = new AudioWorkletNode(context, 'probe', { processorOptions: { module: lib.kernelModule() } });
      const message: any = await new Promise((resolve) => (node.port.onmessage = (event) => resolve(event.data)));
      return {
        ...message,
        reports: message.reports.map((r: any) => ({ ...r, all: undefined, bigText: undefined, allHash: r.all, bigHash: r.bigText })),
      };
    });
    expect(result.scope).toEqual({ TextEncoder: 'undefined', TextDecoder: 'undefined', atob: 'undefined' });
    expect(result.pcm).toEqual([32767, -32768, 1, 0]);
    expect(result.floats).toEqual([-1, 0.5]);
    for (const r of result.reports) {
      expect(sha(r.allHash), `${r.name} lengths 0..4096 in the worklet`).toBe(golden.all);
      expect(sha(r.bigHash), `${r.name} 16 MiB in the worklet`).toBe(golden.big);
      expect(r.decodeMismatches).toBe(0);
      expect(r.bigMismatch).toBe(false);
      expect(r.errors).toEqual(INVALID_EXPECTED);
    }
  });
});
