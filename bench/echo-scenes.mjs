// Kept for the docs that name it: `node bench/echo-lab.mjs scenes` (the figures per scene, saved and
// compared), with its old environment: ECHO_SCENES (regexp, default ' 6dB'), ECHO_SCENES_OUT=file
// (--save), ECHO_SCENES_BASE=file (--compare), ECHO_SCENES_24K=1 (the outside rooms at 24 kHz too).
import { echoLab } from './echo-lab.mjs';

const e = process.env;
const groups = `16k,24k,48k,outside${e.ECHO_SCENES_24K === '1' ? ',outside24' : ''}`;
const files = [...(e.ECHO_SCENES_OUT ? ['--save', e.ECHO_SCENES_OUT] : []), ...(e.ECHO_SCENES_BASE ? ['--compare', e.ECHO_SCENES_BASE] : [])];
await echoLab(['scenes', '--scenes', e.ECHO_SCENES ?? ' 6dB', '--groups', groups, ...files]);
