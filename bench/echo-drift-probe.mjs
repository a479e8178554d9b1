// Kept for the docs that name it: `node bench/echo-lab.mjs drift [dist A] [dist B]`, with its old
// environment: ECHO_DRIFT_CALLS (--calls), ECHO_DRIFT_TRACE=117:121 (--from 117 --to 121),
// ECHO_DRIFT_TRACE_BLOCKS (--every).
import { echoLab } from './echo-lab.mjs';

const e = process.env;
const [from, to] = e.ECHO_DRIFT_TRACE?.split(':') ?? [];
const stretch = from === undefined ? [] : ['--from', from, '--to', to ?? '1e9'];
await echoLab(['drift', ...process.argv.slice(2), '--calls', e.ECHO_DRIFT_CALLS ?? 'laptop:-100:60', '--every', e.ECHO_DRIFT_TRACE_BLOCKS ?? '10', ...stretch]);
