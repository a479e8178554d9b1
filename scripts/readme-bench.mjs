// Fills the README's benchmark tables from bench/results/*.json: each block between
// `<!-- bench:a,b -->` and `<!-- /bench:a,b -->` gets the tables of results a and b.
// Run by `npm run bench` after the benchmarks; safe to run alone.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { formatTable } from '../bench/lib.mjs';

const readmeUrl = new URL('../README.md', import.meta.url);
let readme = readFileSync(readmeUrl, 'utf8');
readme = readme.replace(/<!-- bench:([\w,-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g, (_, names) => {
  const parts = names.split(',').map((name) => {
    const file = new URL(`../bench/results/${name}.json`, import.meta.url);
    if (!existsSync(file)) return `_${name}: no results yet (run \`npm run bench\`)_`;
    const result = JSON.parse(readFileSync(file, 'utf8'));
    const where = result.userAgent?.match(/Chrome\/[\d.]+/)?.[0] ?? `Node ${result.node ?? ''}`;
    return `**${name}** (${where}, ${result.date.slice(0, 10)}):\n\n${result.markdown ?? formatTable(result.rows)}`;
  });
  return `<!-- bench:${names} -->\n${parts.join('\n\n')}\n<!-- /bench:${names} -->`;
});
writeFileSync(readmeUrl, readme);
console.log('README benchmark tables updated');
