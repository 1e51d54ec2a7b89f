// Which better-sqlite3 build the app loads: never node_modules' (that one is Node's, for the tests and
// the CLI) but the Electron-ABI build. From sources, `npm start` prepares it in .native/electron
// (scripts/electron-native.mjs passes the folder in KLING_ARCHIVE_NATIVE_DIR); a packaged app carries
// it in its resources. The check then loads it, so a wrong ABI is reported plainly before anything opens.
import { app } from 'electron';
import { join } from 'node:path';
import { checkBetterSqlite3 } from '../core/native/better-sqlite3-check';
import type { NativeCheck } from '../core/native/better-sqlite3-check';
import { useNativeBinding } from '../core/native/binding';

const BINDING_FILE = 'better_sqlite3.node';

export function electronBindingPath(env: NodeJS.ProcessEnv = process.env): string {
  if (app.isPackaged) return join(process.resourcesPath, 'native', BINDING_FILE);
  const dir = env['KLING_ARCHIVE_NATIVE_DIR'] || join(app.getAppPath(), '.native', 'electron');
  return join(dir, BINDING_FILE);
}

/** Points every database at the Electron build and checks that it loads. */
export function useElectronSqlite(): NativeCheck {
  useNativeBinding(electronBindingPath());
  return checkBetterSqlite3('electron');
}
