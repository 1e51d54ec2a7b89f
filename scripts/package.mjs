// `npm run package [-- electron-builder options]`: builds, prepares better-sqlite3 for Electron's ABI
// in .native/electron (as `npm start` does; the package carries it in its resources), then runs
// electron-builder with electron-builder.yml (default targets: this platform's).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronAbi, electronVersion } from './electron-binary.mjs';
import { electronNativeDir, prepareElectronNative } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step([join(root, 'scripts', 'ensure-built.mjs')]);
const native = prepareElectronNative({
  root,
  dir: electronNativeDir(root),
  version: electronVersion(root),
  abi: electronAbi(root),
});
if (!native.ok) {
  process.stderr.write(`Cannot package: ${native.reason}.\n`);
  process.exit(1);
}
step([join(root, 'node_modules', 'electron-builder', 'cli.js'), ...process.argv.slice(2)]);
