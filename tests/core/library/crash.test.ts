import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import { indexPath } from '../../../src/core/library/paths';
import { makeSnapshot } from './fixtures/snapshots';
import { tempFolder } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => cleanup());

const BATCH = 20_000;

describe('a crash in the middle of a large batch ingest', () => {
  it('leaves integrity_check ok and the batch wholly out', async () => {
    // Something already in the library must survive.
    const library = openLibrary(dir, { sidecars: false });
    library.ingest(makeSnapshot('before@example.com', { taskId: '1' }));
    library.close();

    const child = spawn('npx', ['tsx', 'tests/core/library/fixtures/ingest-child.ts', dir, String(BATCH)], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killedAt = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const progress = [...buffer.matchAll(/progress (\d+)/g)].map((m) => Number(m[1]));
        const latest = progress.at(-1) ?? 0;
        if (latest >= 5000) {
          // npx runs node as a child; kill the whole process group so the ingesting process dies.
          process.kill(-child.pid!, 'SIGKILL');
          resolve(latest);
        }
      });
      child.on('exit', (code) => reject(new Error(`child ended before the kill (code ${code}): ${stderr}`)));
    }).catch((error: unknown) => {
      throw error;
    });
    await new Promise((resolve) => child.once('close', resolve));
    expect(killedAt).toBeGreaterThanOrEqual(5000);

    const db = new BetterSqlite3(indexPath(dir));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare("SELECT count(*) AS n FROM tasks WHERE task_id >= '5000000000000'").get()).toEqual({
      n: 0,
    });
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 1 });
    db.close();
    const reopened = openLibrary(dir);
    expect(reopened.stats().tasks).toBe(1);
    expect(reopened.gallery({ text: 'dancing' }).items).toHaveLength(1);
    reopened.close();
  }, 120_000);

  it('the same batch, left to finish, is wholly in', async () => {
    const child = spawn('npx', ['tsx', 'tests/core/library/fixtures/ingest-child.ts', dir, '2000'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('done');
    const db = new BetterSqlite3(indexPath(dir));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 2000 });
    db.close();
  }, 120_000);
});
