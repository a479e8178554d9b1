// Shared benchmark plumbing: runs cases with benny, then prints and saves MB/s, x realtime (at
// 24 kHz mono PCM16) and the ratio to a named baseline within each group. Ratios measured in one
// run are what count on shared machines; absolute numbers vary with load.
import b from 'benny';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';

const maxTime = Number(process.env.BENCH_MAX_TIME ?? 0.5);

/**
 * One benchmark case.
 * @typedef {{ group: string, impl: string, fn: () => unknown, bytes: number, seconds: number, baseline?: boolean }} BenchCase
 */
/**
 * One measured case, as printed and saved.
 * @typedef {{ group: string, impl: string, opsPerSecond: number, marginPercent?: number, mbPerSecond: number,
 *   xRealtime: number, baseline: boolean, ratioToBaseline?: number | null }} BenchRow
 */

/**
 * @param {string} name suite name, also the results file name (bench/results/<name>.json)
 * @param {BenchCase[]} cases `bytes`: bytes of the measured payload per call (for MB/s); `seconds`:
 *   seconds of 24 kHz audio per call.
 * @returns {Promise<BenchRow[]>}
 */
export async function runSuite(name, cases) {
  /** @type {BenchRow[]} */
  const rows = [];
  await b.suite(
    name,
    ...cases.map((c) => b.add(`${c.group} | ${c.impl}`, c.fn)),
    b.configure({ cases: { maxTime, minSamples: 5 } }),
    b.complete((summary) => {
      for (const [i, result] of summary.results.entries()) {
        const c = cases[i];
        rows.push({
          group: c.group,
          impl: c.impl,
          opsPerSecond: result.ops,
          marginPercent: result.margin,
          mbPerSecond: (result.ops * c.bytes) / 1e6,
          xRealtime: result.ops * c.seconds,
          baseline: Boolean(c.baseline),
        });
      }
    }),
  );
  for (const row of rows) {
    const base = rows.find((r) => r.group === row.group && r.baseline);
    row.ratioToBaseline = base ? row.opsPerSecond / base.opsPerSecond : null;
  }
  const table = formatTable(rows);
  console.log(`\n${name}\n${table}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL(`./results/${name}.json`, import.meta.url),
    JSON.stringify({ name, date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, maxTime, rows }, null, 2),
  );
  return rows;
}

/** @param {BenchRow[]} rows */
export function formatTable(rows) {
  const lines = ['| case | implementation | MB/s | x realtime | vs baseline |', '| --- | --- | ---: | ---: | ---: |'];
  for (const r of rows) {
    const ratio = r.ratioToBaseline == null ? '' : `${r.ratioToBaseline.toFixed(2)}x`;
    lines.push(`| ${r.group} | ${r.impl}${r.baseline ? ' (baseline)' : ''} | ${fmt(r.mbPerSecond)} | ${fmt(r.xRealtime)} | ${ratio} |`);
  }
  return lines.join('\n');
}

/** @param {number} x */
function fmt(x) {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}
