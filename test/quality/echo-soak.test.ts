// The echo canceller as a server runs it (issue 13): one EchoCanceller for a long run of audio
// (test/helpers/echo-soak.ts: calls, a reply pause of 2 minutes, path changes, the mic clipping,
// zeroed, silent or stuck at DC, the reference no longer pushed while the speaker plays, drift with
// playout resyncs), its call windows measured by the lab's rules and compared with its first
// minutes; and many short calls in one process (create, run, free) with the kernel memory back to
// where it started; and a stretch of the 72-hour soak replayed from a fixture (fixtures/echo-soak,
// bench/echo-soak-fixture.mjs), and one of the week rendered from the generator's state (bench/echo-soak-state.mjs). Speed per hour of audio: bench/echo-soak.bench.mjs (timing is never pass/fail).
//
// Fast default (about 15 s): 10 minutes at 16 kHz and +100 ppm (one cycle of the schedule in the
// laptop, one resync, then the move to the desk), and 200 calls of 1-3 s. ECHO_SOAK_HOURS=N: N
// hours (a room per 9-minute cycle: laptop, desk, kiosk, then three outside rooms), at
// ECHO_SOAK_DRIFT_PPM (default +100); ECHO_SOAK_CALLS=N calls of 5-30 s (1000: about 3 minutes).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { EchoCanceller } from '../../src/index.js';
import { kernelMemory } from '../../src/wasm/load.js';
import { measureEcho } from '../helpers/echo-metrics.js';
import { buildScene } from '../helpers/echo-scenes.js';
import { CYCLE_S, SOAK_ROOMS, type SoakParams, type SoakResume, soakResume, soakSegments } from '../helpers/echo-soak.js';
import { cancelScenes, judgeAlignment, runSoak, type SoakRun, type SoakWindow } from '../helpers/echo-soak-run.js';
import { rng } from '../helpers/random.js';
import { decodeWavChannels, parseWav } from '../../src/wav/wav.js';

const HOURS = Number(process.env.ECHO_SOAK_HOURS ?? 0);
const DRIFT_PPM = Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100);
const CALLS = Number(process.env.ECHO_SOAK_CALLS ?? 200);
const LONG_CALLS = process.env.ECHO_SOAK_CALLS !== undefined;
const SECONDS = HOURS > 0 ? HOURS * 3600 : CYCLE_S + 60;
const RATE = 16000;

let run: SoakRun;
const calls = (r: SoakRun) => r.windows.filter((w) => w.figures !== null);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

beforeAll(
  () => {
    run = runSoak({ sampleRate: RATE, driftPpm: DRIFT_PPM, seconds: SECONDS, rooms: SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 });
    const row = (w: SoakWindow) => {
      const f = w.figures;
      const figures = f
        ? `${f.singleTalk.reductionDb.toFixed(1)} (${f.singleTalk.ceilingDb.toFixed(1)}) | ${pct(f.singleTalk.leakShare)} | ${pct(f.doubleTalk.cleanShare)}`
        : '- | - | -';
      return `| ${w.startS} | ${w.room} | ${w.kind}${w.recovering ? ' (after)' : ''} | ${w.pathChange ?? ''} | ${figures} | ${w.echoDelayMs.toFixed(0)} / ${w.delayMs.toFixed(0)} | ${w.skewPpm.toFixed(1)} | ${w.pathChanges} |`;
    };
    console.log(
      `\n| start s | room | segment | path change made | single talk dB (ceiling) | leaks | double talk clean | delay true / estimated ms | skew ppm | path changes counted |\n| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n${run.windows.map(row).join('\n')}`,
    );
  },
  HOURS > 0 ? HOURS * 3_600_000 : 600_000,
);

/** The call windows of each room visit (a path change to another room starts a visit). */
function visits(r: SoakRun): SoakWindow[][] {
  const out: SoakWindow[][] = [];
  for (const w of r.windows) {
    if (out.length === 0 || w.pathChange === 'room') out.push([]);
    if (w.figures) out.at(-1)!.push(w);
  }
  return out;
}
const label = (w: SoakWindow) => `${w.room} ${w.kind}${w.recovering ? ' (after)' : ''} at ${w.startS} s`;

