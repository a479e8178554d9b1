// (aec-drc7) Which leaks set a scene's single-talk figure: the leak frames (bench/echo-lab/leak-frames.mjs)
// grouped into runs (frames <= 30 ms apart), and the single-talk reduction with each run's output zeroed
// (the figure is the echo's energy over the output's on settled echo-only frames, so the loudest runs rule it).
//   node bench/echo-lab/leak-share.mjs --groups drc --scenes REGEXP [build]
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, outputOf, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: '.' }, groups: { type: 'string', default: 'drc' } },
});
const lab = await loadLab();
const builds = await loadBuilds(positionals);
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] };
for (const { params, scene } of selectScenes(lab, pick)) {
  for (const build of builds) {
    const out = outputOf(lab, build.factory(), scene, 0);
    const st = (/** @type {Float32Array} */ x) => lab.measureEcho(scene, x, 'ours').singleTalk.reductionDb;
    const base = st(out);
    const leaks = lab.leakFrames(scene, out);
    /** @type {{ from: number, to: number, peak: number }[]} */
    const runs = [];
    for (const f of leaks) {
      const last = runs.at(-1);
      const p = 10 * Math.log10(f.outPower);
      if (last && f.seconds - last.to <= 0.031) {
        last.to = f.seconds;
        last.peak = Math.max(last.peak, p);
      } else runs.push({ from: f.seconds, to: f.seconds, peak: p });
    }
    const size = scene.sampleRate / 100;
    const all = out.slice();
    const parts = runs.map((r) => {
      const x = out.slice();
      for (let k = Math.round(r.from * 100); k <= Math.round(r.to * 100); k++) {
        x.fill(0, k * size, (k + 1) * size);
        all.fill(0, k * size, (k + 1) * size);
      }
      return `${r.from.toFixed(2)}-${r.to.toFixed(2)}(${r.peak.toFixed(0)}):${st(x).toFixed(1)}`;
    });
    console.log(
      `${lab.sceneName(params)} [${build.label}]: ST ${base.toFixed(1)} dB; without all leaks ${st(all).toFixed(1)}; without each run: ${parts.join(' ')}`,
    );
  }
}
