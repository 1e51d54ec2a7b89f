import { describe, expect, it } from 'vitest';
import { plainError } from '../../../src/renderer/src/lib/plain-error';

describe('errors in words', () => {
  it('names the field as the form does and says what to do', () => {
    const error = new Error(
      'settings.update: polling.intervalSeconds: Invalid input: expected number, received null',
    );
    expect(plainError(error)).toBe('Check a running task at most once every (seconds): enter a number.');
    expect(
      plainError(new Error('settings.update: downloads.concurrency: Too big: expected number to be <=8')),
    ).toBe('Downloads at once: use 8 or less.');
  });

  it('says a fault once and leaves other messages as they are', () => {
    const twice = new Error('settings.update: apiBase: Invalid URL; apiBase: Invalid URL');
    expect(plainError(twice)).toBe('API base: Invalid URL.');
    expect(plainError(new Error('The library is already being moved.'))).toBe(
      'The library is already being moved.',
    );
  });
});
