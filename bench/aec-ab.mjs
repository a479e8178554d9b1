// Kept for the docs that name it: `node bench/echo-lab.mjs scenes <dist A> [dist B, default ./dist]`
// over the quality test's 90 scenes (LOST / WON), with its old environment: AEC_AB_SCENES (regexp,
// default all), AEC_AB_48K=0 (without the 48 kHz group).
import { echoLab } from './echo-lab.mjs';

const e = process.env;
const [dirA, dirB = 'dist'] = process.argv.slice(2);
if (dirA === undefined) throw new Error('usage: node bench/aec-ab.mjs <dist dir A> [dist dir B]');
await echoLab(['scenes', dirA, dirB, '--scenes', e.AEC_AB_SCENES ?? '.', '--groups', e.AEC_AB_48K === '0' ? '16k,24k' : '16k,24k,48k', '--shifts', '0']);
