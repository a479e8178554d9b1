// The skew follower's observations on lab scenes of any group (bench/echo-skew-probe.mjs does the
// quiet group's): per skew interval (0.5 s; assembly/bench-hooks.ts trace_skew) the delay
// statistics' snapshot and peak lags, peak coherence, movement (samples) and line (ppm +- its
// standard error, s), the filter's the same, the skew followed; and a line whenever the skew
// followed, the delay estimate or the path changes change (aec-skewbt).
//   node bench/echo-skew-trace.mjs [hooked|dist dir] --groups btsbc --scenes 'laptop 16k call 350ms 6dB'
//     --ungated   the early rule's convergence gate held open
//     --no-drift  the scene again with the speaker's clock on the mic's (bluetooth.driftPpm 0)
import { parseArgs } from 'node:util';
import { printSkewTrace } from './echo-lab/skew-trace.mjs';
import { cancellerAdapter, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    groups: { type: 'string', default: 'btsbc' },
    scenes: { type: 'string', default: 'laptop 16k call 350ms 6dB' },
    ungated: { type: 'boolean', default: false },
    'no-drift': { type: 'boolean', default: false },
  },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.length ? positionals.slice(0, 1) : ['hooked']);
for (const picked of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const scene =
    o['no-drift'] && picked.params.bluetooth ? lab.buildScene({ ...picked.params, bluetooth: { ...picked.params.bluetooth, driftPpm: 0 } }) : picked.scene;
  console.log(`== ${scene.name} (echo ${scene.meta.echoDelayMs?.toFixed?.(0)} ms)`);
  /** @type {any} */
  let c;
  let traceAt = 0;
  let last = '';
  const adapter = cancellerAdapter(build.lib, scene.sampleRate, {}, 'ours', false, (/** @type {any} */ k, /** @type {number} */ t) => {
    const line = `skew ${k.clockSkewPpm.toFixed(1)} ppm, delay ${k.delayMs.toFixed(0)} ms, path changes ${k.pathChanges}`;
    if (line !== last) console.log(`${t.toFixed(2)} s ${line}, ERLE ${k.erleDb.toFixed(1)} dB`);
    last = line;
  });
  c = adapter.canceller;
  const hooked = typeof c.k.aec_ktrace_set === 'function'; // (a dist build: the skew followed alone)
  if (hooked) {
    traceAt = c.heap.alloc(64 * 4096);
    c.k.aec_ktrace_set(traceAt, 4096, o.ungated ? 1 : 0);
  }
  lab.runCanceller(adapter, scene);
  const f = new Float32Array(hooked ? c.k.memory.buffer : new ArrayBuffer(0), traceAt, hooked ? c.k.aec_ktrace_count() * 16 : 0);
  printSkewTrace(f, c.blockSamples / c.sampleRate);
  c.free();
}
