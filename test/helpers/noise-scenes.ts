// Changing-noise VAD scenes by construction (fixtures/vad-noise; scripts/fixtures-vad-noise.mjs):
// a noise of known colour times a gain envelope known to the sample (a step or a linear-in-dB ramp,
// up or down by STEP_DB), alone or under a labelled speech track. The step falls in a pause of the
// speech (>= 3.5 s before the next utterance) or in the middle of an utterance. Everything here is
// computed from the fixtures and the envelope, never from the code under test.
import { readFileSync } from 'node:fs';
import { readWav } from './wav-read.js';
import { FIXTURES, activeDb, loadTrack, type Labels, type LabelledTrack } from './labels-vad.js';

export const STEP_DB = 16;
/** Noise level re the speech's active level (dB) on the quiet side and the loud side of a step. */
export const QUIET_SNR_DB = 26;
export const LOUD_SNR_DB = QUIET_SNR_DB - STEP_DB;
export const RAMP_MS = 2000;

export type SetName = 'tune' | 'held' | 'held2';
export type Shape = 'step' | 'ramp';
export type SpeechPlace = 'none' | 'pause' | 'over';

interface Manifest {
  sets: Record<SetName, { noises: string[]; speech: string }>;
}
type StepLabels = Labels & { stepOverSpeechSample: number; stepInPauseSample: number };

export interface NoiseScene {
  name: string;
  set: SetName;
  noise: string;
  shape: Shape;
  /** +1: the noise gets louder by STEP_DB, -1: quieter. */
  direction: 1 | -1;
  speech: SpeechPlace;
  sampleRate: number;
  samples: Float32Array;
  /** Labels of the speech in the scene (no intervals when `speech` is 'none'). */
  labels: Labels;
  /** The envelope starts changing at `changeStart` and is settled from `changeEnd` (samples). */
  changeStart: number;
  changeEnd: number;
  /**
   * From here on, nothing but noise until the next utterance: the later of the settled envelope
   * and the end of the utterance running over the change (samples).
   */
  settled: number;
  /** Start of the next utterance after `settled` (the scene's end when there is none), samples. */
  nextSpeech: number;
}

const DIR = `${FIXTURES}vad-noise/`;

export function setNames(set: SetName): { noises: string[]; speech: string } {
  const manifest = JSON.parse(readFileSync(`${FIXTURES}manifest.vad-noise.json`, 'utf8')) as Manifest;
  return manifest.sets[set];
}

/** Noise gain in dB re its level at the quiet side, at sample i. */
function envelopeDb(i: number, start: number, end: number, direction: 1 | -1): number {
  const progress = i < start ? 0 : i >= end ? 1 : (i - start) / (end - start);
  return direction > 0 ? progress * STEP_DB : STEP_DB - progress * STEP_DB;
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

/** Every scene of a set: each noise x step/ramp x up/down x no speech / step in a pause / step over speech. */
export function noiseScenes(set: SetName): NoiseScene[] {
  const names = setNames(set);
  const track: LabelledTrack = loadTrack('vad-noise', names.speech);
  const labels = track.labels as StepLabels;
  const rate = track.sampleRate;
  const quietGain = 10 ** ((activeDb(track) - QUIET_SNR_DB) / 20);
  const scenes: NoiseScene[] = [];
  for (const noiseName of names.noises) {
    const noise = readWav(`${DIR}${noiseName}.wav`).samples;
    const unit = quietGain / rms(noise);
    for (const shape of ['step', 'ramp'] as const) {
      for (const direction of [1, -1] as const) {
        for (const speech of ['none', 'pause', 'over'] as const) {
          const changeStart = speech === 'over' ? labels.stepOverSpeechSample : labels.stepInPauseSample;
          const changeEnd = changeStart + (shape === 'ramp' ? Math.round((RAMP_MS * rate) / 1000) : 0);
          const intervals: [number, number][] = speech === 'none' ? [] : labels.speechIntervals;
          const samples = new Float32Array(track.samples.length);
          for (let i = 0; i < samples.length; i++) {
            const gain = unit * 10 ** (envelopeDb(i, changeStart, changeEnd, direction) / 20);
            samples[i] = gain * noise[i]! + (speech === 'none' ? 0 : track.samples[i]!);
          }
          const covering = intervals.find(([a, b]) => a <= changeStart && b > changeStart);
          const settled = Math.max(changeEnd, covering ? covering[1] : 0);
          const next = intervals.find(([a]) => a >= settled);
          scenes.push({
            name: `${noiseName} ${shape} ${direction > 0 ? 'up' : 'down'} ${speech === 'none' ? 'noise alone' : `speech, change ${speech === 'over' ? 'over an utterance' : 'in a pause'}`}`,
            set,
            noise: noiseName,
            shape,
            direction,
            speech,
            sampleRate: rate,
            samples,
            labels: { ...labels, speechIntervals: intervals },
            changeStart,
            changeEnd,
            settled,
            nextSpeech: next ? next[0] : samples.length,
          });
        }
      }
    }
  }
  return scenes;
}
