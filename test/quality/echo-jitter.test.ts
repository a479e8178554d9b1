// The echo canceller over a jittery network (test/helpers/echo-jitter.ts): the reply sent in
// realtime as 20 ms deltas, delivered in order with heavy-tailed outages, played by the real
// PlaybackPipeline (underruns with their fades, resumes after 40-800 ms of silence, a burst after
// each outage, a barge-in that flushes it mid-word, the next reply after it), and what it emitted
// is the reference. The same calls with the deltas on time are the comparison. The kernel at the
// scene's rate (the lab's way), and the Node path a server builds (RealtimeAudioAdapter's pipelines:
// PlaybackPipeline with its `sessionReference` tap feeding a CapturePipeline at `referenceRate:
// 24000`, the speaker at 48 kHz). Bounds from measurement (docs/echo-canceller.md, What was tried,
// aec-jitter), with margin. About 30 s of CPU; `ECHO_JITTER_ALL=1` runs the study (3 rooms x 16 / 24 kHz
// x 3 scenes x 3 seeds, and the Node path at 6 dB in the three rooms: ~5 min) and only prints.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJitterScene, type JitterScene, type JitterSceneParams, type NetworkName } from '../helpers/echo-jitter.js';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs } from '../helpers/echo-ours.js';
import { QUANTUM, runCapture, sessionView } from '../helpers/echo-pipeline.js';
import { sceneTable } from '../helpers/echo-report.js';
import type { RoomName } from '../helpers/echo-sources.js';

interface Row {
  scene: JitterScene;
  figures: EchoFigures;
  pathChanges: number;
  /** When each path change was counted, s (50 ms resolution). */
  changesAtS: number[];
}

const ALL = process.env.ECHO_JITTER_ALL === '1';
const ROOMS: RoomName[] = ['laptop', 'desk', 'kiosk'];
type Params = Omit<JitterSceneParams, 'network'>;
const KERNEL: Params[] = ALL
  ? [16000, 24000].flatMap((sampleRate) =>
      ROOMS.flatMap((room) => [
        { room, sampleRate, delayMs: 120, erlDb: 6, script: 'call' as const },
        { room, sampleRate, delayMs: 120, erlDb: 18, script: 'call' as const },
        { room, sampleRate, delayMs: 60, erlDb: 18, script: 'cold-start' as const },
      ]),
    )
  : [
      ...ROOMS.map((room) => ({ room, sampleRate: 16000, delayMs: 120, erlDb: 6, script: 'call' as const })),
      { room: 'desk', sampleRate: 24000, delayMs: 120, erlDb: 6, script: 'call' as const },
    ];
const NETS: NetworkName[] = ['steady', 'mobile'];
const SEEDS = ALL ? [1, 2, 3] : [1];

const kernel = new Map<string, Row>();
const key = (p: Params, net: NetworkName, seed: number) => `${p.room}/${p.sampleRate}/${p.script}/${p.delayMs}/${p.erlDb}/${net}/${seed}`;
const describeRun = (r: { scene: JitterScene; pathChanges?: number; changesAtS?: number[] }) => {
  const pb = r.scene.playback;
  const changes = r.pathChanges === undefined ? '' : `${r.pathChanges} path changes${r.changesAtS?.length ? ` at ${r.changesAtS.join('/')} s` : ''}; `;
  const gaps = pb.gapsMs.map((g, i) => `${g} ms at ${pb.gapsAtS[i]!.toFixed(2)} s`).join(', ');
  const barge = pb.bargeIn ? `, barge-in at ${pb.bargeIn.atS.toFixed(2)} s (${pb.bargeIn.playedMs.toFixed(0)} ms heard)` : '';
  return `${r.scene.name} seed ${r.scene.params.seed}: ${changes}${pb.outages} outages, ${pb.underruns} underruns (${gaps})${barge}`;
};

beforeAll(() => {
  for (const seed of SEEDS)
    for (const p of KERNEL)
      for (const network of NETS) {
        const scene = buildJitterScene({ ...p, network, seed });
        const run = runOurs(scene, 0.05);
        const changesAtS = run.track.filter((s, i) => s.pathChanges > (run.track[i - 1]?.pathChanges ?? 0)).map((s) => s.timeS);
        kernel.set(key(p, network, seed), {
          scene,
          figures: measureEcho(scene, run.output, `EchoCanceller seed ${seed}`),
          pathChanges: run.pathChanges,
          changesAtS,
        });
      }
  const rows = [...kernel.values()];
  console.log(`\nthe kernel over a jittery network\n${sceneTable(rows.map((r) => r.figures))}\n${rows.map(describeRun).join('\n')}`);
}, 1_800_000);

