// The echo lab on chosen scenes, for iterating on the EchoCanceller without running the whole
// quality test (test/quality/echo-canceller.test.ts, echo-outside, echo-drift): one CLI, one scene
// selection, one or more builds side by side. Quality only (no timing). Builds are dist dirs
// (default ./dist, so `npm run build` first) or `hooked`: the sources built with the bench hooks
// (assembly/bench-hooks.ts) into a temp dir (bench/echo-lab/hooked-build.mjs), as `trace` needs.
//
//   node bench/echo-lab.mjs scenes [build...]    the figures per scene and build (LOST / WON with two)
//     --dirty                                    with the times of the dirty double-talk frames
//     --save FILE, --compare FILE                save the lines; print only those that moved since a save
//   node bench/echo-lab.mjs openings [build]     openings per utterance: ours, the linear stage's, a pass-through
//     --frames                                   the first 10 frames of each utterance, dB
//     --oracle                                   (build: hooked) also with the presence forced on over the labels
//                                                (more oracles by environment: bench/echo-lab/openings.mjs)
//   node bench/echo-lab.mjs trace [build]        the suppressor per block and octave on the first scene (build: hooked)
//     --from S --to S                            the stretch traced, s
//   node bench/echo-lab.mjs drift [build...]     the drift test's calls per 30 s window
//     --calls laptop:-100:180,laptop:100:180:90  room:ppm:seconds[:jumpAtS][:24k] (default laptop:-100:60)
//     --from S --to S --every N                  a trace of the stretch, a line every N 10 ms blocks (10)
//   node bench/echo-lab.mjs changes [build...]   calls with a path change at 3-11 s (the lab's are single talk;
//     --rates 16000,24000 --erls 6,12             double talk right after a change), only the moved lines with two
//                                                builds; --scenes filters them too (default: all)
//   node bench/echo-lab.mjs switch [build...]    the same over switch.mjs's calls (the output device switched mid-call:
//                                                jumps of +100..+300 / -100..-200 ms at 5 / 11 s, the echo gone 3-13 s)
// Scene selection (scenes, openings, trace):
//   --scenes REGEXP      over the scenes' names (default ' 6dB'; the lab's shifted scenes as '<name> +13')
//   --groups LIST        16k,24k,48k,outside (default), outside24, outside48 (the outside rooms at 24 and
//                        48 kHz, their responses generated there, fixtures/echo-outside), outside24r
//                        (at 24 kHz from the 16 kHz responses resampled: outside24 before aec-outside24),
//                        quiet, quiet24, quiet48 (bench/echo-quiet.mjs's scenes; over 250 ms with
//                        ECHO_LAB_OPTIONS='{"maxDelayMs":500}'), changes (the calls of `changes` at 16 kHz 12 dB), changes24 (at 24),
//                        bt, bt24 (a Bluetooth speaker at 16 / 24 kHz: 280-420 ms, codec noise, drift; aec-bt)
//                        btsbc, btsbc24 (the same through the real codecs, SBC bitpool 53 / 32 and mSBC:
//                        test/helpers/echo-codec.ts; needs sbcenc, sbcdec (Debian sbc-tools) and sox on PATH)
//                        btsbc51, btsbc51_24 (the sink at 48 kHz: SBC bitpool 51 at 280 and 350 ms, mSBC at 420)
//                        btlc3, btlc3_24 (LE Audio's LC3: BAP 32_2 at 280 ms, 32_1 at 350, 16_2 at 420; liblc3-tools),
//                        btaac, btaac24 (A2DP's AAC: 256 / 128 kbps at 44.1 kHz, 320 kbps at 48 kHz; ffmpeg)
//                        drc, drc24 (the device's loudness processing after the reference tap, 16 / 24 kHz:
//                        test/helpers/echo-drc.ts, drcGroup)
//                        moving, moving24 (echo paths that move all the time, 16 / 24 kHz: test/helpers/echo-moving.ts,
//                        movingGroup; beside the peers: bench/echo-lab/peers-side.mjs, per window: moving-trace.mjs)
//                        switch, switch24 (the output device switched mid-call, 16 / 24 kHz 12 dB: bench/echo-lab/switch.mjs)
//   --shifts LIST        every selected scene shifted by these samples (0: as is), e.g. 0,13,31,64
// ECHO_LAB_OPTIONS='{"tailMs":500}': EchoCanceller options for every run of every build (aec-open11).
// e.g. node bench/echo-lab.mjs scenes /tmp/base-dist dist --scenes 'kiosk 16k call' --shifts 0,13
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { changes } from './echo-lab/changes.mjs';
import { drift } from './echo-lab/drift.mjs';
import { openings } from './echo-lab/openings.mjs';
import { scenes } from './echo-lab/scenes.mjs';
import { switchCalls } from './echo-lab/switch.mjs';
import { trace } from './echo-lab/trace.mjs';

const COMMANDS = ['scenes', 'openings', 'trace', 'drift', 'changes', 'switch'];

/** Runs one subcommand with its arguments (the old per-tool scripts call this too). @param {string[]} argv */
export async function echoLab(argv) {
  const { values: o, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenes: { type: 'string', default: ' 6dB' },
      groups: { type: 'string', default: '16k,24k,48k,outside' },
      shifts: { type: 'string' },
      dirty: { type: 'boolean', default: false },
      save: { type: 'string' },
      compare: { type: 'string' },
      frames: { type: 'boolean', default: false },
      oracle: { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      calls: { type: 'string', default: 'laptop:-100:60' },
      every: { type: 'string', default: '10' },
      rates: { type: 'string', default: '16000' },
      erls: { type: 'string', default: '12' },
    },
  });
  const [command, ...dirs] = positionals;
  if (!command || !COMMANDS.includes(command)) {
    console.error(`usage: node bench/echo-lab.mjs <${COMMANDS.join('|')}> [build...] [options] (see its opening comment)`);
    process.exit(2);
  }
  const lab = await loadLab();
  const builds = await loadBuilds(dirs.length === 0 && command === 'trace' ? ['hooked'] : dirs);
  const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: o.shifts?.split(',').map(Number) };
  if (command === 'scenes') scenes(lab, builds, { pick, dirty: o.dirty, save: o.save, compare: o.compare });
  else if (command === 'openings') openings(lab, builds[0], { pick, frames: o.frames, oracle: o.oracle });
  else if (command === 'changes' || command === 'switch') {
    const only = new RegExp(o.scenes === ' 6dB' ? '.' : o.scenes);
    const calls = command === 'switch' ? switchCalls : undefined;
    changes(lab, builds, { only, rates: o.rates.split(',').map(Number), erls: o.erls.split(',').map(Number), calls });
  } else if (command === 'drift') {
    const stretch = o.from === undefined ? undefined : [Number(o.from), Number(o.to ?? 1e9)];
    drift(lab, builds, { calls: o.calls.split(','), trace: stretch, traceEvery: Number(o.every) });
  } else {
    const first = selectScenes(lab, pick).next().value;
    if (!first) throw new Error(`no scene matches ${o.scenes}`);
    trace(lab, builds[0], { ...first, shift: first.shifts[0] ?? 0, t0: Number(o.from ?? 0), t1: Number(o.to ?? 99) });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await echoLab(process.argv.slice(2));
