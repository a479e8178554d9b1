// Playback on the arrival traces of fixtures/playback (steady, OpenAI-like, Gemini-like bursts,
// network jitter), with a 440 Hz tone and recorded speech as the session's voice, at 48 kHz:
// underruns, added latency against a player with no delay at all, and how every transition
// sounds against the signal's own steady state (largest sample step; high-pass click energy).
// The default playout (5 ms fades, adaptive delay) is run beside fixed delays, the first of which
// (0 ms, no fades) is the pipeline before issue 15. Prints the table docs/playback.md quotes.
// About 4 s: 4 traces x 2 voices x 4 playouts, 20-30 s of audio each.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/browser.js';
import { TRACE_NAMES, loadTrace, runTrace, speechSource, toneSource, type TraceName } from '../helpers/playback-trace.js';
import { runFigures, type RunFigures } from '../helpers/playback-figures.js';

const PLAYOUTS = {
  adaptive: {},
  'fixed 0, no fades': { fadeMs: 0, minPlayoutMs: 0, maxPlayoutMs: 0 },
  'fixed 0': { minPlayoutMs: 0, maxPlayoutMs: 0 },
  'fixed 150': { minPlayoutMs: 150, maxPlayoutMs: 150 },
} as const;
type Playout = keyof typeof PLAYOUTS;
const VOICES = { tone: toneSource(), speech: speechSource() } as const;
type Voice = keyof typeof VOICES;
/** Around each transition: a 5 ms fade and a quantum on each side. */
const GUARD_FRAMES = 240 + 128;

const figures = new Map<string, RunFigures>();
const key = (trace: TraceName, voice: Voice, playout: Playout) => `${trace}/${voice}/${playout}`;
for (const trace of TRACE_NAMES) {
  const t = loadTrace(trace);
  for (const voice of Object.keys(VOICES) as Voice[]) {
    for (const playout of Object.keys(PLAYOUTS) as Playout[]) {
      figures.set(key(trace, voice, playout), runFigures(runTrace(t, VOICES[voice], PLAYOUTS[playout]), GUARD_FRAMES));
    }
  }
}
const get = (trace: TraceName, voice: Voice, playout: Playout) => figures.get(key(trace, voice, playout))!;

describe('playback on arrival traces (48 kHz)', () => {
  it('prints the figures', () => {
    const rows = [
      '| trace | playout | underruns (max per response) | underrun s | added latency mean / p95 ms | delay at end ms | step ratio tone / speech | click dB tone / speech |',
    ];
    rows.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const trace of TRACE_NAMES) {
      for (const playout of Object.keys(PLAYOUTS) as Playout[]) {
        const tone = get(trace, 'tone', playout);
        const speech = get(trace, 'speech', playout);
        rows.push(
          `| ${trace} | ${playout} | ${tone.underruns} (${tone.maxUnderrunsPerItem}) | ${tone.underrunSeconds.toFixed(2)} | ${tone.meanAddedMs.toFixed(0)} / ${tone.p95AddedMs.toFixed(0)} | ${tone.playoutDelayMs.toFixed(0)} | ${(tone.worstStep / tone.steadyMaxStep).toFixed(2)} / ${(speech.worstStep / speech.steadyMaxStep).toFixed(2)} | ${tone.worstClickDb.toFixed(0)} / ${speech.worstClickDb.toFixed(0)} |`,
        );
      }
    }
    console.log(rows.join('\n'));
    // every transition by kind: its largest step against the steady state's (tone, speech)
    const kinds = ['start', 'stop', 'item', 'interrupt', 'dip'] as const;
    const byKind = [`| trace | playout | ${kinds.join(' | ')} |`, `| --- | --- |${kinds.map(() => ' --- |').join('')}`];
    for (const trace of TRACE_NAMES) {
      for (const playout of ['adaptive', 'fixed 0, no fades'] as const) {
        const cells = kinds.map((kind) => {
          const parts = (['tone', 'speech'] as const).map((voice) => {
            const f = get(trace, voice, playout);
            const ts = f.transitions.filter((t) => t.kind === kind);
            return ts.length === 0 ? '-' : `${(Math.max(...ts.map((t) => t.maxStep)) / f.steadyMaxStep).toFixed(2)}`;
          });
          const count = get(trace, 'tone', playout).transitions.filter((t) => t.kind === kind).length;
          return count === 0 ? '-' : `${count}: ${parts.join(' / ')}`;
        });
        byKind.push(`| ${trace} | ${playout} | ${cells.join(' | ')} |`);
      }
    }
    console.log(byKind.join('\n'));
    const t = get('steady', 'tone', 'adaptive');
    const s = get('steady', 'speech', 'adaptive');
    console.log(
      `steady state: tone step ${t.steadyMaxStep.toFixed(4)}, high-pass ${t.steadyHpDbfs.toFixed(0)} dBFS; speech step ${s.steadyMaxStep.toFixed(4)}, high-pass ${s.steadyHpDbfs.toFixed(0)} dBFS`,
    );
    expect(figures.size).toBe(TRACE_NAMES.length * 2 * 4);
  });

  it('no transition steps above the signal’s own steady-state maximum (default playout, every trace, both voices)', () => {
    for (const trace of TRACE_NAMES) {
      for (const voice of Object.keys(VOICES) as Voice[]) {
        const f = get(trace, voice, 'adaptive');
        expect(f.transitions.length, `${trace}/${voice}`).toBeGreaterThan(5);
        for (const t of f.transitions) expect(t.maxStep, `${trace}/${voice} ${t.kind} at ${t.frame}`).toBeLessThanOrEqual(f.steadyMaxStep);
      }
      // without fades the tone jumps by up to its amplitude
      expect(get(trace, 'tone', 'fixed 0, no fades').worstStep, trace).toBeGreaterThan(10 * get(trace, 'tone', 'fixed 0, no fades').steadyMaxStep);
    }
  });

  it('clicks: speech no louder above 6 kHz at any transition than in its steady state; the tone 50 dB below its unfaded clicks', () => {
    for (const trace of TRACE_NAMES) {
      expect(get(trace, 'speech', 'adaptive').worstClickDb, trace).toBeLessThanOrEqual(0);
      const faded = get(trace, 'tone', 'adaptive').worstClickDb;
      const hard = get(trace, 'tone', 'fixed 0, no fades').worstClickDb;
      expect(hard, trace).toBeGreaterThan(60); // a cut tone: broadband
      expect(faded, trace).toBeLessThan(20); // the fade's own spread above 6 kHz, near -85 dBFS (the floor is -100)
    }
  });

  it('Gemini-like bursts: at most one underrun per response at under 150 ms mean added latency; fixed delays do worse', () => {
    const adaptive = get('gemini', 'tone', 'adaptive');
    expect(adaptive.maxUnderrunsPerItem).toBeLessThanOrEqual(1);
    expect(adaptive.meanAddedMs).toBeLessThan(150);
    const fixed0 = get('gemini', 'tone', 'fixed 0, no fades');
    expect(fixed0.underruns).toBeGreaterThan(adaptive.underruns);
    expect(fixed0.underrunSeconds).toBeGreaterThan(adaptive.underrunSeconds);
    const fixed150 = get('gemini', 'tone', 'fixed 150');
    expect(fixed150.underruns + fixed150.meanAddedMs / 150).toBeGreaterThan(adaptive.underruns + adaptive.meanAddedMs / 150);
  });

  it('steady and OpenAI-like arrivals: no underrun, the minimum delay (20 ms) at most; jitter: at most one underrun per response under 150 ms', () => {
    for (const trace of ['steady', 'openai'] as const) {
      const f = get(trace, 'tone', 'adaptive');
      expect(f.underruns, trace).toBe(0);
      expect(f.meanAddedMs, trace).toBeLessThanOrEqual(21);
    }
    const jitter = get('jitter', 'tone', 'adaptive');
    expect(jitter.maxUnderrunsPerItem).toBeLessThanOrEqual(1); // measured: 1 underrun in all, in the first response
    expect(jitter.meanAddedMs).toBeLessThan(150);
    expect(get('jitter', 'tone', 'fixed 0, no fades').underruns).toBeGreaterThan(3 * jitter.underruns);
  });
});

