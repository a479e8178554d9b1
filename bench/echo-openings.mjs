// Kept for the docs that name it: `node bench/echo-lab.mjs openings`, with its old environment:
// ECHO_OPENINGS_SCENES (regexp, default ' 6dB'), ECHO_OPENINGS_FRAMES=1 (--frames).
import { echoLab } from './echo-lab.mjs';

const e = process.env;
await echoLab(['openings', '--scenes', e.ECHO_OPENINGS_SCENES ?? ' 6dB', '--shifts', '0', ...(e.ECHO_OPENINGS_FRAMES === '1' ? ['--frames'] : [])]);
