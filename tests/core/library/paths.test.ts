import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  extensionFromUrl,
  monthFolder,
  resolveInside,
  sanitizeSegment,
  taskFolder,
  UnsafePathError,
} from '../../../src/core/library/paths';

describe('sanitizeSegment against hostile names', () => {
  const cases: Array<[string, string]> = [
    ['..', '__'],
    ['.', '_'],
    ['../../etc/passwd', '___.._etc_passwd'], // one segment: no separator survives,
    ['/etc/passwd', '_etc_passwd'],
    ['C:\\Windows', 'C__Windows'],
    ['a\u0000b', 'a_b'],
    ['line\nbreak\r', 'line_break_'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['LPT9.mp4', '_LPT9.mp4'],
    ['trailing. . ', 'trailing'],
    ['', '_'],
    ['   ', '_'],
    ['a<b>c:d"e|f?g*h', 'a_b_c_d_e_f_g_h'],
    ['evil\u202Egnp.exe', 'evil_gnp.exe'],
    ['.hidden', '_hidden'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(sanitizeSegment(input)).toBe(expected);
    });
  }

  it('normalises Unicode to NFC (one name, however it was typed)', () => {
    expect(sanitizeSegment('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('bounds the length in bytes without splitting a character', () => {
    const long = sanitizeSegment('é'.repeat(500));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(120);
    expect(long).toBe('é'.repeat(60));
  });
});

describe('the folder layout', () => {
  it('is <account>/<YYYY-MM>/<taskId> in UTC', () => {
    expect(taskFolder('me@example.com', Date.UTC(2025, 0, 31, 23, 59), '123')).toBe(
      'me@example.com/2025-01/123',
    );
    expect(monthFolder(null)).toBe('undated');
    expect(taskFolder('../..', 0, '..')).toBe('___/undated/__');
  });

  it('takes only a plain extension from a URL', () => {
    expect(extensionFromUrl('https://x/y/a.MP4?sig=1', 'bin')).toBe('mp4');
    expect(extensionFromUrl('https://x/y/a', 'mp4')).toBe('mp4');
    expect(extensionFromUrl('https://x/y/a.exe', 'jpg')).toBe('jpg');
    expect(extensionFromUrl('https://x/y/a.../../b', 'jpg')).toBe('jpg');
    expect(extensionFromUrl('not a url.png', 'jpg')).toBe('png');
  });
});

describe('resolveInside', () => {
  const root = path.resolve('/tmp/library');
  it('accepts paths inside the library', () => {
    expect(resolveInside(root, 'a/2025-01/1/task.json')).toBe(path.join(root, 'a/2025-01/1/task.json'));
  });
  for (const bad of [
    '../x',
    'a/../../x',
    '/etc/passwd',
    'C:\\x',
    'a\u0000b',
    '',
    '.',
    '.kling-archive/index.sqlite',
    'a/../.kling-archive/x',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => resolveInside(root, bad)).toThrow(UnsafePathError);
    });
  }
});
