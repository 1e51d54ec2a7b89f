// Launches the built desktop app with Playwright wherever an Electron binary is present: the window
// shows, the gallery renders, and the window's webPreferences are the secure ones. Our build
// machines have no Electron binary; there the test is reported skipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { electronAbi, electronVersion, findElectronBinary } from '../../scripts/electron-binary.mjs';
// @ts-expect-error -- a plain .mjs script without type declarations
import { electronNativeDir, isPrepared } from '../../scripts/electron-native.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = (findElectronBinary as (env?: NodeJS.ProcessEnv) => string | null)();
// The app loads better-sqlite3's Electron build, which `npm start` prepares on first launch.
const nativeDir = (electronNativeDir as (root: string) => string)(root);
const nativeReady = (isPrepared as (dir: string, build: object) => boolean)(nativeDir, {
  version: (electronVersion as (root: string) => string)(root),
  abi: (electronAbi as (root: string) => string)(root),
});

// Without a binary (or the Electron build of better-sqlite3: run `npm start` once) the test is
// reported skipped, not passed: nothing was checked.
it.skipIf(!binary || !nativeReady)(
  'launches, shows the window with the gallery, and keeps webPreferences secure',
  async () => {
    const { _electron } = await import('playwright-core');
    const userData = mkdtempSync(path.join(tmpdir(), 'kling-electron-'));
    const app = await _electron.launch({
      executablePath: binary!,
      args: [root, `--user-data-dir=${userData}`],
      env: {
        ...process.env,
        KLING_ARCHIVE_API_BASE: 'http://127.0.0.1:9/',
        KLING_ARCHIVE_NATIVE_DIR: nativeDir,
      },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(await page.title()).toBe('Kling Archive');
      expect(page.url()).toMatch(/^app:\/\/kling-archive\//);
      await page.waitForSelector('#app *', { timeout: 15_000 });
      const visible = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]?.isVisible(),
      );
      expect(visible).toBe(true);
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        return (
          wc as unknown as { getLastWebPreferences(): Record<string, unknown> }
        ).getLastWebPreferences();
      });
      expect(prefs).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      });
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(
        await page.evaluate(() =>
          Object.keys((window as unknown as { klingArchive: object }).klingArchive).sort(),
        ),
      ).toEqual(['invoke', 'off', 'on', 'startDrag']);
      const info = await page.evaluate(() =>
        (
          window as unknown as { klingArchive: { invoke(m: string, i: unknown): Promise<unknown> } }
        ).klingArchive.invoke('app.info', {}),
      );
      expect(info).toMatchObject({ ok: true, value: { mode: 'desktop' } });
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  },
  60_000,
);
