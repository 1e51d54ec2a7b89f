// `npm run sim` entry: prints one line with its URL and tokens, then serves until killed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/sim';

describe('sim CLI', () => {
  it('prints its URL and tokens on the first line and serves the curl from the reference page', async () => {
    const child = spawn('npx', ['tsx', 'src/sim/main.ts', '--port', '0', '--scenario', 'basic'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so npx and the node it starts are ended together
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const url = /http:\/\/127\.0\.0\.1:\d+\/v1\/kling/.exec(first)?.[0];
      expect(url).toBeDefined();
      expect(first).toContain(TOKENS.basic);
      expect(first).toContain('creator@example.com');
      const response = await fetch(`${url}/tasks/123456789`, {
        headers: { Authorization: `Bearer ${TOKENS.basic}` },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('"task":{"id":123456789,');
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });

  it('refuses an unknown scenario with a clear message', async () => {
    const child = spawn('npx', ['tsx', 'src/sim/main.ts', '--scenario', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown scenario nope; use one of basic, multi, faults, demo, empty/);
  });
});
