// `npm run bench`: runs every benchmark in bench/ (each prints its own figures and ratios).
// Pass names to run a subset: `npm run bench -- parse`.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(`${root}bench`)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();
let failures = 0;
for (const file of files) {
  process.stdout.write(`\n### ${file}\n`);
  const result = spawnSync('npx', ['tsx', `bench/${file}`], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures += 1;
}
if (files.length === 0) process.stdout.write('No benchmarks matched.\n');
process.exitCode = failures ? 1 : 0;
