// The echo-only frames that leak (output over -50 dBFS, settled: 2 s after the echo starts), per build,
// on the selected scenes: where a single-talk loss comes from (aec-hall6).
//   node bench/echo-lab/leak-frames.mjs --scenes REGEXP --groups outside build...
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, outputOf, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: '.' }, groups: { type: 'string', default: 'outside' } },
});
const lab = await loadLab();
const builds = await loadBuilds(positionals);
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] };
for (const { params, scene } of selectScenes(lab, pick)) {
  for (const build of builds) {
    const out = outputOf(lab, build.factory(), scene, 0);
    const size = scene.sampleRate / 100;
    const start = Math.floor(scene.events.echoStart / size);
    const list = [];
    for (let k = start + 200; (k + 1) * size <= scene.mic.length; k++) {
      let n = 0,
        e = 0,
        z = 0,
        y = 0,
        cover = 0;
      for (let i = k * size; i < (k + 1) * size; i++) {
        n += scene.near[i] ** 2;
        e += scene.echo[i] ** 2;
        z += scene.noise[i] ** 2;
        y += out[i] ** 2;
      }
      for (const [a, b] of scene.labels.near) cover += Math.max(0, Math.min(b, (k + 1) * size) - Math.max(a, k * size));
      const echoPresent = scene.labels.echo.some((/** @type {number[]} */ [a, b]) => a < (k + 1) * size && b > k * size) || e > z;
      const userActive = cover > 0 || n > z;
      if (echoPresent && !userActive && y / size > 1e-5) list.push(`${(k / 100).toFixed(2)}(${(10 * Math.log10(y / size)).toFixed(0)})`);
    }
    console.log(`${lab.sceneName(params)} [${build.label}]: ${list.length} leaks ${list.join(' ')}`);
  }
}