describe(`one EchoCanceller over ${(SECONDS / 60).toFixed(0)} minutes of calls, pauses, path changes and faults (+${DRIFT_PPM} ppm)`, () => {
  it('keeps its call windows as in its first minutes in the room: leaks <= 1%, double talk >= 90%, single talk no window more than 8 dB and the median within 1.5 dB under the first two (measured: 0-0.8%, 94.4-100%; the reply after the 2-minute pause 6.4 dB under, the median 0.0 dB)', () => {
    for (const visit of visits(run)) {
      const first = Math.min(...visit.slice(0, 2).map((w) => Math.min(w.figures!.singleTalk.reductionDb, w.figures!.singleTalk.ceilingDb)));
      const reductions = visit.map((w) => w.figures!.singleTalk.reductionDb).sort((p, q) => p - q);
      for (const w of visit) {
        const f = w.figures!;
        expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(first - 8);
        expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.01);
        expect(f.doubleTalk.cleanShare, label(w)).toBeGreaterThanOrEqual(0.9);
      }
      expect(reductions[reductions.length >> 1]!, visit[0]!.room).toBeGreaterThanOrEqual(first - 1.5);
    }
  });
  it('recovers from every fault as the calls before it: the call after the mic clipping, zeroed, at DC or at -120 dBFS and after the reference stopped (judged from 2 s in) within 2 dB of the first two windows, leaks <= 0.5%, double talk >= 95% (measured: 30.3-31.6 dB against 30.6, 0%, 100%; before the canceller held through a digitally silent mic, the call after the zeroed mic 27.4 dB, 0.4%, 94.4%)', () => {
    const faults = new Set(['clip', 'mic-zero', 'mic-dc', 'mic-silent', 'reference-stops']);
    const firstOf = new Map<SoakWindow, number>();
    for (const visit of visits(run)) {
      const first = Math.min(...visit.slice(0, 2).map((w) => Math.min(w.figures!.singleTalk.reductionDb, w.figures!.singleTalk.ceilingDb)));
      for (const w of visit) firstOf.set(w, first);
    }
    let after = 0;
    run.windows.forEach((w, i) => {
      if (!w.figures || w.pathChange !== null || !faults.has(run.windows[i - 1]?.kind ?? '')) return;
      after++;
      const f = w.figures;
      expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(firstOf.get(w)! - 2);
      expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.005);
      expect(f.doubleTalk.cleanShare, label(w)).toBeGreaterThanOrEqual(0.95);
    });
    expect(after).toBeGreaterThanOrEqual(5);
  });
  it('keeps comfort noise at the mic noise after every fault: single talk at most 3 dB over its noise ceiling (no holes under the noise; a mic zeroed for 10 s gave 49.6-52.2 dB at a 31.9 dB ceiling for 2 minutes before the floors held)', () => {
    for (const w of calls(run)) {
      const f = w.figures!;
      expect(f.singleTalk.reductionDb, label(w)).toBeLessThanOrEqual(f.singleTalk.ceilingDb + 3);
    }
  });
  it('keeps its delay estimate on the echo (at each call window, within 3 blocks before to 1 block after the true delay) and follows the skew (within 3% + 1 ppm at the end)', () => {
    for (const w of calls(run)) {
      expect(w.delayMs - w.echoDelayMs, label(w)).toBeGreaterThanOrEqual(-24);
      expect(w.delayMs - w.echoDelayMs, label(w)).toBeLessThanOrEqual(8);
    }
    const last = run.windows.at(-1)!;
    expect(Math.abs(last.skewPpm + DRIFT_PPM)).toBeLessThanOrEqual(0.03 * Math.abs(DRIFT_PPM) + 1);
  });
  it('counts every path change made (a resync, a new room: in its segment or the next) and at most 2 others per 10 minutes in calls and pauses (measured: 2, in the first 30 s before the skew is followed and at the reply after the 2-minute pause)', () => {
    let others = 0;
    run.windows.forEach((w, i) => {
      if (w.pathChange !== null) expect(w.pathChanges + (run.windows[i + 1]?.pathChanges ?? 0), label(w)).toBeGreaterThanOrEqual(1);
      else if (!w.recovering && run.windows[i - 1]?.pathChange == null) others += w.pathChanges;
    });
    expect(others).toBeLessThanOrEqual(2 * Math.ceil(SECONDS / 600));
  });
  it('delivers the user on time in every call window: none whose alignment is unverified or misaligned (the soak records them instead of stopping; here none may pass unseen)', () => {
    const flagged = calls(run).filter((w) => w.alignment!.verdict === 'unverified' || w.alignment!.verdict === 'misaligned');
    expect(flagged.map((w) => `${label(w)}: ${w.alignment!.verdict}, lag ${w.alignment!.lag} (${w.alignment!.correlation.toFixed(2)})`)).toEqual([]);
    expect(calls(run).filter((w) => w.alignment!.verdict === 'aligned').length).toBeGreaterThan(0);
  });
  it("draws a later start without rendering the segments before it: the same segments bit for bit (soakSegments fromS, for replays at hour 40; and from soakResume's state, for the fixtures at hour 55)", () => {
    const params = { sampleRate: RATE, driftPpm: DRIFT_PPM, seconds: CYCLE_S + 240, rooms: SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 };
    // the second room's change (its echo gain found anew) and its call after the 2-minute pause (the gain, the draws and the played tail carried)
    const from = [CYCLE_S, CYCLE_S + 180];
    // (fixture19) and the call after the pause resumed from the generator's state there (soakResume: the form of
    // fixtures/echo-soak/*.state.json; a room change resumed too, by hand: 6 starts of a 30-minute run bit for bit)
    const starts = [...from, from[1]!];
    const later = [...from.map((s) => soakSegments(params, s)), soakSegments(params, 0, soakResume(params, from[1]!))];
    const compared = later.map(() => 0);
    for (const segment of soakSegments(params))
      later.forEach((g, i) => {
        if (segment.start < starts[i]! * RATE) return;
        const other = g.next();
        expect(other.done).toBe(false);
        expect(isDeepStrictEqual(other.value, segment)).toBe(true); // (typed arrays byte for byte)
        compared[i]!++;
      });
    expect(later.map((g) => g.next().done)).toEqual([true, true, true]);
    expect(compared.every((n) => n >= 2)).toBe(true);
    // (lead, twenty-first sitting) it renders the 13-minute run four times: 67 s under a load average of 10-14 in one
    // clean-clone CI, past the config's 60 s; its time is not what it tests
  }, 240_000);
  it('judges a window alignment soundly: the mic 5 ms late is misaligned in every utterance; on time in one utterance judged alone and late elsewhere, unverified; on time, aligned', () => {
    // the soak's second call window (at 30 s; its mic as the output: on time, the user as is where alone)
    const scene = [...soakSegments({ sampleRate: RATE, driftPpm: DRIFT_PPM, seconds: 60, rooms: SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 })][1]!.scene;
    const judge = (out: Float32Array) => judgeAlignment(scene, out, measureEcho(scene, out, 'test', 1, false));
    const late = new Float32Array(scene.mic.length);
    late.set(scene.mic.subarray(0, scene.mic.length - 80), 80);
    const a = judge(late);
    expect(a.verdict).toBe('misaligned');
    expect(a.lag).toBe(80);
    expect(a.utterances!.filter((u) => u.nearOnlyFrames >= 10).every((u) => u.lag === 80)).toBe(true);
    // on time in one utterance judged alone (>= 10 near-only frames), late elsewhere: the first such utterance that leaves the window's peak off
    const judged = scene.labels.utterances.filter((_, i) => a.utterances![i]!.nearOnlyFrames >= 10);
    expect(judged.length).toBeGreaterThanOrEqual(2);
    const partly = judged
      .map(([from, to]) => {
        const out = Float32Array.from(late);
        out.set(scene.mic.subarray(from, to), from);
        return judge(out);
      })
      .find((x) => x.lag === 80);
    expect(partly?.verdict).toBe('unverified');
    expect(judge(scene.mic).verdict).toBe('aligned');
  });
  it('holds its state: kernel memory the same from construction to the end, back to where it was after free()', () => {
    expect(run.memory.end).toEqual(run.memory.built);
    expect(run.memory.freed.liveBytes).toBe(run.memory.before.liveBytes);
    expect(run.memory.freed.liveBlocks).toBe(run.memory.before.liveBlocks);
  });
});

