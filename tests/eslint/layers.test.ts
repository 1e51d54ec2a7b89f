// The layer rule, run through ESLint with the project's own config on virtual files in each layer.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'local/layers').map((m) => m.message);
}

describe('the layer rule', () => {
  it.each([
    ['src/shared/x.ts', "import { a } from '../core/library';", /'shared' layer may not import from 'core'/],
    ['src/shared/x.ts', "import fs from 'node:fs';", /may not import the Node built-in 'node:fs'/],
    ['src/shared/x.ts', "import path from 'path';", /may not import the Node built-in 'path'/],
    ['src/shared/x.ts', "import { app } from 'electron';", /'shared' layer may not import electron/],
    ['src/core/x.ts', "import { app } from 'electron';", /'core' layer may not import electron/],
    [
      'src/core/sub/x.ts',
      "import { a } from '../../main/window';",
      /'core' layer may not import from 'main'/,
    ],
    [
      'src/renderer/src/x.ts',
      "import { a } from '../../core/api';",
      /'renderer' layer may not import from 'core'/,
    ],
    ['src/renderer/src/x.ts', "import { readFile } from 'node:fs/promises';", /Node built-in/],
    [
      'src/renderer/src/x.ts',
      "export * from '../../server/http';",
      /'renderer' layer may not import from 'server'/,
    ],
    ['src/preload/x.ts', "import { a } from '../core/api';", /'preload' layer may not import from 'core'/],
    ['src/sim/x.ts', "const m = import('../core/library');", /'sim' layer may not import from 'core'/],
  ])('%s: %s is refused', async (file, code, message) => {
    const errors = await layerErrors(file, `${code}\nexport {};\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['src/shared/x.ts', "import { z } from 'zod';"],
    ['src/shared/a/x.ts', "import { b } from '../b/y';"],
    ['src/core/x.ts', "import { a } from '../shared/useapi'; import fs from 'node:fs';"],
    ['src/renderer/src/x.ts', "import { a } from '../../shared/contract';"],
    [
      'src/preload/x.ts',
      "import { contextBridge } from 'electron'; import { a } from '../shared/contract/names';",
    ],
    ['src/main/x.ts', "import { app } from 'electron'; import { a } from '../core/api';"],
    ['src/server/x.ts', "import { a } from '../core/api'; import { b } from '../sim';"],
    ['src/core/library/x.ts', "import BetterSqlite3 from 'better-sqlite3';"],
    ['src/core/library/migrations/x.ts', "import type { Database } from 'better-sqlite3';"],
    ['tests/x.test.ts', "import BetterSqlite3 from 'better-sqlite3';"],
    ['tests/x.test.ts', "import { a } from '../src/core/api'; import { app } from 'electron';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

describe('the database has one owner', () => {
  it.each([
    ['src/core/sync/x.ts', "import type { Database } from 'better-sqlite3';"],
    ['src/core/sync/x.ts', "import BetterSqlite3 from 'better-sqlite3';"],
    ['src/core/x.ts', "const driver = import('better-sqlite3');"],
    ['src/core/api/x.ts', "type Driver = typeof import('better-sqlite3');"],
    ['src/server/x.ts', "export { default } from 'better-sqlite3';"],
    ['src/main/x.ts', "export * from 'better-sqlite3/lib/database';"],
    ['src/core/library-tools/x.ts', "import BetterSqlite3 from 'better-sqlite3';"],
  ])('%s: %s is refused', async (file, code) => {
    const errors = await layerErrors(file, `${code}\nexport {};\n`);
    expect(errors).toEqual([expect.stringMatching(/^Only src\/core\/library may import better-sqlite3/)]);
  });
});
