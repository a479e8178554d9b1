// The room's decay as the canceller reads it (assembly/aec-block.ts measureDecay, every 32 blocks
// once the filter removed 10 dB) against the room's true T60 (the lab's rooms: fixtures/echo-rooms
// manifest, rendered alike at every rate; the outside rooms: their T30), per scene: the T60 the
// suppressor's hold took from each fit (the floor's fit where measureDecay takes it) over the call
// (median per quarter of the fits, the last), and the hold from the last one (1.5 x T60, 300-1200 ms). Needs the bench hooks (built here from the sources, as
// `node bench/echo-lab.mjs ... hooked`).
//
//   node bench/echo-decay-read.mjs [--groups 16k,24k,48k,outside] [--scenes REGEXP] [--at S]
//     --at S     also the partitions at the first fit after S s: energy (dB), the background's
//                uncertainty summed over bins (dB), the first fit's span (peak to 25 dB under) marked
//     --save FILE every fit's partitions (energy, uncertainty) per scene as JSON, to try other fits offline
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ROOT, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: '16k,24k,48k' },
    scenes: { type: 'string', default: ' 6dB$' },
    at: { type: 'string' },
    build: { type: 'string', default: 'hooked' },
    save: { type: 'string' },
  },
});

const labRooms = JSON.parse(readFileSync(`${ROOT}fixtures/echo-rooms/manifest.json`, 'utf8')).rooms;
const outsideRooms = JSON.parse(readFileSync(`${ROOT}fixtures/echo-outside/manifest.json`, 'utf8')).rooms;
/** @param {string} name */
const trueT60 = (name) => labRooms.find((/** @type {any} */ r) => r.name === name)?.rt60 ?? outsideRooms.find((/** @type {any} */ r) => r.name === name)?.t30S;

/** @typedef {{ t: number, peak: number, end: number, t60: number, db: number[], p: number[] }} Dump */

const lab = await loadLab();
const [build] = await loadBuilds([o.build]);
if (!build) throw new Error('no build');
const atS = o.at === undefined ? undefined : Number(o.at);
const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** @type {object[]} */
const saved = [];
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const driver = build.factory()(scene.sampleRate);
  const c = /** @type {any} */ (driver).canceller;
  if (typeof c.k.aec_decay_log_reset !== 'function') throw new Error(`${build.label} has no decay log (bench hooks)`);
  c.k.aec_decay_log_reset();
  const B = c.blockSamples; // the kernel's block (a.blocks counts these)
  /** @type {Dump | null} */
  let dump = null;
  let seen = 0;
  const process = driver.process.bind(driver);
  let t = 0;
  driver.process = (/** @type {Float32Array} */ r, /** @type {Float32Array} */ m, /** @type {Float32Array} */ out) => {
    process(r, m, out);
    t += r.length;
    const n = c.k.aec_decay_info(1000);
    if (atS !== undefined && !dump && n > seen && t / scene.sampleRate >= atS) {
      const parts = c.k.aec_decay_info(100);
      dump = {
        t: t / scene.sampleRate,
        peak: c.k.aec_decay_info(101),
        end: c.k.aec_decay_info(102),
        t60: c.k.aec_decay_info(10000 + n - 1),
        db: Array.from({ length: parts }, (_, q) => c.k.aec_decay_info(q)),
        p: Array.from({ length: parts }, (_, q) => c.k.aec_decay_info(200 + q)),
      };
    }
    seen = n;
  };
  lab.runCanceller(driver, scene);
  const n = c.k.aec_decay_info(1000);
  const fits = Array.from({ length: n }, (_, i) => ({ block: c.k.aec_decay_info(2000 + i), t60: c.k.aec_decay_info(10000 + i) }));
  const parts = c.k.aec_decay_info(100);
  if (o.save) {
    saved.push({
      name: lab.sceneName(params),
      rate: scene.sampleRate,
      blockMs: (1000 * c.blockSamples) / scene.sampleRate,
      trueT60: trueT60(params.room),
      fits: fits.map((f, i) => ({
        ...f,
        db: Array.from({ length: parts }, (_, q) => c.k.aec_decay_info(100000 + 80 * i + q)),
        p: Array.from({ length: parts }, (_, q) => c.k.aec_decay_info(200000 + 80 * i + q)),
      })),
    });
  }
  c.free();
  const read = fits.filter((f) => f.t60 > 0);
  const q = (/** @type {number} */ i) => {
    const part = read.slice(Math.floor((i * read.length) / 4), Math.floor(((i + 1) * read.length) / 4));
    return part.length ? (median(part.map((f) => f.t60)) / 1000).toFixed(2) : '-';
  };
  const last = read.at(-1)?.t60;
  const hold = last ? Math.min(1200, Math.max(300, 1.5 * last)) : NaN;
  const first = read[0] ? ((read[0].block * B) / scene.sampleRate).toFixed(1) : '-';
  console.log(
    `${lab.sceneName(params).padEnd(44)} true ${trueT60(params.room)?.toFixed(2)} s | fits ${read.length}/${n} from ${first} s | T60 by quarter ${[0, 1, 2, 3].map(q).join(' / ')} s, last ${last ? (last / 1000).toFixed(2) : '-'} s, hold ${Number.isNaN(hold) ? '-' : hold.toFixed(0)} ms`,
  );
  const d = /** @type {Dump | null} */ (dump); // (set in the callback)
  if (d) {
    console.log(`  at ${d.t.toFixed(2)} s: peak ${d.peak} end ${d.end} T60 ${(d.t60 / 1000).toFixed(2)} s`);
    console.log(`  energy dB: ${d.db.map((x, i) => `${i === d.peak ? '[' : ''}${x.toFixed(0)}${i === d.end - 1 ? ']' : ''}`).join(' ')}`);
    console.log(`  unc dB:    ${d.p.map((x) => x.toFixed(0)).join(' ')}`);
  }
}
if (o.save) writeFileSync(o.save, JSON.stringify(saved));
