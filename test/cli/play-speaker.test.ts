// The listening check: `realtime-pcm play --speaker` renders each arrival trace (fixtures/playback)
// as the speaker would play it and writes it as a WAV (kept in test-artifacts/playback/ to listen
// to). The WAV must be the PlaybackPipeline's output (test/helpers/playback-trace.ts) to PCM16, and
// its clicks are measured on the WAV itself: high-pass energy (above 6 kHz) at every transition
// against the loudest of the steady state. With the default playout no transition of the speech
// is louder there than the speech itself; the same traces rendered with --fade-ms 0 and no playout
// delay (the playback before issue 15) click. About 3 s.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { floatToPcm16 } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/browser.js';
import { TRACE_NAMES, loadTrace, runTrace, speechSource, toneSource, traceLog } from '../helpers/playback-trace.js';
import { runFigures } from '../helpers/playback-figures.js';

const DIR = join(REPO_ROOT, 'test-artifacts', 'playback');
const OLD_PLAYOUT = ['--fade-ms', '0', '--min-playout-ms', '0', '--max-playout-ms', '0'];

async function render(log: string, out: string, extra: string[]): Promise<{ code: number; err: string; samples: Int16Array }> {
  let err = '';
  const code = await runCli(['play', log, out, '--speaker', ...extra], { stdout: () => {}, stderr: (t) => (err += t), stderrIsTTY: false });
  const b = readFileSync(out);
  return { code, err, samples: new Int16Array(b.buffer.slice(b.byteOffset + 44, b.byteOffset + b.length)) };
}

/** The first index below `n` where `a` and `b` differ, or -1 (toEqual on a million samples is slow). */
function firstDifference(a: Int16Array, b: Int16Array, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('realtime-pcm play --speaker on the arrival traces', () => {
  mkdirSync(DIR, { recursive: true });
  const voices = { speech: speechSource(), tone: toneSource() };
  for (const name of TRACE_NAMES) {
    for (const voice of ['speech', 'tone'] as const) {
      if (voice === 'tone' && name !== 'jitter') continue; // the tone on one trace: its clicks are the plainest
      it(`${name} (${voice}): the WAV is the pipeline's output; no transition clicks, the old playout does`, async () => {
        const trace = loadTrace(name);
        const log = join(DIR, `${name}-${voice}.jsonl`);
        writeFileSync(log, traceLog(trace, voices[voice]));
        const wav = join(DIR, `${name}-${voice}.wav`);
        const now = await render(log, wav, []);
        expect(now.code).toBe(0);
        expect(now.err).toMatch(/what the speaker plays/);
        const run = runTrace(trace, voices[voice]);
        const expected = floatToPcm16(run.output);
        let last = expected.length - 1;
        while (last > 0 && expected[last] === 0) last--;
        const n = Math.min(expected.length, now.samples.length);
        expect(n).toBeGreaterThan(last); // the CLI stops 16 quanta after the last item ended
        expect(firstDifference(now.samples, expected, n)).toBe(-1);
        expect(now.samples.subarray(n).every((x) => x === 0)).toBe(true);
        // clicks, measured on the WAV at the transitions of the run
        const heard = runFigures({ ...run, output: Float32Array.from(now.samples.subarray(0, n), (x) => x / 32768) }, 240 + 128);
        const old = await render(log, join(DIR, `${name}-${voice}-old.wav`), OLD_PLAYOUT);
        const oldRun = runTrace(trace, voices[voice], { fadeMs: 0, minPlayoutMs: 0, maxPlayoutMs: 0 });
        const oldHeard = runFigures({ ...oldRun, output: Float32Array.from(old.samples.subarray(0, oldRun.output.length), (x) => x / 32768) }, 240 + 128);
        console.log(
          `${name} (${voice}): loudest transition above 6 kHz ${heard.worstClickDb.toFixed(1)} dB against the steady state (${heard.steadyHpDbfs.toFixed(0)} dBFS); old playout ${oldHeard.worstClickDb.toFixed(1)} dB`,
        );
        if (voice === 'speech') expect(heard.worstClickDb).toBeLessThanOrEqual(0);
        else expect(heard.worstClickDb).toBeLessThan(oldHeard.worstClickDb - 40);
        expect(oldHeard.worstClickDb).toBeGreaterThan(heard.worstClickDb + 5);
      });
    }
  }

  it('refuses playout options without --speaker, and --speaker with --input', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => (err += t), stderrIsTTY: false };
    expect(await runCli(['play', 'a.jsonl', 'b.wav', '--fade-ms', '3'], io)).toBe(2);
    expect(err).toMatch(/--fade-ms goes with --speaker/);
    expect(await runCli(['play', 'a.jsonl', 'b.wav', '--speaker', '--input'], io)).toBe(2);
    expect(await runCli(['play', 'a.jsonl', 'b.wav', '--speaker', '--fade-ms', '90'], io)).toBe(2);
    expect(err).toMatch(/--fade-ms 90: use 0..50/);
  });
});
