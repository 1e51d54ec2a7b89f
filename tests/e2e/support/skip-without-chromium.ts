// Browser suites without a Chromium are reported skipped (each test), never passed.
import { beforeEach } from 'vitest';
import { CHROMIUM_PATH } from './browser';

/** Marks every test of the calling file skipped when there is no Chromium. */
export function skipWithoutChromium(): void {
  beforeEach(({ skip }) => {
    if (!CHROMIUM_PATH) skip('no Chromium found (set CHROMIUM_PATH, or run `npm test` as root on Debian)');
  });
}
