// The linked worklet pair's 16-byte-a-quantum state, forced: the playback and capture processors
// linked with the echo canceller (test/unit/worklet-processors.test.ts, its first linked check: a 60 s
// speech reply, 1000 ms chunks, VAD on), warmed up 5000 quanta, then one function's optimised code
// dropped (%DeoptimizeFunction), then measured as the check measures (5 x 300 quanta, the least).
// Run with --max-inlined-bytecode-size-cumulative=100 so that the processors call the small
// functions out of line (their own code runs, as in the rare state the test met); `FloatRing.read`
// is then the state: its loop had been compiled on stack (OSR) while a grow copied the whole store
// through it, and each 128-frame read ran its first frame in baseline code (a boxed float, 16
// bytes) before entering that OSR code: 5056 bytes over 300 quanta at 48 kHz, the test's figure
// (alloc16: grow copies with `set`; 256 after). bench/alloc-driver.mjs finds such states by chance.
//
//   nice -n 5 node --allow-natives-syntax --max-inlined-bytecode-size-cumulative=100 \
//     bench/alloc-osr-probe.mjs [FloatRing.read ...]   (RATE=44100 for another context rate)
// With no names it lists the functions with a loop reachable from the pair; with names, one run
// each (a fresh process per name: a dropped function stays dropped).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { nodeBundle } from './echo-lab-bundle.mjs';

const ENTRY = `
import { createCaptureProcessorClass } from './src/browser/capture-processor.ts';
import { createPlaybackProcessorClass } from './src/browser/playback-processor.ts';
import { kernelModule, encodeBase64 } from './src/kernels/index.ts';
import { allocatedBytes } from './test/helpers/allocation.ts';
import { FakeProcessorBase } from './test/helpers/worklet-fakes.ts';
import { speechPcm24k } from './test/helpers/speech-fixture.ts';

const scope = { AudioWorkletProcessor: FakeProcessorBase, sampleRate: Number(process.env.RATE ?? 48000) };
function echoQuantum(speaker, mic, history, t) {
  let at = t;
  for (let i = 0; i < 128; i++, at++) {
    history[at & 4095] = speaker[i];
    mic[i] = 0.25 * history[(at - 1440) & 4095];
  }
  return at;
}
const speech = speechPcm24k();
const pcm = new Int16Array(24000 * 60).map((_, i) => speech[i % speech.length]);
const playback = new (createPlaybackProcessorClass(scope))({ processorOptions: { module: kernelModule(), progressIntervalMs: 0, linkId: 'probe' } });
const capture = new (createCaptureProcessorClass(scope))({
  processorOptions: { module: kernelModule(), pipeline: { chunkMs: 1000, vad: true }, echoCancellation: true, linkId: 'probe', levelIntervalMs: 0 },
});
playback.port.deliver({ type: 'delta', itemId: 'a', base64: encodeBase64(new Uint8Array(pcm.buffer)) });
const played = new Float32Array(128);
const mic = new Float32Array(128);
const history = new Float32Array(4096);
let t = 0;
const outputs = [[played]];
const inputs = [[mic]];
const noInputs = []; // hoisted: a literal in the step would be the probe's own allocation
const noOutputs = [];
const step = (micOn = true) => {
  // as the test's step (the inlining budget TurboFan spends on it decides what is called out of line)
  playback.process(noInputs, outputs);
  t = echoQuantum(played, mic, history, t);
  capture.process(micOn ? inputs : noInputs, noOutputs);
};
for (let i = 0; i < 5000; i++) step();

// the functions with a loop reachable from the two processors, by Class.name
const seen = new Set();
const functions = new Map();
const queue = [playback, capture];
while (queue.length > 0) {
  const o = queue.pop();
  if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || ArrayBuffer.isView(o) || o instanceof ArrayBuffer) continue;
  seen.add(o);
  if (o === Object.prototype || o === Function.prototype || o === Array.prototype || (Array.isArray(o) && o.length > 64)) continue;
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(o))) {
    for (const v of [d.value, d.get, d.set]) {
      if (typeof v === 'function' && /\\b(for|while)\\s*\\(/.test(Function.prototype.toString.call(v))) {
        const name = (o.constructor?.name ?? '?').replace(/^_/, '') + '.' + key;
        if (!functions.has(name)) functions.set(name, v);
      }
      if (v !== undefined) queue.push(v);
    }
  }
  queue.push(Object.getPrototypeOf(o));
}
const name = process.env.PROBE_FUNCTION;
if (name === undefined) {
  console.log([...functions.keys()].join('\\n'));
} else {
  const fn = functions.get(name);
  if (fn === undefined) throw new Error('no function ' + name + ' with a loop is reachable');
  new Function('f', '%DeoptimizeFunction(f)')(fn);
  let bytes = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    for (let i = 0, before = capture.pipeline.pendingFrames; i < 1000; i++) {
      step();
      const now = capture.pipeline.pendingFrames;
      if (now < before) break;
      before = now;
    }
    bytes = Math.min(bytes, allocatedBytes(() => { for (let i = 0; i < 300; i++) step(); }));
  }
  console.log(name + ' dropped: ' + bytes + ' bytes over 300 quanta at ' + scope.sampleRate + ' Hz');
}
`;

const dir = mkdtempSync(join(os.tmpdir(), 'alloc-osr-probe-'));
try {
  const outfile = join(dir, 'probe.mjs');
  await build(nodeBundle(ENTRY, 'js', outfile));
  const flags = process.execArgv;
  const names = process.argv.slice(2);
  for (const name of names.length === 0 ? [undefined] : names) {
    const env = name === undefined ? process.env : { ...process.env, PROBE_FUNCTION: name };
    const run = spawnSync(process.execPath, [...flags, outfile], { env, encoding: 'utf8' });
    process.stdout.write(run.stdout);
    if (run.status !== 0) process.stderr.write(run.stderr);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
