// The echo-only frames that leak (output over -50 dBFS, settled: 2 s after the echo starts), per build,
// on the selected scenes: where a single-talk loss comes from (aec-hall6).
//   node bench/echo-lab/leak-frames.mjs --scenes REGEXP --groups outside build...
//     --shifts 0,64   each scene also shifted by these samples (as echo-lab.mjs scenes; aec-bt9)
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, outputOf, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: '.' }, groups: { type: 'string', default: 'outside' }, shifts: { type: 'string', default: '0' } },
});
const lab = await loadLab();
const builds = await loadBuilds(positionals);
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] };
for (const { params, scene } of selectScenes(lab, pick)) {
  for (const shift of o.shifts.split(',').map(Number)) {
    for (const build of builds) {
      const out = outputOf(lab, build.factory(), scene, shift);
      const list = lab.leakFrames(scene, out).map((f) => `${f.seconds.toFixed(2)}(${(10 * Math.log10(f.outPower)).toFixed(0)})`);
      console.log(`${lab.sceneName(params)}${shift ? ` +${shift}` : ''} [${build.label}]: ${list.length} leaks ${list.join(' ')}`);
    }
  }
}