describe('a canceller started on an all-zero mic (deadmic19)', () => {
  // The soak's medium room (sox-medium alone, cycle 0): a fresh EchoCanceller from the mic-zero
  // segment at 250 s (the mic all zeros for 10 s while replies play, as a muted or not yet granted
  // mic at a call's start), then the call after it, whose reference is silent for its first 0.3-1.3
  // s. Seeds 2 and 4 end the zeroed stretch on a reply: the mic's first live frames hold only that
  // reply's echo tail, read against its last frames at lags growing with the pause. Without a hold
  // before a first onset the estimate took that tail as its first onset (main 4991648: seed 2 16.2
  // dB 3.1% leaks, seed 4 4.9 dB 21.8%; the week's 55.5 h window from 199740 s: 4.0 dB 28.3%); with
  // the hold but the suppressor's floors as the silence left them, no comfort noise for the call
  // (47.9 and 46.1 dB against a 31.7 / 32.0 dB noise ceiling: 16 and 14 dB of holes under the mic's noise).
  it.each([2, 4])(
    'places the filter on the echo once the mic turns live and plays comfort noise at the mic noise (seed %i): the call after it >= 25 dB and at most 3 dB over its noise ceiling, leaks <= 1% (measured: 28.3 and 31.9 dB, ceilings 31.7 and 32.0, 0%)',
    (seed) => {
      const params = { sampleRate: RATE, driftPpm: DRIFT_PPM, seconds: 290, rooms: ['sox-medium' as const], erlDb: 18, delayMs: 60, seed };
      const [zeroed, call] = [...soakSegments(params, 250)];
      expect([zeroed!.kind, call!.kind]).toEqual(['mic-zero', 'call']);
      expect(zeroed!.scene.mic.every((x) => x === 0)).toBe(true);
      const aec = new EchoCanceller({ sampleRate: RATE });
      try {
        const aligned = cancelScenes(aec, [zeroed!.scene, call!.scene], RATE / 100);
        const f = measureEcho(call!.scene, aligned, 'EchoCanceller', 1, false);
        expect(f.singleTalk.reductionDb).toBeGreaterThanOrEqual(25);
        expect(f.singleTalk.reductionDb).toBeLessThanOrEqual(f.singleTalk.ceilingDb + 3);
        expect(f.singleTalk.leakShare).toBeLessThanOrEqual(0.01);
        expect(Math.abs(aec.delayMs - call!.echoDelayMs)).toBeLessThanOrEqual(24);
      } finally {
        aec.free();
      }
    },
  );
});

