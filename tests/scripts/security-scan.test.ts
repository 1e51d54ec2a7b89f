// The security scan's exceptions are narrow: one check, in one file, on the line with that code.
// The same check in another file or on another line still fails the scan.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { EXCEPTIONS, exceptionFor } from '../../scripts/security-scan.mjs';

type Row = { check: string; file: string; location: string };
const lines: Record<string, string[]> = {
  'main/index.js': [
    'const a = 1;',
    '\t\t\tpreload: join(import.meta.dirname, "../preload/index.cjs"),',
    'other()',
  ],
  'main/other.js': ['\t\t\tpreload: join(import.meta.dirname, "../preload/index.cjs"),'],
};
const readLine = (file: string, location: string) => lines[file]?.[Number(location.split(':')[0]) - 1];

describe('security scan exceptions', () => {
  it('each names a check, a file and the code of one line, with a reason', () => {
    for (const exception of EXCEPTIONS as Record<string, string>[]) {
      expect(Object.keys(exception).sort()).toEqual(['check', 'file', 'line', 'reason']);
      for (const value of Object.values(exception)) expect(value.length).toBeGreaterThan(0);
    }
  });

  it('cover that line only', () => {
    const at = (row: Partial<Row>) =>
      exceptionFor({ check: 'PRELOAD_JS_CHECK', file: 'main/index.js', location: '2:3', ...row }, readLine);
    expect(at({})).toBeDefined();
    expect(at({ location: '3:1' })).toBeUndefined();
    expect(at({ file: 'main/other.js', location: '1:3' })).toBeUndefined();
    expect(at({ check: 'NODE_INTEGRATION_HTML_CHECK' })).toBeUndefined();
    expect(at({ location: '99:1' })).toBeUndefined();
  });
});
