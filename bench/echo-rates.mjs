// The EchoCanceller on the lab's device-rate group (test/helpers/echo-grid.ts: deviceRateGroup, the
// calls at 120 ms and the -70 dBFS cold starts at 6 and 18 dB in the laptop, desk and kiosk rooms)
// made at 16, 24 and 48 kHz: the same scenes at each rate, their tables and issue-13 shortfalls.
// Quality only (no timing); ~30 s.
//
//   npm run build && node bench/echo-rates.mjs      ECHO_RATES=48000 for one rate
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-rates-'));
/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-report.js') & typeof import('../test/helpers/echo-grid.js')
 *   & typeof import('../test/helpers/echo-cancellers.js')} Lab
 */
/** @type {Lab} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-report', 'echo-grid', 'echo-cancellers'], tmp);
try {
  for (const rate of (process.env.ECHO_RATES ?? '16000,24000,48000').split(',').map(Number)) {
    const list = lab.deviceRateGroup(rate).scenes.map((p) => lab.evaluate(lab.echoCanceller, lab.buildScene(p)));
    /** @type {[string, string[]][]} */
    const short = list.map((f) => /** @type {[string, string[]]} */ ([f.scene, lab.issue13Failures(f)])).filter(([, x]) => x.length > 0);
    console.log(`\n${rate} Hz: ${list.length - short.length} of ${list.length} meet every issue-13 bound\n${lab.sceneTable(list)}`);
    for (const [scene, x] of short) console.log(`  ${scene}: ${x.join('; ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