describe(`${CALLS} short calls in one process`, () => {
  it(`create, run ${LONG_CALLS ? '5-30' : '1-3'} s of a lab call (4 at a time), free: kernel memory back to its start, the wasm memory grown only by the first calls, every output finite`, () => {
    const scene = buildScene({ room: 'desk', sampleRate: RATE, delayMs: 60, erlDb: 18, script: 'call', seed: 2 });
    const next = rng(11);
    const block = RATE / 100;
    const out = new Float32Array(block);
    const start = kernelMemory();
    let grownAfter = 0;
    let afterFirst = 0;
    for (let c = 0; c < CALLS; c += 4) {
      const live = Array.from({ length: Math.min(4, CALLS - c) }, () => ({
        aec: new EchoCanceller({ sampleRate: RATE }),
        from: Math.floor(next() * 10) * RATE,
        blocks: Math.round((LONG_CALLS ? 5 + 25 * next() : 1 + 2 * next()) * 100),
      }));
      for (let b = 0; b < Math.max(...live.map((l) => l.blocks)); b++) {
        for (const l of live) {
          if (b >= l.blocks) continue;
          const at = (l.from + b * block) % (scene.mic.length - block);
          l.aec.pushReference(scene.reference.subarray(at, at + block));
          l.aec.processInto(scene.mic.subarray(at, at + block), out);
          if (!Number.isFinite(out[0]!) || !Number.isFinite(out[block - 1]!)) throw new Error(`call ${c}: output not finite`);
        }
      }
      for (const l of live) l.aec.free();
      const m = kernelMemory();
      if (c === 0) afterFirst = m.memoryBytes;
      else if (m.memoryBytes > afterFirst) grownAfter++;
      expect(m.liveBytes).toBe(start.liveBytes);
      expect(m.liveBlocks).toBe(start.liveBlocks);
    }
    expect(grownAfter).toBe(0);
    expect(kernelMemory().reclaimedBlocks).toBe(start.reclaimedBlocks);
  });
});

/** A fixture cut of a soak call (fixtures/echo-soak, bench/echo-soak-fixture.mjs) through a fresh canceller: its manifest entry, the mic, the output (aligned: `out[i + latency]` is mic[i]'s), the delay estimate's largest onset, ms. */
function replayFixture(file: string) {
  const dir = new URL('../../fixtures/echo-soak/', import.meta.url);
  const entry = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')).files.find((f: { file: string }) => f.file === file);
  const [reference, mic] = decodeWavChannels(parseWav(readFileSync(new URL(entry.file, dir))));
  const rate: number = entry.sampleRate;
  const block = rate / 100;
  const aec = new EchoCanceller({ sampleRate: rate });
  const latency = aec.latencySamples;
  const out = new Float32Array(mic!.length + latency);
  let maxDelayMs = 0;
  for (let at = 0; at + block <= mic!.length; at += block) {
    aec.pushReference(reference!.subarray(at, at + block));
    aec.processInto(mic!.subarray(at, at + block), out.subarray(at, at + block));
    maxDelayMs = Math.max(maxDelayMs, aec.delayMs ?? 0);
  }
  aec.free();
  return { entry, rate, mic: mic!, out, latency, maxDelayMs };
}

