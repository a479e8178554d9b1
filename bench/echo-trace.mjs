// Kept for the docs that name it: `node bench/echo-lab.mjs trace` with its old arguments,
// `node bench/echo-trace.mjs <build: hooked> <scene regexp> [shift] [t0 s] [t1 s]` (the trace build is
// no longer made by hand from a patch: `hooked` builds it from the sources into a temp dir).
import { echoLab } from './echo-lab.mjs';

const [build, pattern, shift = '0', from = '0', to = '99'] = process.argv.slice(2);
if (!build || !pattern) throw new Error('usage: node bench/echo-trace.mjs hooked <scene regexp> [shift] [t0] [t1]');
await echoLab(['trace', build, '--scenes', pattern, '--shifts', shift, '--from', from, '--to', to]);
