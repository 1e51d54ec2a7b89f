// `kling-archive serve` through the CLI module: one line with the URL to open (carrying a fresh
// secret), flags checked, a bad token file refused with the fix; the other commands check their flags.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, parseFlags, serve } from '../../src/server/cli';

let dir: string;
let out: string[];
let err: string[];
const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-cli-'));
  out = [];
  err = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kling-archive serve', () => {
  it('prints one line with the URL to open and serves it', async () => {
    const handle = await serve(['--config', path.join(dir, 'c'), '--library', path.join(dir, 'l')], io, {});
    if (typeof handle === 'number') throw new Error(err.join(''));
    try {
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(/^Kling Archive is running\. Open http:\/\/127\.0\.0\.1:\d+\/#key=[\w-]{32}\n$/);
      expect(out[0]).toContain(handle.server.url);
      const answer = await fetch(`${handle.server.origin}/api/settings.get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kling-archive-key': handle.server.secret },
        body: '{}',
      });
      expect((await answer.json()).libraryFolder).toBe(path.join(dir, 'l'));
      // The sync engine runs behind it: tasks.add and the others answer instead of "unavailable".
      const info = await fetch(`${handle.server.origin}/api/app.info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kling-archive-key': handle.server.secret },
        body: '{}',
      });
      expect((await info.json()).engine).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('refuses bad flags and a token file others can read', async () => {
    expect(await serve(['--port', 'x'], io, {})).toBe(2);
    expect(await serve(['--nope'], io, {})).toBe(2);
    expect(await serve(['--port'], io, {})).toBe(2);
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'user:1-abcdefghijkl');
    chmodSync(tokenFile, 0o644);
    expect(await serve(['--config', path.join(dir, 'c'), '--token-file', tokenFile], io, {})).toBe(1);
    expect(err.join('')).toMatch(/chmod 600/);
    expect(err.join('')).not.toContain('abcdefghijkl');
  });

  it('parses --name value and --name=value', () => {
    expect(parseFlags(['--port=5', '--library', '/x'], ['port', 'library'])).toEqual(
      new Map([
        ['port', '5'],
        ['library', '/x'],
      ]),
    );
  });
});

describe('the other commands', () => {
  it('check their flags and list themselves in the help', async () => {
    expect(await main(['demo', '--bogus'], io)).toBe(2);
    expect(err.join('')).toMatch(/unknown option '--bogus'/);
    expect(await main(['bogus'], io)).toBe(2);
    expect(await main(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('serve');
    expect(out.join('')).toContain('demo');
  });
});
