// The command line run in-process, as the CLI tests use it: environment variables set for the call
// (undefined removes one) and put back after, stdout and stderr captured.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/server/cli';

export async function runCli(
  args: string[],
  vars: Record<string, string | undefined>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  for (const [key, value] of Object.entries(vars)) if (value === undefined) delete process.env[key];
  try {
    const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

/** Every file below `root`, as paths relative to it (none when it does not exist). */
export function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}
