// (aec-drc9) The device gain's learned slope (assembly/aec-device-gain.ts) over a scene, every 0.5 s, and the figures.
//   node bench/echo-lab/device-slope.mjs --groups drc --scenes REGEXP [build]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cancellerAdapter, figuresLine, loadLab, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: 'compressor' }, groups: { type: 'string', default: 'drc' }, every: { type: 'string', default: '0.5' } },
});
const lab = await loadLab();
const dir = positionals[0] ?? 'dist';
const lib = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
const every = Number(o.every);
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const slopes = [];
  let next = every;
  const factory = (sampleRate) =>
    cancellerAdapter(lib, sampleRate, {}, dir, true, (c, t) => {
      if (t >= next) {
        slopes.push(`${c.k.aec_device_slope(c.state).toFixed(2)}${process.env.DG_MISFIT ? `/${c.k.aec_device_misfit(c.state).toFixed(2)}` : ''}`);
        next += every;
      }
    });
  const r = lab.evaluate(factory, scene);
  console.log(`${r.scene}: ${figuresLine(lab, r).replace(/ \| conv.*/, '')}\n  slope ${slopes.join(' ')}`);
}
