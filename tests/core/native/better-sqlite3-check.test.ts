// A better-sqlite3 built for the wrong runtime is reported with the fix, not a crash dump.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useNativeBinding } from '../../../src/core/native/binding';
import { checkBetterSqlite3, explainLoadError } from '../../../src/core/native/better-sqlite3-check';

const ABI_ERROR = new Error(
  "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
    'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 140. This version of Node.js requires\n' +
    'NODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).',
);

describe('better-sqlite3 check', () => {
  it('passes with the Node build the tests use', () => {
    expect(checkBetterSqlite3('node')).toEqual({ ok: true });
  });

  it('names both ABIs and the fix for each runtime', () => {
    expect(explainLoadError(ABI_ERROR, 'node')).toBe(
      'better-sqlite3 was built for another runtime (ABI 140; this Node needs ABI 115). Rebuild it for Node: npm rebuild better-sqlite3',
    );
    expect(explainLoadError(ABI_ERROR, 'electron')).toMatch(
      /ABI 140; this Electron needs ABI 115.*run `npm start` again/,
    );
  });

  it('reports a missing native file and any other load failure', () => {
    expect(explainLoadError(new Error('Could not locate the bindings file. Tried: ...'), 'node')).toMatch(
      /is not built/,
    );
    expect(explainLoadError(new Error('boom\nstack'), 'node')).toBe(
      'better-sqlite3 cannot be loaded (boom). Try: npm rebuild better-sqlite3',
    );
  });

  it('loads the native file named by useNativeBinding, and says plainly when it is for another ABI', () => {
    const electronBuild = path.join(
      mkdtempSync(path.join(tmpdir(), 'kling-binding-')),
      'better_sqlite3.node',
    );
    writeFileSync(electronBuild, 'not a native module');
    useNativeBinding(electronBuild);
    try {
      expect(checkBetterSqlite3('electron')).toEqual({
        ok: false,
        message: expect.stringMatching(/^better-sqlite3 cannot be loaded .*better_sqlite3\.node/),
      });
    } finally {
      useNativeBinding(undefined);
    }
    expect(checkBetterSqlite3('node')).toEqual({ ok: true });
  });

  it('turns a failing load into a message instead of throwing', () => {
    const result = checkBetterSqlite3('electron', () => {
      throw ABI_ERROR;
    });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/ABI 140.*\.native\/electron/) });
  });
});
