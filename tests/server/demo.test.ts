// `kling-archive demo` as a user runs it: the built CLI in its own process prints one URL; through
// that URL the contract answers, and the demo tasks finish and reach the gallery. Ctrl+C (SIGINT)
// stops everything and deletes the demo's temp folder.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve('bin/kling-archive.js');
const BUILT = existsSync(resolve('out/node/cli.js'));

async function call(origin: string, key: string, method: string, input: unknown): Promise<unknown> {
  const answer = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kling-archive-key': key },
    body: JSON.stringify(input),
  });
  return answer.json();
}

describe.skipIf(!BUILT)('kling-archive demo (built CLI)', () => {
  it('serves the demo library and archives the demo tasks, then stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Open (\S+)/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = new URL(/Open (\S+)/.exec(stdout)![1]!);
      expect(url.hostname).toBe('127.0.0.1');
      const key = new URLSearchParams(url.hash.slice(1)).get('key')!;
      const folder = /data in (\S+) \(deleted on exit\)/.exec(stderr)?.[1];
      expect(folder && existsSync(folder)).toBe(true);

      // Settings learn that the demo's pace overrides three of them, and what it does instead.
      const info = (await call(url.origin, key, 'app.info', {})) as {
        demo: boolean;
        overriddenSettings: Array<{ setting: string; applies: string }>;
      };
      expect(info.demo).toBe(true);
      expect(info.overriddenSettings.map((entry) => entry.setting)).toEqual([
        'polling.intervalSeconds',
        'polling.maxRequestsPerMinute',
        'watching.intervalMinutes',
      ]);
      expect(info.overriddenSettings[0]?.applies).toBe('checks a running task every 3 s');

      const accounts = (await call(url.origin, key, 'accounts.list', {})) as { accounts: unknown[] };
      expect(accounts.accounts).toHaveLength(2);
      let items: Array<{ workId: string }> = [];
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const page = (await call(url.origin, key, 'library.gallery', { account: 'all' })) as {
          items: Array<{ workId: string }>;
        };
        items = page.items;
        if (items.length >= 4) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(items.length).toBeGreaterThanOrEqual(4);
      const tasks = (await call(url.origin, key, 'tasks.list', { account: 'all' })) as { items: unknown[] };
      expect(tasks.items.length).toBeGreaterThanOrEqual(11);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(folder!)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
