import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two groups of test files, one after the other (ci-trim, docs/NOTES.md):
// 1. 'compute': files that only compute (the echo lab and the other quality scenes, the kernels'
//    unit tests, ...): no browser, socket, worker, child process, timer or clock in what they
//    assert (nor V8's optimisation of the audio path: the allocation checks are timed). Their figures do not depend on how fast they run, so they run two files at a time,
//    one per core of the CI machine (vitest's default is the cores less one: one file at a time
//    on 2 cores), the heaviest first (COST_S).
// 2. 'timed': every other file (the browsers, the demo, sockets, timers, soaks, child processes),
//    one at a time as before: what they assert can depend on getting the CPU when they ask.
// A new file is 'timed' unless COMPUTE names it or its directory.
const COMPUTE_DIRS = ['test/quality/', 'test/unit/'];
const COMPUTE_FILES = [
  'test/cli/play-speaker.test.ts',
  'test/cli/wav.test.ts',
  'test/package/public-api.test.ts',
  // simulated time (test/helpers/phone-harness.ts: a VirtualClock; wall time only printed)
  'test/phone/barge-in.test.ts',
  'test/phone/phone-bridge.test.ts',
  'test/phone/soak.test.ts',
  'test/phone/transcode.test.ts',
  'test/reliability/bad-input.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/lifecycle.test.ts',
  'test/reliability/properties.test.ts',
  'test/transport/adapter-echo.test.ts',
  'test/transport/adapter-unit.test.ts',
  'test/transport/g711-format.test.ts',
  'test/transport/protocols.test.ts',
];
/**
 * In those directories but timed: browsers (echo-browser), worker threads and request timeouts, and the
 * per-quantum allocation checks (test/helpers/allocation.ts: whether V8 has optimised the audio path's
 * code by the time it is measured depends on its compiler thread getting the CPU; beside another file
 * pipeline-playback-tap's read counted 1512 bytes over 600 reads in one CI run, bound 1024).
 */
const TIMED_THERE = [
  'test/quality/echo-browser.test.ts',
  'test/unit/requests.test.ts',
  'test/unit/worker-pool.test.ts',
  'test/unit/heap.test.ts',
  'test/unit/pipeline-playback-tap.test.ts',
  'test/unit/worklet-processors.test.ts',
];

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TEST_FILES = readdirSync(`${ROOT}test`, { recursive: true })
  .map((f) => `test/${String(f).replaceAll('\\', '/')}`)
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
const isCompute = (f: string) => !TIMED_THERE.includes(f) && (COMPUTE_DIRS.some((d) => f.startsWith(d)) || COMPUTE_FILES.includes(f));

/**
 * Seconds the heaviest 'compute' files took in the clean-clone CI of dcadcee, run alone (one file at
 * a time), so that the two workers start on them and the group does not end on one long file
 * (longest first: the two workers then finish within seconds of each other). Files not listed
 * follow in vitest's own order (the last run's durations if it has them, else the largest first).
 * Worth updating when a file's cost moves by tens of seconds.
 */
const COST_S: Record<string, number> = {
  'test/quality/echo-outside.test.ts': 66,
  'test/quality/echo-canceller.test.ts': 60,
  'test/quality/echo-quiet.test.ts': 45,
  'test/phone/soak.test.ts': 41,
  'test/quality/echo-drc.test.ts': 27,
  'test/quality/echo-pipeline.test.ts': 25,
  'test/quality/echo-session-tap.test.ts': 22,
  'test/quality/echo-drift.test.ts': 19,
  'test/phone/barge-in.test.ts': 17,
  'test/quality/echo-jitter.test.ts': 17,
  'test/quality/echo-bt.test.ts': 8,
  'test/quality/echo-soak.test.ts': 7,
  'test/cli/play-speaker.test.ts': 7,
  'test/unit/base64.test.ts': 6,
  'test/quality/echo-lab.test.ts': 5,
  'test/reliability/properties.test.ts': 5,
};

class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const cost = (f: TestSpecification) => COST_S[f.moduleId.slice(ROOT.length).replaceAll('\\', '/')] ?? 0;
    return base
      .map((f, i) => ({ f, i }))
      .sort((a, b) => cost(b.f) - cost(a.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // the json report lets .ci/run print a plain 'N passed, N failed' closing line
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    sequence: { sequencer: HeaviestFirst },
    projects: [
      { extends: true, test: { name: 'compute', include: TEST_FILES.filter(isCompute), maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'timed', include: TEST_FILES.filter((f) => !isCompute(f)), maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
