// Kept for the docs that name it: `node bench/echo-lab.mjs scenes [dist A] [dist B]` (two builds side
// by side), with its old environment: ECHO_PROBE_SCENES (regexp, default ' 6dB$'), ECHO_PROBE_SHIFTS
// (--shifts, default 0), ECHO_PROBE_DIRTY=1 (--dirty).
import { echoLab } from './echo-lab.mjs';

const e = process.env;
const dirty = e.ECHO_PROBE_DIRTY === '1' ? ['--dirty'] : [];
await echoLab(['scenes', ...process.argv.slice(2), '--scenes', e.ECHO_PROBE_SCENES ?? ' 6dB$', '--shifts', e.ECHO_PROBE_SHIFTS ?? '0', ...dirty]);
