// Settings as a person meets them: edits kept across views, faults in words and once, and nothing
// shown that does not apply here (notifications in a browser) or not said so (the demo's pace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startDemo } from '../../src/server/commands/demo';
import type { DemoHandle } from '../../src/server/commands/demo';
import { ensureRendererBuilt, RENDERER_DIR } from './support/app-under-test';
import { axeViolations } from './support/axe';
import { launchChromium } from './support/browser';
import { useSeededApp, openAt, DEMO_TOKEN, SKETCHES, STUDIO } from './support/seeded-accounts';

const seeded = useSeededApp();

describe('Settings', () => {
  it('keeps unsaved edits across views and says a fault in words, once', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/settings`);
    const interval = page.getByLabel('Check a running task at most once every (seconds)');
    await interval.waitFor();
    await interval.fill('42');
    await page.getByTestId('unsaved').waitFor();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByLabel('Check a running task at most once every (seconds)').inputValue()).toBe(
      '42',
    );
    await page.getByTestId('unsaved').waitFor();

    // An empty number: the fault in the form's own words, said once.
    await page.getByLabel('Check a running task at most once every (seconds)').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.locator('form [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Check a running task at most once every (seconds): enter a number.',
    );
    expect(await page.locator('.toast').count()).toBe(0);

    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByTestId('unsaved').waitFor({ state: 'detached' });
    // Notifications cannot reach a browser tab from here: the option is not offered.
    expect(await page.getByText('Notify me when a task finishes or fails').count()).toBe(0);
    // Not the demo: every setting shown applies, and none says otherwise.
    expect(await page.getByTestId('setting-overridden').count()).toBe(0);
    await page.close();
  });

  it('sends the found accounts ticked, in the order they were found, and none when none is ticked', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/settings`);
    await page.getByTestId('token').fill(DEMO_TOKEN);
    await page.getByRole('button', { name: 'Find accounts' }).click();
    const found = page.getByRole('group', { name: /Kling accounts under/ });
    const studio = found.getByRole('checkbox', { name: STUDIO });
    const sketches = found.getByRole('checkbox', { name: SKETCHES });
    await studio.waitFor();
    expect([await studio.isChecked(), await sketches.isChecked()]).toEqual([true, true]);
    // Unticked both, nothing is left to add; ticked again the other way round, the found order stays.
    await studio.uncheck();
    await sketches.uncheck();
    expect(await page.getByRole('button', { name: 'Add account' }).isDisabled()).toBe(true);
    await sketches.check();
    await studio.check();
    await studio.uncheck();
    await studio.check();
    await page.getByRole('button', { name: 'Add account' }).click();
    // Both are here already (seeded): the notice names exactly the ones sent, in the found order.
    await page.locator('.toast').getByText(`Already here: ${STUDIO}, ${SKETCHES}`).waitFor();
    await page.close();
  });
});

describe('Settings in the demo', () => {
  let demo: DemoHandle;
  let browser: Browser;
  beforeAll(async () => {
    ensureRendererBuilt();
    demo = await startDemo({
      port: 0,
      version: '0.0.0-e2e',
      rendererDir: RENDERER_DIR,
      io: { out() {}, err() {} },
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('says beside each setting the demo overrides what it does instead', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(demo.url);
    await page.waitForFunction(() => !location.hash.startsWith('#key='));
    await page.goto(`${new URL(demo.url).origin}/#/settings`);
    const interval = page.getByLabel('Check a running task at most once every (seconds)');
    await interval.waitFor();
    // The note is the field's description, so a screen reader says it with the field.
    expect(await page.getByRole('spinbutton', { description: /Not used in the demo/ }).count()).toBe(3);
    const notes = await page.getByTestId('setting-overridden').allTextContents();
    expect(notes.map((note) => note.replace(/\s+/g, ' ').trim())).toEqual([
      'Not used in the demo, which checks a running task every 3 s.',
      'Not used in the demo, which sends up to 600 requests a minute per account.',
      'Not used in the demo, which looks for new generations every 5 s.',
    ]);
    // The fields the demo leaves alone say nothing.
    expect(
      await page.getByLabel('Give up on unfinished tasks after (hours)').getAttribute('aria-describedby'),
    ).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
