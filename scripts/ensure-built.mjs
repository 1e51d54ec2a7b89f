// Builds the app when the built output is missing or older than any source file, so `npm run cli`,
// `npm run sim` and `npm run demo` always run current code without a separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const outputs = [
  'out/node/cli.js',
  'out/node/sim.js',
  'out/renderer/index.html',
  'out/main/index.js',
  'out/preload/index.cjs',
].map((p) => join(root, p));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const missing = outputs.some((p) => !existsSync(p));
const stale =
  !missing &&
  Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs) >
    Math.min(...outputs.map((p) => statSync(p).mtimeMs));

if (missing || stale) {
  process.stderr.write(`Building Kling Archive (${missing ? 'no build yet' : 'sources changed'})...\n`);
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write('Build failed; see the messages above.\n');
    process.exit(result.status ?? 1);
  }
}
