// Log lines a client can cause at will are written at most once a minute.
import { describe, expect, it } from 'vitest';
import { throttled } from '../../../src/core/api/logger';

describe('throttled log lines', () => {
  it('writes at most one line a minute and counts the rest', () => {
    let clock = 0;
    const lines: string[] = [];
    const write = throttled(
      (m) => lines.push(m),
      60_000,
      () => clock,
    );
    write('bad cursor');
    clock = 30_000;
    write('bad cursor');
    write('bad cursor');
    expect(lines).toEqual(['bad cursor']);
    clock = 60_000;
    write('bad cursor');
    expect(lines).toEqual(['bad cursor', 'bad cursor (and 2 more like it in the last minute)']);
  });
});
