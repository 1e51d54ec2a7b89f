// Real Chromium for browser tests and benchmarks, driven by playwright-core. Which Chromium is
// found by scripts/chromium.mjs (`npm test` may also install one there, and passes it on in
// CHROMIUM_PATH). Without one, the browser suites are reported skipped, never passed.
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error -- a plain .mjs script without type declarations
import { findChromium } from '../../../scripts/chromium.mjs';

export const CHROMIUM_PATH: string | null = (findChromium as () => { path: string } | null)()?.path ?? null;

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH)
    throw new Error('No Chromium found: set CHROMIUM_PATH to a Chromium or Chrome executable.');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
