// better-sqlite3 is a native module built for one runtime: Node (tests, headless mode; the build in
// node_modules) or Electron (the app; its own build, see ./binding.ts). Loading the wrong build crashes
// with a cryptic NODE_MODULE_VERSION error; this check runs first and turns it into a sentence with the fix.
import { createRequire } from 'node:module';
import { bindingOptions } from './binding';

export type Runtime = 'node' | 'electron';
export type NativeCheck = { ok: true } | { ok: false; message: string };

export const FIXES: Record<Runtime, string> = {
  node: 'npm rebuild better-sqlite3',
  // `npm start` prepares the Electron build in .native/electron (scripts/electron-native.mjs); a
  // packaged app carries its own, so there the fix is reinstalling the app.
  electron: 'delete .native/electron and run `npm start` again (or reinstall the packaged app)',
};

/** Turns a load error into the message a person can act on. */
export function explainLoadError(error: unknown, runtime: Runtime): string {
  const text = error instanceof Error ? error.message : String(error);
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(text);
  const where = runtime === 'node' ? 'Node' : 'Electron';
  if (abi) {
    return (
      `better-sqlite3 was built for another runtime (ABI ${abi[1]}; this ${where} needs ABI ${abi[2]}). ` +
      `Rebuild it for ${where}: ${FIXES[runtime]}`
    );
  }
  if (/Could not locate the bindings file|Cannot find module/i.test(text)) {
    return `better-sqlite3 is not built (its native file is missing). Build it for ${where}: ${FIXES[runtime]}`;
  }
  return `better-sqlite3 cannot be loaded (${text.split('\n')[0]}). Try: ${FIXES[runtime]}`;
}

export function checkBetterSqlite3(runtime: Runtime, load: () => unknown = defaultLoad): NativeCheck {
  try {
    const Database = load() as new (file: string, options?: object) => { close(): void };
    // The native part loads on the first database, not on require.
    new Database(':memory:', bindingOptions()).close();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: explainLoadError(error, runtime) };
  }
}

function defaultLoad(): unknown {
  return createRequire(import.meta.url)('better-sqlite3');
}
