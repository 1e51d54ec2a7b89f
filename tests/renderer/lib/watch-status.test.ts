import { describe, expect, it } from 'vitest';
import { describeWatch } from '../../../src/renderer/src/lib/watch-status';
import type { AccountWatchStatus } from '../../../src/shared/contract';

const NOW = 1_800_000_000_000;
const base: AccountWatchStatus = {
  accountId: 'a1',
  email: 'studio@example.com',
  watching: true,
  checking: false,
  catchingUp: false,
  lastCheckedAt: NOW - 120_000,
  nextCheckAt: NOW + 180_000,
  lastError: null,
  arrivedToday: 5,
};

describe('describeWatch', () => {
  it('says when the account was checked, when it is next, and what arrived today', () => {
    const line = describeWatch(base, false, NOW);
    expect(line).toMatch(/^Checked .*2 minutes ago · next .*3 minutes · 5 new works today$/);
  });

  it('says what is going on while checking, catching up, failing, switched off or paused', () => {
    expect(describeWatch({ ...base, checking: true }, false, NOW)).toMatch(/^Checking now…/);
    expect(describeWatch({ ...base, checking: true, catchingUp: true }, false, NOW)).toMatch(/^Catching up…/);
    expect(describeWatch({ ...base, lastError: 'HTTP 503' }, false, NOW)).toMatch(
      /last check failed: HTTP 503$/,
    );
    expect(describeWatch({ ...base, arrivedToday: 1 }, false, NOW)).toMatch(/1 new work today/);
    expect(describeWatch({ ...base, watching: false }, false, NOW)).toMatch(/^Not watched/);
    expect(describeWatch(base, true, NOW)).toBe('Automatic archiving paused');
    expect(describeWatch(undefined, false, NOW)).toMatch(/not running/);
  });
});
