// The canceller's clock skew followed, delay estimate and path changes on one quiet-group scene
// (test/helpers/echo-grid.ts quietGroup), a line each time one of them changes (aec-desk1: the desk's
// 16 kHz 250 ms 6 dB cold start takes a false skew at 6.56 s). Quality only (no timing).
//   node bench/echo-skew-probe.mjs ['desk 16k cold-start 250ms 6dB$'] [16000|24000]
//   ECHO_PROBE_NO_USER=1   the user taken out of the mic (the echo and the noise alone)
//   ECHO_PROBE_TRACE=1     then a line per skew interval (0.5 s; assembly/bench-hooks.ts trace_skew): the
//                          delay statistics' snapshot and peak lags, peak coherence, movement (samples) and
//                          line (ppm +- its standard error, s), the filter's the same, the skew followed
//   ECHO_PROBE_UNGATED=1   the early rule's convergence gate held open (what the delay line alone would propose)
//   ECHO_PROBE_DIST=DIR    a dist build (e.g. a baseline's copy) instead of the hooked build of the sources (no trace)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cancellerAdapter, loadLab } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';
import { printSkewTrace } from './echo-lab/skew-trace.mjs';

const [pattern = 'desk 16k cold-start 250ms 6dB$', rate = '16000'] = process.argv.slice(2);
const lab = await loadLab();
const lib = process.env.ECHO_PROBE_DIST ? await import(pathToFileURL(path.resolve(process.env.ECHO_PROBE_DIST, 'index.js')).href) : await importHooked();
const params = lab.quietGroup(Number(rate), 'bench').scenes.find((/** @type {any} */ p) => new RegExp(pattern).test(lab.sceneName(p)));
if (!params) throw new Error(`no quiet scene matches ${pattern}`);
const scene = lab.buildScene(params);
if (process.env.ECHO_PROBE_NO_USER) {
  for (let i = 0; i < scene.mic.length; i++) scene.mic[i] -= scene.near[i];
  scene.near.fill(0);
}
/** @type {any} */
let c;
let traceAt = 0;
let last = '';
lab.evaluate((/** @type {number} */ sampleRate) => {
  const options = params.delayMs > 250 ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {}; // (as bench/echo-quiet.mjs)
  const adapter = cancellerAdapter(lib, sampleRate, options, 'probe', false, (canceller, seconds) => {
    const line = `skew ${canceller.clockSkewPpm.toFixed(1)} ppm, delay ${canceller.delayMs.toFixed(0)} ms, path changes ${canceller.pathChanges}`;
    if (line !== last) console.log(`${seconds.toFixed(2)} s ${line}, ERLE ${canceller.erleDb.toFixed(1)} dB`);
    last = line;
  });
  c = adapter.canceller;
  if (process.env.ECHO_PROBE_TRACE || process.env.ECHO_PROBE_UNGATED) {
    traceAt = c.heap.alloc(64 * 4096);
    c.k.aec_ktrace_set(traceAt, 4096, process.env.ECHO_PROBE_UNGATED ? 1 : 0);
  }
  return adapter;
}, scene);
if (process.env.ECHO_PROBE_TRACE) {
  const f = new Float32Array(c.k.memory.buffer, traceAt, c.k.aec_ktrace_count() * 16);
  printSkewTrace(f, c.blockSamples / c.sampleRate);
}
c.free();