/** The echo's reduction (dB) over the fixture's second after the user's last 100 ms within 20 dB of the echo (the manifest's levels, from the generator), and that second's start (100 ms steps). */
function secondAfterUser(r: ReturnType<typeof replayFixture>) {
  const step = r.rate / 10;
  const talk = r.entry.userDb.map((u: number, i: number) => u > r.entry.echoDb[i] - 20);
  const from: number = talk.lastIndexOf(true) + 1;
  let micE = 0;
  let outE = 0;
  for (let i = from * step; i < (from + 10) * step; i++) {
    micE += r.mic[i]! ** 2;
    outE += r.out[i + r.latency]! ** 2;
  }
  return { from, reductionDb: 10 * Math.log10(micE / outE) };
}

describe('a replayed stretch of the 72-hour soak', () => {
  // (aec-jump17) fixtures/echo-soak/sox-medium-35h.wav: 16-21 s of sox-medium's call after the DC mic
  // at 35.5 h (127800 s; bench/echo-soak-fixture.mjs), the echo at 74 ms. As the user's words rise
  // over a quiet echo, a lag past the search (472 ms) whose reference has just resumed after a
  // 0.35 s pause reads 7-12% coherent for 0.5 s; main 5306868 widened the search onto it, jumped
  // the onset 96 -> 472 ms, dropped the filter's model, and passed the echo whole for 1 s (the soak's
  // window 14.8 dB, 3.5% leaks). The mic is the echo alone where the user stands 20 dB under it.
  it('keeps the delay estimate on the echo as the user fades (never over twice its delay) and removes 20 dB of the echo alone over the second after (main 5306868: the onset at 472 ms, 0.8 dB)', () => {
    const r = replayFixture('sox-medium-35h.wav');
    const { from, reductionDb } = secondAfterUser(r);
    expect(from).toBeGreaterThan(0);
    console.log(
      `soak replay at 35.5 h: onset at most ${r.maxDelayMs.toFixed(0)} ms (echo at ${r.entry.echoDelayMs} ms), ${reductionDb.toFixed(1)} dB over ${(from / 10).toFixed(1)}-${(from / 10 + 1).toFixed(1)} s`,
    );
    expect(r.maxDelayMs).toBeLessThanOrEqual(2 * r.entry.echoDelayMs);
    expect(reductionDb).toBeGreaterThanOrEqual(20);
  });

  // (onset19) fixtures/echo-soak/sox-medium-83h.wav: 12-21 s of sox-medium's call after the clipping at
  // 83.8 h of the week (301720 s), the echo at 82 ms. At 5.5 s of the cut a reply resumes with a loud
  // voiced burst (0.2 s) after 0.3 s of near silence; its self-similarity reads coherent 8-10 lags
  // after the echo's (30-37%) for the 0.26 s a later move of the onset needs, while the foreground's
  // ERLE over the burst falls from 14 to 9 dB: main 4991648 moved the filter 88 -> 160 ms, dropping the
  // model it had, and the echo passed for the rest of the call (the week's window 15.0 dB; this cut
  // 12.2 dB of the echo alone over its last 3.1 s). The move is now judged by the foreground's fit over
  // the last 0.5-1 s (./aec-block place, ./aec-change holdFit) and declined.
  it('keeps a fitted filter where it is through a loud burst after a gap and removes 20 dB of the echo alone after it (main 4991648: 12.2 dB)', () => {
    const dir = new URL('../../fixtures/echo-soak/', import.meta.url);
    const entry = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')).files.find((f: { file: string }) => f.file === 'sox-medium-83h.wav');
    const [reference, mic] = decodeWavChannels(parseWav(readFileSync(new URL(entry.file, dir))));
    const rate: number = entry.sampleRate;
    const block = rate / 100;
    const aec = new EchoCanceller({ sampleRate: rate });
    const out = new Float32Array(mic!.length + aec.latencySamples);
    for (let at = 0; at + block <= mic!.length; at += block) {
      aec.pushReference(reference!.subarray(at, at + block));
      aec.processInto(mic!.subarray(at, at + block), out.subarray(at, at + block));
    }
    aec.free();
    // the 100 ms steps from 5.9 s (the burst's move) on where the user stands 20 dB under the echo (the manifest's levels)
    const step = rate / 10;
    let micE = 0;
    let outE = 0;
    let steps = 0;
    for (let i = 59; i < entry.echoDb.length; i++) {
      if (!(entry.userDb[i] < entry.echoDb[i] - 20 && entry.echoDb[i] > -70)) continue;
      steps++;
      for (let j = i * step; j < (i + 1) * step; j++) {
        micE += mic![j]! ** 2;
        outE += out[j + aec.latencySamples]! ** 2;
      }
    }
    const reductionDb = 10 * Math.log10(micE / outE);
    console.log(`soak replay at 83.8 h: ${reductionDb.toFixed(1)} dB of the echo alone over ${steps} x 100 ms after the burst`);
    expect(steps).toBeGreaterThanOrEqual(15);
    expect(reductionDb).toBeGreaterThanOrEqual(20);
  });
});

