// The path-change calls (bench/echo-lab/changes.mjs) with the bench hooks' oracles, as whole figures
// (aec-dtpath4: what each cause of the calls' misses is worth before building a rule for it). Per call,
// one line per mode: `none` (the hooked build as is), `talk` (the linear stage's double-talk flag forced
// up over every labelled utterance: assembly/bench-hooks.ts ab_talking), `presence` (the suppressor's
// presence forced on over them: ab_present), `both`. Quality only.
//
//   node bench/echo-lab/change-oracles.mjs [REGEXP] [RATE] [MODES]
//   e.g. node bench/echo-lab/change-oracles.mjs 'change@(3|11)s' 16000 none,talk,presence,both
// (12 dB echo return loss; ECHO_HOOKED=<a hooked build's index.js> reuses one: bench/echo-lab/hooked-build.mjs)
import { figuresLine, loadBuilds, loadLab } from './common.mjs';
import { changeCalls } from './changes.mjs';

const lab = await loadLab();
const [build] = await loadBuilds(['hooked']);
if (!build) throw new Error('no hooked build');
const only = new RegExp(process.argv[2] ?? '.');
const rate = Number(process.argv[3] ?? 16000);
const modes = (process.argv[4] ?? 'none,talk,presence,both').split(',');

/**
 * The hooked build's factory with the oracles set over `scene`'s utterances (cleared before the
 * canceller is freed: the hooks' pointers are the module's, shared by every canceller).
 * @param {import('./common.mjs').EchoScene} scene @param {boolean} talk @param {boolean} presence
 * @returns {import('./common.mjs').CancellerFactory}
 */
function withOracles(scene, talk, presence) {
  const b = /** @type {import('./common.mjs').Build} */ (build);
  return (sampleRate) => {
    const d = b.factory()(sampleRate);
    const c = /** @type {any} */ (d).canceller;
    const B = c.blockSamples;
    const n = Math.ceil(scene.mic.length / B) + 4;
    // the presence oracle's block i judges the suppressor frame that ends a block later (openings.mjs hookedRun)
    for (const [on, set, extra] of /** @type {[boolean, string, number][]} */ ([
      [talk, 'aec_talk_oracle_set', 0],
      [presence, 'aec_oracle_set', B],
    ])) {
      if (!on) continue;
      const p = c.heap.alloc(n);
      const f = new Uint8Array(c.k.memory.buffer, p, n);
      f.fill(0);
      for (const [a, e] of scene.labels.utterances) for (let i = Math.floor(a / B); i * B < e + extra && i < n; i++) f[i] = 1;
      c.k[set](p, n);
    }
    const free = d.free?.bind(d);
    d.free = () => {
      c.k.aec_talk_oracle_set(0, 0);
      c.k.aec_oracle_set(0, 0);
      free?.();
    };
    return d;
  };
}

for (const params of changeCalls([rate], [12])) {
  const name = lab.sceneName(params);
  if (!only.test(name)) continue;
  const scene = lab.buildScene(params);
  console.log(name);
  for (const m of modes) {
    const f = lab.evaluate(withOracles(scene, m === 'talk' || m === 'both', m === 'presence' || m === 'both'), scene);
    console.log(`  ${m.padEnd(8)} ${figuresLine(lab, f)}`);
  }
}
