// A settings-like JSON file that cannot be parsed is never deleted and never stops the app: it is
// renamed to `<name>.broken-<time>.json` next to where it was, and the app starts from defaults.
// Headless mode (conf) and the desktop app (electron-store) both open their files through this.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/** Sets `file` aside when it exists and is not JSON; answers where it went, or null. */
export function setAsideUnreadableJson(file: string, now: number = Date.now()): string | null {
  if (!existsSync(file)) return null;
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return null;
  } catch {
    const base = path.basename(file, '.json');
    const aside = path.join(path.dirname(file), `${base}.broken-${now}.json`);
    renameSync(file, aside);
    return aside;
  }
}

/** The notice for a file that was set aside. */
export function setAsideNotice(what: string, aside: string): string {
  return `${what}: the file was not valid JSON; kept it as ${aside} and started from defaults`;
}