// Studies for docs/playback.md, off by default:
// - PLAYBACK_FADES=1: the fade length against the clicks (1-20 ms, default playout, every trace);
// - PLAYBACK_SEEDS=dir,dir: the default playout on more traces of the same shapes, made by
//   `node scripts/fixtures-playback.mjs --seed 10 --out dir` (responses with an underrun, with more
//   than one, mean added latency).
describe('playback studies', () => {
  it.runIf(process.env.PLAYBACK_FADES === '1')('fade length against clicks', () => {
    const rows = ['| fade ms | worst step / steady, tone | click dB tone | click dB speech |', '| --- | --- | --- | --- |'];
    for (const fadeMs of [1, 2, 3, 5, 10, 20]) {
      let step = 0;
      let tone = -200;
      let speechDb = -200;
      for (const trace of TRACE_NAMES) {
        const t = loadTrace(trace);
        const guard = Math.round(fadeMs * 48) + 128;
        const ft = runFigures(runTrace(t, VOICES.tone, { fadeMs }), guard);
        const fs = runFigures(runTrace(t, VOICES.speech, { fadeMs }), guard);
        step = Math.max(step, ft.worstStep / ft.steadyMaxStep);
        tone = Math.max(tone, ft.worstClickDb);
        speechDb = Math.max(speechDb, fs.worstClickDb);
      }
      rows.push(`| ${fadeMs} | ${step.toFixed(2)} | ${tone.toFixed(0)} | ${speechDb.toFixed(0)} |`);
    }
    console.log(rows.join('\n'));
  });

  it.runIf(process.env.PLAYBACK_SEEDS !== undefined)('the default playout on more seeds', async () => {
    const { readFileSync } = await import('node:fs');
    const dirs = [join(REPO_ROOT, 'fixtures', 'playback'), ...(process.env.PLAYBACK_SEEDS ?? '').split(',').filter(Boolean)];
    for (const trace of TRACE_NAMES) {
      let responses = 0;
      let withOne = 0;
      let withMore = 0;
      let mean = 0;
      for (const dir of dirs) {
        const t = JSON.parse(readFileSync(join(dir, 'traces', `${trace}.json`), 'utf8'));
        const run = runTrace(t, VOICES.tone);
        const f = runFigures(run, GUARD_FRAMES);
        responses += t.responses;
        for (const n of run.underrunsByItem.values()) if (n > 1) withMore++;
        withOne += run.underrunsByItem.size;
        mean += f.meanAddedMs / dirs.length;
      }
      console.log(`${trace}: ${responses} responses, ${withOne} with an underrun, ${withMore} with more than one; mean added latency ${mean.toFixed(0)} ms`);
    }
  });
});
