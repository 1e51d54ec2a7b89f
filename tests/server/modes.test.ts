// Headless mode's files at rest: the config folder 0700 with settings and tokens 0600, the library
// created 0700 — the bytes' modes on disk, as another user on the machine would meet them.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHeadlessApi } from '../../src/server/headless';
import { startSimulator, TOKENS } from '../../src/sim';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-modes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

it.skipIf(process.platform === 'win32')(
  'config folder 0700, settings and tokens 0600, library 0700',
  async () => {
    const configDir = path.join(dir, 'config');
    const libraryDir = path.join(dir, 'library');
    // Adding an account asks useapi.net (the simulator) whether the token has that email.
    const sim = await startSimulator({ scenario: 'basic' });
    const { api } = createHeadlessApi({
      configDir,
      libraryFolder: libraryDir,
      apiBase: sim.baseUrl,
      env: {},
      version: '0.0.0-test',
    });
    try {
      const added = await api.call('accounts.add', {
        email: 'creator@example.com',
        credentials: { token: TOKENS.basic },
      });
      expect(added.ok || added.error.message).toBe(true);
      await api.call('library.stats', {});
      expect(mode(configDir)).toBe(0o700);
      expect(mode(path.join(configDir, 'settings.json'))).toBe(0o600);
      expect(mode(path.join(configDir, 'tokens.json'))).toBe(0o600);
      expect(mode(libraryDir)).toBe(0o700);
      expect(mode(path.join(libraryDir, '.kling-archive'))).toBe(0o700);
    } finally {
      await api.close();
      await sim.close();
    }
  },
);

it.skipIf(process.platform === 'win32')(
  'tightens a config folder and settings file others could read',
  async () => {
    const configDir = path.join(dir, 'config');
    mkdirSync(configDir, { mode: 0o755 });
    chmodSync(configDir, 0o755);
    writeFileSync(path.join(configDir, 'settings.json'), '{}', { mode: 0o644 });
    chmodSync(path.join(configDir, 'settings.json'), 0o644);
    const { api } = createHeadlessApi({
      configDir,
      env: {},
      version: '0.0.0-test',
      apiBase: 'http://127.0.0.1:9',
    });
    await api.close();
    expect(mode(configDir)).toBe(0o700);
    expect(mode(path.join(configDir, 'settings.json'))).toBe(0o600);
  },
);
