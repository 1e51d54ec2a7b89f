// The Tasks view: an id useapi.net does not know stays on top, saying so and when it is asked again;
// a task refused for its prompt says retrying cannot help; a generating task shows the ETA the API
// gives, counting down on its own.
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, STUDIO, useSeededApp, openAt } from './support/seeded-accounts';

const seeded = useSeededApp();

describe('the Tasks view', () => {
  it('keeps an id that was never found on top, with when it is checked again', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/tasks`);
    await page.getByTestId('task-status').first().waitFor();
    await page.getByTestId('task-ids').fill('7399999999');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('add-report').getByText('1 accepted').waitFor();
    // Once polled (the simulator answers 404), it says so, first in the list.
    const first = page.locator('[data-testid=task-list] > li').first();
    await first.getByTestId('not-found-yet').waitFor({ timeout: 20_000 });
    expect(await first.getAttribute('data-task-id')).toBe('7399999999');
    expect(await first.getByTestId('task-status').textContent()).toBe('Not found yet');
    expect(await first.getByTestId('not-found-yet').textContent()).toMatch(/Checking again (in|now)/);
    // Every other task is there once, below it.
    const ids = await page
      .locator('[data-testid=task-list] > li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-task-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('7300000001');
    await page.close();
  });

  it('says that a task refused for its prompt cannot be retried, instead of offering Retry', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/tasks`);
    // The demo's boxer: Kling's moderation refuses it (status 7).
    await page.getByTestId('task-ids').fill('7300000007');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('[data-task-id="7300000007"]');
    await row.getByTestId('task-status').getByText('Failed').waitFor({ timeout: 30_000 });
    await row.getByTestId('prompt-verdict').waitFor();
    expect(await row.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.close();
  }, 45_000);

  it('shows the ETA while a task generates, counting down with time without asking the core again', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The page's clock runs on from now; fastForward moves it (and its timers) ahead.
    await page.clock.install();
    await openAt(page, seeded.app, `#/tasks`);
    // Generating, due in 110 s: the engine's next look waits for the ETA, so the answer stays this one.
    seeded.app.simulator.addTask({
      token: DEMO_TOKEN,
      email: STUDIO,
      id: '7300000201',
      kind: 'txt2video',
      initialState: 'processing',
      stepMs: 110_000,
    });
    await page.getByTestId('task-ids').fill('7300000201');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('[data-task-id="7300000201"]');
    await row.getByTestId('task-status').getByText('Generating').waitFor({ timeout: 20_000 });
    const eta = row.getByTestId('task-eta');
    await eta.getByText('· about 2 min left').waitFor();

    const listCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/tasks.list')) listCalls.push(request.url());
    });
    await page.clock.fastForward('01:00');
    await eta.getByText('· about 1 min left').waitFor();
    await page.clock.fastForward('01:00');
    await eta.getByText('· any moment now').waitFor();
    expect(listCalls).toEqual([]);
    await page.close();
  }, 45_000);
});