describe('a replayed stretch of the week (the 168-hour soak)', () => {
  // (seminar23) fixtures/echo-soak/seminar-116h.wav: 0-7 s of the seminar's first call after the room change at
  // 116.4 h of the week (419000 s), the echo at 38 ms (onset 24 ms: the room's response rises 2 blocks before its
  // peak at 40). The user's first words (3.7-4.6 s, 19 dB over the echo) read coherent at 240 ms, the search's end,
  // for 0.4 s; main 7627757 took that as a later onset (24 -> 224 ms) 0.2 s after the words ended, moved the filter
  // 16 -> 208 ms and dropped its model, and the echo passed for 0.8 s (this cut 3.0 dB over 4.8-5.8 s; the week's
  // window 13.1 dB, 3.6% leaks; a fresh canceller at the call 15.1 dB). A far later move is now counted only on
  // statistics the user has been out of for two smoothing time constants (./assembly/aec-delay.ts USER_FAR).
  it("keeps the delay estimate on the echo through the user's first words (never over twice its delay) and removes 20 dB of the echo alone over the second after (main 7627757: the onset at 224 ms, 3.0 dB; measured 32 ms, 32.7 dB)", () => {
    const r = replayFixture('seminar-116h.wav');
    const { from, reductionDb } = secondAfterUser(r);
    expect(from).toBeGreaterThan(0);
    console.log(
      `soak replay at 116.4 h: onset at most ${r.maxDelayMs.toFixed(0)} ms (echo at ${r.entry.echoDelayMs} ms), ${reductionDb.toFixed(1)} dB over ${(from / 10).toFixed(1)}-${(from / 10 + 1).toFixed(1)} s`,
    );
    expect(r.maxDelayMs).toBeLessThanOrEqual(2 * r.entry.echoDelayMs);
    expect(reductionDb).toBeGreaterThanOrEqual(20);
  });
});

