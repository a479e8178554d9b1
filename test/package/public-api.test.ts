// The public surface: the root gives what an application needs (the names DESIGN.md section 3
// fixes among them) and no internals; the low-level kernel API is realtime-pcm/kernels; every
// public name of every entry has a doc comment (read with the TypeScript compiler API, about 3 s).
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as kernels from '../../src/kernels/index.js';

const ENTRIES = ['src/index.ts', 'src/browser/index.ts', 'src/node/index.ts', 'src/kernels/index.ts'];

/** The root's values; an addition is deliberate (document it, and add it here). */
const ROOT_VALUES = [
  'AudioInputError',
  'Base64Error',
  'CapturePipeline',
  'EchoCanceller',
  'EchoGate',
  'EnergyVad',
  'Fade',
  'MIN_COMMIT_MS',
  'OptionsError',
  'PhoneBridge',
  'PlaybackPipeline',
  'REALTIME_SAMPLE_RATE',
  'RealtimeAudioAdapter',
  'RealtimePcmError',
  'Resampler',
  'SUPPORTED_SAMPLE_RATES',
  'TelephonyBridge',
  'TransportError',
  'WasmLoadError',
  'decodeBase64',
  'decodeG711',
  'encodeBase64',
  'encodeG711',
  'floatToPcm16',
  'geminiSetupAudio',
  'kernelMemory',
  'openAIBetaSessionAudio',
  'openAISessionAudio',
  'pcm16ToFloat',
  'ready',
];

describe('the public surface', () => {
  it('root: what an application needs, the contract names included, no internals', () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_VALUES].sort());
    const contract = [
      'floatToPcm16',
      'pcm16ToFloat',
      'encodeBase64',
      'decodeBase64',
      'Resampler',
      'EnergyVad',
      'EchoGate',
      'CapturePipeline',
      'PlaybackPipeline',
      'RealtimeAudioAdapter',
    ];
    for (const name of contract) expect(Object.keys(root)).toContain(name);
  });

  it('realtime-pcm/kernels: the kernel API with the low level, the same bindings as the root', () => {
    for (const name of [
      'kernels',
      'kernelModule',
      'setKernelModule',
      'WASM_SHA256',
      'base64Codecs',
      'wasmBase64',
      'encodeMuLaw',
      'decodeALaw',
      'QUALITY_PRESETS',
      'VAD_SPEECH_START',
    ]) {
      expect(Object.keys(kernels)).toContain(name);
      expect(Object.keys(root)).not.toContain(name);
    }
    expect(kernels.Resampler).toBe(root.Resampler);
    expect(kernels.encodeBase64).toBe(root.encodeBase64);
    expect(Object.keys(kernels)).not.toContain('newKernelInstance');
  });

  it('every public class throws OptionsError for missing options', () => {
    const classes = [
      root.CapturePipeline,
      root.PlaybackPipeline,
      root.TelephonyBridge,
      root.RealtimeAudioAdapter,
      root.PhoneBridge,
      root.Resampler,
      root.EnergyVad,
      root.EchoGate,
    ];
    for (const Class of classes) {
      for (const options of [undefined, null, 42]) {
        expect(() => new (Class as new (options: unknown) => unknown)(options), `${Class.name}(${String(options)})`).toThrow(root.OptionsError);
      }
      expect(() => new (Class as new (options: unknown) => unknown)({}), `${Class.name}({})`).toThrow(root.OptionsError);
    }
  });

  it('every public name of every entry has a doc comment', () => {
    const program = ts.createProgram(ENTRIES, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const undocumented: string[] = [];
    let names = 0;
    for (const entry of ENTRIES) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
      for (const exported of checker.getExportsOfModule(module)) {
        names++;
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') undocumented.push(`${entry}: ${exported.name}`);
      }
    }
    expect(names).toBeGreaterThan(150); // the four entries were read
    expect(undocumented).toEqual([]);
  });
});
