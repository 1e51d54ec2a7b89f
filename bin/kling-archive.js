#!/usr/bin/env node
// Installed entry point: runs the built command line (out/node/cli.js) under plain Node.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/node/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('kling-archive: the command line is not built yet. Run `npm run build` first.\n');
  process.exit(2);
}
await import(cli);
