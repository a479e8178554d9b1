// aec-cap8: the echo-browser test's unheard-echo scenes (test/quality/echo-browser.test.ts: the
// reference plays 6 s unheard, then the echo appears; the main rooms, 120 ms, single talk) per build:
// a hash of the output, 20 dB after the echo appears (ms), the reduction, the leaks and the path
// changes; and the hall cap's conditions (assembly/bench-hooks.ts aec_hall_state) where a build
// has the bench hooks (`hooked`: the sources built with them): the updates with the echo heard the
// delay estimator counted towards a tail of seconds before the first onset (62: a tail; aec-tailgate),
// and with --trace ROOM when each condition changed in that room's scene.
// --hall-off: the hooked build with the hall cap (HALL_NEAR) turned off (veto 256), the reference
// a fix that leaves the scenes that are not halls untouched must equal bit for bit.
//   node bench/echo-unheard.mjs /tmp/base-dist dist [--rates 16000,24000,48000] [--erls 6,12,30]
//   node bench/echo-unheard.mjs hooked --hall-off --trace laptop
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { cancellerAdapter, loadBuilds } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rates: { type: 'string', default: '16000' },
    erls: { type: 'string', default: '12' },
    seed: { type: 'string', default: '5' },
    trace: { type: 'string' },
    'hall-off': { type: 'boolean', default: false },
  },
});
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-unheard-'));
/** @type {any} */
let lab;
try {
  lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-browser', 'echo-sources'], tmp);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const builds = await loadBuilds(positionals);
for (const rate of o.rates.split(',').map(Number)) {
  for (const erlDb of o.erls.split(',').map(Number)) {
    for (const room of lab.MAIN_ROOMS) {
      const scene = lab.echoFrom(lab.buildScene({ room, sampleRate: rate, delayMs: 120, erlDb, script: 'single-talk', seed: Number(o.seed) }), 6);
      const cells = [];
      for (const b of builds) {
        /** @type {string[]} */
        const changes = [];
        let prev = -1;
        let heardBeforeOnset = -1;
        const onBlock = (/** @type {any} */ c, /** @type {number} */ t) => {
          if (typeof c.k.aec_hall_state !== 'function') return;
          const st = c.k.aec_hall_state(c.state);
          if (c.delayMs >= 0 && heardBeforeOnset < 0) heardBeforeOnset = (st >> 4) & 0xfffff;
          const flags = st & 15;
          if (flags !== prev)
            changes.push(
              `${t.toFixed(2)} s: late score ${flags & 1}, long tail ${(flags >> 1) & 1}, present ${(flags >> 2) & 1}, broadband ${(flags >> 3) & 1}, onset ${c.delayMs.toFixed(0)} ms`,
            );
          prev = flags;
        };
        const driver = cancellerAdapter(b.lib, rate, {}, b.label, false, onBlock);
        const c = /** @type {any} */ (driver).canceller;
        const hooked = typeof c.k.aec_veto_set === 'function';
        if (o['hall-off'] && !hooked) throw new Error(`${b.label}: --hall-off needs the bench hooks (build: hooked)`);
        if (o['hall-off']) c.k.aec_veto_set(256);
        try {
          const out = lab.runCanceller(driver, scene);
          const f = lab.measureEcho(scene, out, b.label);
          const hash = createHash('sha1')
            .update(new Uint8Array(out.buffer, out.byteOffset, out.byteLength))
            .digest('hex')
            .slice(0, 8);
          const heard = heardBeforeOnset >= 0 ? `, ${heardBeforeOnset} heard updates before the onset` : '';
          cells.push(
            `${b.label}: #${hash} ${f.convergence.coldStartMs} ms ${f.singleTalk.reductionDb.toFixed(1)} dB ${(100 * f.singleTalk.leakShare).toFixed(1)}% ${c.pathChanges} change(s)${heard}`,
          );
          if (o.trace && scene.name.startsWith(o.trace)) console.log(`${scene.name}, ${b.label}:\n  ${changes.join('\n  ')}`);
        } finally {
          if (hooked) c.k.aec_veto_set(0);
          c.free();
        }
      }
      console.log(`${scene.name} | ${cells.join(' | ')}`);
    }
  }
}
