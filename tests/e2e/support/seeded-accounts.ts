// The demo's two accounts (studio@ and sketches@, one token) added through the contract, with their
// finished tasks archived: a library of several accounts for the gallery to show, without clicking
// through Settings first (app.test.ts walks that).
import type { MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { startAppUnderTest, type AppUnderTest } from './app-under-test';

export const DEMO_TOKEN = 'user:6006-SimDemo2024kA';
export const STUDIO = 'studio@example.com';
export const SKETCHES = 'sketches@example.com';

/** A contract call over the headless server's HTTP, as the page makes it. */
export async function call<M extends MethodName>(
  app: AppUnderTest,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const answer = await fetch(`${app.server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kling-archive-key': app.server.secret },
    body: JSON.stringify(input),
  });
  const body = (await answer.json()) as unknown;
  if (!answer.ok) throw new Error(`${method}: ${JSON.stringify(body)}`);
  return body as MethodOutput<M>;
}

/** Adds both demo accounts (studio active) and archives their finished tasks: 4 works in studio, 1 in sketches. */
export async function seedTwoAccounts(app: AppUnderTest): Promise<void> {
  const imported = await call(app, 'accounts.import', { credentials: { token: DEMO_TOKEN } });
  const idOf = (email: string) => imported.added.find((account) => account.email === email)?.id;
  await call(app, 'accounts.switch', { id: idOf(STUDIO) ?? '' });
  await call(app, 'tasks.add', {
    taskIds: ['7300000001', '7300000002', '7300000003'],
    accountId: idOf(STUDIO),
  });
  await call(app, 'tasks.add', { taskIds: ['9007199254741021'], accountId: idOf(SKETCHES) });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const counts = await call(app, 'library.counts', { phase: 'succeeded' });
    const done = (email: string) => counts.accounts.find((entry) => entry.account === email)?.count ?? 0;
    const files = await call(app, 'library.stats', {});
    if (
      done(STUDIO) >= 4 &&
      done(SKETCHES) >= 1 &&
      (files.files.pending ?? 0) === 0 &&
      (files.files.downloading ?? 0) === 0
    )
      return;
    if (Date.now() > deadline) throw new Error(`the demo tasks were not archived: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Opens the app at a view (`#/gallery?account=all`): first its launch URL, whose `#key=` the page keeps
 * for this tab, then the view's address, as a person's bookmark would be opened after it.
 */
export async function openAt(page: Page, app: AppUnderTest, hash: string): Promise<void> {
  // Once per tab: the key stays in its sessionStorage (a same-page hash change would not load the app).
  if (!page.url().startsWith(new URL(app.url).origin)) {
    await page.goto(app.url);
    await page.waitForFunction(() => !location.hash.startsWith('#key='));
  }
  await page.goto(`${new URL(app.url).origin}/${hash}`);
}

/**
 * The demo app with two seeded accounts and a Chromium for a test file: started before its tests,
 * closed after them. Read `app` and `browser` inside tests (they are set by then).
 */
export function useSeededApp(): { readonly app: AppUnderTest; readonly browser: Browser } {
  const seeded = {} as { app: AppUnderTest; browser: Browser };
  beforeAll(async () => {
    seeded.app = await startAppUnderTest('demo', { progression: 'per-poll' });
    seeded.browser = await launchChromium();
    await seedTwoAccounts(seeded.app);
  }, 120_000);
  afterAll(async () => {
    await seeded.browser?.close();
    await seeded.app?.close();
  });
  return seeded;
}