describe('a replayed stretch of the week (the 168-hour soak) from the generator state', () => {
  // (fixture19) fixtures/echo-soak/sox-medium-55h.state.json: the soak generator's state at 199720 s (55.5 h; written by
  // bench/echo-soak-state.mjs), from which the test renders sox-medium's call at 199720 s, the dead mic at 199750 s
  // (all-zero for 10 s while a reply plays) and the call at 199760 s, the 70 s a fresh canceller needs to fail it
  // (4.5 MB as a 16 kHz WAV; the manifest's sha256 of each segment's reference and mic checks the rendering). The
  // mic returns as the reply pauses; main 2c254c9's hold after a dead mic (DEAD_PLACE_HOLD_MS) ran out in that
  // pause, the delay estimate took the echo's tail at 176 ms for the echo at 78 and the call leaked whole; since
  // soak199-18 the hold counts only blocks in which the reference plays (assembly/aec-block.ts).
  /** The segments rendered from fixtures/echo-soak/<file> (a generator state, bench/echo-soak-state.mjs) to its manifest entry's toS, each checked against the entry's sha256, through one fresh canceller started at `startS` (0: the state's segment). */
  function replayState(file: string, startS = 0): SoakRun {
    const dir = new URL('../../fixtures/echo-soak/', import.meta.url);
    const entry = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')).files.find((f: { file: string }) => f.file === file);
    const saved = JSON.parse(readFileSync(new URL(entry.file, dir), 'utf8'));
    const floats = <T>(b64: string, as: (b: ArrayBuffer) => T) => {
      const b = Buffer.from(b64, 'base64');
      return as(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const resume: SoakResume = {
      ...saved.state,
      refTail: floats(saved.state.refTail, (b) => new Float32Array(b)),
      playedTail: floats(saved.state.playedTail, (b) => new Float64Array(b)),
    };
    const params: SoakParams = { ...saved.run, rooms: saved.run.rooms.split(',') };
    const rate = params.sampleRate;
    const sha = (x: Float32Array) =>
      createHash('sha256')
        .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
        .digest('hex');
    function* stretch() {
      let i = 0;
      for (const s of soakSegments(params, 0, resume)) {
        if (s.start >= entry.toS * rate) return;
        // the generator as it was when the fixture was written (else this replays another stretch)
        expect([s.start / rate, sha(s.scene.reference), sha(s.scene.mic)]).toEqual([
          entry.segments[i].startS,
          entry.segments[i].referenceSha256,
          entry.segments[i].micSha256,
        ]);
        i++;
        yield s;
      }
    }
    return runSoak(params, undefined, stretch(), startS);
  }
  /** The call after the dead mic (199760 s): >= 25 dB single talk, leaks <= 1%, the delay estimate under 1.5 times the true delay. */
  function expectRecovered(replay: SoakRun, what: string) {
    const w = replay.windows.find((x) => x.startS === 199760)!;
    const f = w.figures!;
    console.log(
      `${what}: ${replay.windows.map((x) => `${x.startS} ${x.kind}${x.figures ? ` ${x.figures.singleTalk.reductionDb.toFixed(1)} dB, leaks ${pct(x.figures.singleTalk.leakShare)}` : ''} est ${x.delayMs.toFixed(0)} ms (echo ${x.echoDelayMs.toFixed(0)})`).join('; ')}`,
    );
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(1000);
    expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(25);
    expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.01);
    expect(w.delayMs, label(w)).toBeLessThanOrEqual(1.5 * w.echoDelayMs);
  }
  it('recovers from the dead mic at 55.5 h: the call after it >= 25 dB single talk, leaks <= 1%, the delay estimate under 1.5 times the true delay (main 4991648: 32.0 dB, 0%, 96 ms; main 2c254c9: 5.0 dB, 21.3%, 176 ms for the echo at 78)', () => {
    const replay = replayState('sox-medium-55h.state.json');
    expect(replay.windows.map((x) => x.kind)).toEqual(['call', 'mic-zero', 'call']);
    expectRecovered(replay, 'the week at 55.5 h replayed from its state');
  });
  // (young20) A canceller started at 199740 s, 10 s before the dead mic: its skew line had followed -38.5 to -46.7 ppm of
  // the run's -100 ppm, the echo slid 10 samples off its model over the 10 s dead stretch, the louder error on the reply's
  // tail at the mic's return read as a path change (rule 2), and the re-arm confirmed the pause's stale peak (176 ms for
  // the echo at 78). Since young20 the converged model is fitted to the echo's return after a dead stretch (the lag a
  // 200 ppm skew allows over it; assembly/aec-change.ts fitReturn) and moved by it.
  it('recovers from the dead mic at 55.5 h from a canceller started 10 s before it (at 199740 s): the call after it >= 25 dB single talk, leaks <= 1%, the delay estimate under 1.5 times the true delay (young20 27.1 dB, 0%, 96 ms; main 1ff523b 5.1 dB, 19.6%, 176 ms for the echo at 78)', () => {
    const replay = replayState('sox-medium-55h.state.json', 199740);
    expect(replay.windows.map((x) => [x.kind, x.figures === null])).toEqual([
      ['call', true],
      ['mic-zero', true],
      ['call', false],
    ]);
    expectRecovered(replay, 'from 199740 s');
  });
  // (lead20) fixtures/echo-soak/sox-medium-83h-clip.state.json: the state at 301710 s (83.8 h), the mic clipping (26 dB
  // too much gain) for 10 s, then the call at 301720 s. A canceller that starts on the clipping mic (a hot mic as a
  // call begins, turned down after) learned its floors 26 dB high; the noise floor fell within 0.6 s of the clip's end,
  // the comfort noise's, held by the residual its filter still predicted, stood 15 dB over it for 10 s (the output at
  // -48 to -53 dBFS on the echo alone). Since lead20 the comfort noise's floor stays under 4x the noise floor
  // (assembly/aec-suppress.ts CN_OVER_NOISE).
  it('plays comfort noise at the mic noise after a clipping start: the call after it >= 20 dB single talk, leaks <= 1% (main 1ff523b: 13.7 dB, 24.8%; measured 26.5 dB, 0%)', () => {
    const replay = replayState('sox-medium-83h-clip.state.json');
    const w = replay.windows.find((x) => x.startS === 301720)!;
    const f = w.figures!;
    console.log(
      `the week at 83.8 h from a start on the clipping mic: ${w.startS} ${f.singleTalk.reductionDb.toFixed(1)} dB, leaks ${pct(f.singleTalk.leakShare)}`,
    );
    expect(replay.windows.map((x) => x.kind)).toEqual(['clip', 'call']);
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(1000);
    expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(20);
    expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.01);
  });

  // (living20) fixtures/echo-soak/living-room-48h.state.json: the generator's state at 173530 s (48.2 h, the living
  // room's second call after its room change; bench/echo-soak-state.mjs), rendered to 173750 s: that call, the 2-minute
  // pause, the call at 173680 s, the mic clipping at 173710 s (26 dB too much gain for 10 s) and the call at 173720 s
  // (the echo at 66 ms), the window every week so far failed (12.7-13.9 dB, ~1% leaks). As the mic came back the
  // delay estimate's onset stood early for 0.26 s (56 -> 24 ms) and the filter moved there, which dropped the snapshot
  // of the converged foreground; the misfit's path change 1.1 s later (the model 26 dB too loud after the clipping)
  // had nothing to offer back, the young filter overshot a quiet passage's fade 1 s after (its estimate 6 dB over the
  // mic for 80 ms: a divergence's restart, foreground and suppressor emptied) and the next reply passed whole (0.3 s
  // at 0-3 dB: 90% of the window's output). Since living20 the snapshot survives the move (./assembly/aec-change
  // KEEP_MOVED) and goes back 70 ms after the change.
  it('recovers from the clipping in the living room at 48.3 h: the call after it >= 25 dB single talk, leaks <= 1% (main 1ff523b: 17.8 dB, 0.7%, two path changes)', () => {
    const replay = replayState('living-room-48h.state.json');
    const w = replay.windows.find((x) => x.startS === 173720)!;
    const f = w.figures!;
    console.log(
      `the week at 48.3 h replayed from its state: ${replay.windows.map((x) => `${x.startS} ${x.kind}${x.figures ? ` ${x.figures.singleTalk.reductionDb.toFixed(1)} dB, leaks ${pct(x.figures.singleTalk.leakShare)}` : ''} changes ${x.pathChanges}`).join('; ')}`,
    );
    expect(replay.windows.map((x) => x.kind)).toEqual(['call', 'silence', 'call', 'clip', 'call']);
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(1000);
    expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(25);
    expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.01);
  });

  // (knife26) fixtures/echo-soak/seminar-22h.state.json: the generator's state at 79680 s (22.1 h; bench/echo-soak-state.mjs),
  // rendered to 80060 s: five minutes of sox-medium calls and faults, then the seminar's room change at 80000 s, the
  // window every week since 2c254c9 read at 23.4-23.9 dB (lead24). 2.2 s after the change the echo rose 10 dB while the
  // relearning filter removed 2; the suppressor's presence test, begun on that block, read the rise as the user in one
  // octave and passed 60 ms of echo at -31.6 dBFS. Whether it did hung on 0.4-0.9 dB of the suppressor's predictors at
  // entry: from 79680 s it does (a canceller started at any of the ten later segments does not). Since knife26 no
  // presence is begun on a block whose rise the reference at the placed delay explains while the suppressor relearns
  // after a path change (assembly/aec-suppress.ts RISE_HOLD, knife25's rule).
  it("keeps the echo out after the seminar's room change at 22.2 h: that call >= 28 dB single talk, leaks <= 0.1%, double talk >= 95% (main ff93667: 22.9 dB, 0.3%, 97.8%)", () => {
    const replay = replayState('seminar-22h.state.json');
    const w = replay.windows.find((x) => x.startS === 80000)!;
    const f = w.figures!;
    console.log(
      `the week at 22.2 h replayed from its state: ${replay.windows.map((x) => `${x.startS} ${x.kind}${x.figures ? ` ${x.figures.singleTalk.reductionDb.toFixed(1)} dB, leaks ${pct(x.figures.singleTalk.leakShare)}, double talk ${pct(x.figures.doubleTalk.cleanShare)}` : ''}`).join('; ')}`,
    );
    expect(w.kind).toBe('call');
    expect(f.singleTalk.frames).toBeGreaterThanOrEqual(1000);
    expect(f.singleTalk.reductionDb, label(w)).toBeGreaterThanOrEqual(28);
    expect(f.singleTalk.leakShare, label(w)).toBeLessThanOrEqual(0.001);
    expect(f.doubleTalk.cleanShare, label(w)).toBeGreaterThanOrEqual(0.95);
  });
});