describe('the kernel over a jittery network (the lab rooms at 6 dB, underruns of 40-310 ms, a barge-in)', () => {
  // (aec-jitnode) with every test skipped vitest runs no hook either: ECHO_JITTER_ALL=1 printed nothing
  it.runIf(ALL)('the study: every call measured (printed above)', () => {
    expect(kernel.size).toBe(SEEDS.length * KERNEL.length * NETS.length);
  });

  it.skipIf(ALL)('the network model does what it says: underruns, one of 250 ms or more, a flush mid-reply; none without jitter', () => {
    for (const p of KERNEL) {
      const jittery = kernel.get(key(p, 'mobile', 1))!.scene.playback;
      const steady = kernel.get(key(p, 'steady', 1))!.scene.playback;
      expect(jittery.underruns, p.room).toBeGreaterThanOrEqual(4);
      expect(Math.max(...jittery.gapsMs), p.room).toBeGreaterThanOrEqual(250);
      expect(steady.underruns, p.room).toBe(0);
      // the barge-in cut the first reply mid-way (it is 11-15 s long)
      expect(jittery.bargeIn!.playedMs, p.room).toBeLessThan(8000);
      expect(jittery.bargeIn!.playedMs, p.room).toBeGreaterThan(3000);
    }
  });

  it.skipIf(ALL)(
    'no underrun is taken for a path change (the kiosk at 16 kHz and the desk at 24 kHz counted one at a 307 ms underrun before aec-jitter)',
    () => {
      for (const p of KERNEL) for (const net of NETS) expect(kernel.get(key(p, net, 1))!.pathChanges, `${p.room} ${p.sampleRate} ${net}`).toBe(0);
    },
  );

  it.skipIf(ALL)(
    "cancels as without jitter: single talk >= 40 dB and within 1.5 dB of the steady call's, leaks <= 0.5%, double talk >= 90%, openings <= 40 ms, no utterance lost",
    () => {
      for (const p of KERNEL) {
        const j = kernel.get(key(p, 'mobile', 1))!.figures;
        const s = kernel.get(key(p, 'steady', 1))!.figures;
        expect(j.alignment.verified, j.scene).toBe(true);
        expect(j.singleTalk.reductionDb, j.scene).toBeGreaterThanOrEqual(40);
        expect(j.singleTalk.reductionDb, j.scene).toBeGreaterThanOrEqual(s.singleTalk.reductionDb - 1.5);
        expect(j.singleTalk.leakShare, j.scene).toBeLessThanOrEqual(0.005);
        expect(j.doubleTalk.cleanShare, j.scene).toBeGreaterThanOrEqual(0.9);
        expect(j.doubleTalk.openingMedianMs, j.scene).toBeLessThanOrEqual(40);
        expect(j.doubleTalk.neverPassed, j.scene).toBe(0);
        expect(j.convergence.coldStartMs, j.scene).not.toBeNull();
        expect(j.convergence.coldStartMs!, j.scene).toBeLessThanOrEqual(1000);
      }
    },
  );
});

// The Node path: the playback at the session rate with its tap, pushed as read() pushes it (one
// 64-frame block per 128-frame quantum at 48 kHz), before the mic of the same quantum.
const PIPELINE: Params[] = ALL
  ? ROOMS.map((room) => ({ room, sampleRate: 48000, delayMs: 120, erlDb: 6, script: 'call' as const, tap: true }))
  : // the desk: a filter move to an earlier onset in double talk gave the background's uncertainty a
    // shift its weights did not have, its new front partitions learned the user, and the foreground
    // took them in a reply's pause: 31.8 dB, 1.2% leaks before aec-jitnode
    (['kiosk', 'desk'] as const).map((room) => ({ room, sampleRate: 48000, delayMs: 120, erlDb: 6, script: 'call' as const, tap: true }));
const pipeline = new Map<string, { scene: JitterScene; figures: EchoFigures }>();

describe("the Node path (PlaybackPipeline tap -> CapturePipeline, the adapter's) over a jittery network", () => {
  beforeAll(() => {
    for (const p of PIPELINE)
      for (const network of NETS) {
        const scene = buildJitterScene({ ...p, network });
        const audio = runCapture(scene, { echoCancellation: true, referenceRate: 24000 }, 24000, scene.session!).audio;
        pipeline.set(key(p, network, 1), { scene, figures: measureEcho(sessionView(scene, 24000), audio, 'CapturePipeline 48k > 24k, tap') });
      }
    const rows = [...pipeline.values()];
    console.log(`\nthe Node path over a jittery network\n${sceneTable(rows.map((r) => r.figures))}\n${rows.map(describeRun).join('\n')}`);
  }, 1_800_000);

  it.runIf(ALL)('the study: every call measured (printed above)', () => {
    expect(pipeline.size).toBe(PIPELINE.length * NETS.length);
  });

  it.skipIf(ALL)(
    'the tap stays in step with the speaker through underruns and the flush: one 64-frame block per 128-frame read, every read (the first takes two: the FIFO)',
    () => {
      for (const { scene } of pipeline.values()) {
        expect(scene.playback.tapFrames, scene.name).toBe((scene.playback.reads + 1) * (QUANTUM / 2));
        expect(scene.session!.length, scene.name).toBe(Math.round(scene.reference.length / 2));
      }
    },
  );

  it.skipIf(ALL)(
    'cancels as without jitter: single talk within 1.5 dB of the steady call and >= 40 dB, leaks <= 0.5%, double talk >= 90%, no utterance lost',
    () => {
      for (const p of PIPELINE) {
        const j = pipeline.get(key(p, 'mobile', 1))!;
        const s = pipeline.get(key(p, 'steady', 1))!;
        expect(j.scene.playback.underruns, j.scene.name).toBeGreaterThanOrEqual(4);
        expect(j.figures.alignment.verified, j.scene.name).toBe(true);
        expect(j.figures.singleTalk.reductionDb, j.scene.name).toBeGreaterThanOrEqual(Math.min(40, s.figures.singleTalk.reductionDb - 1.5));
        expect(j.figures.singleTalk.leakShare, j.scene.name).toBeLessThanOrEqual(0.005);
        expect(j.figures.doubleTalk.cleanShare, j.scene.name).toBeGreaterThanOrEqual(0.9);
        expect(j.figures.doubleTalk.neverPassed, j.scene.name).toBe(0);
      }
    },
  );
});
