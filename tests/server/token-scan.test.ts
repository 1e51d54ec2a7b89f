// No token in any contract output, event, error or log line: every method is called with tokens
// configured (typed in, stored, given at launch), including failures, and everything that came out
// of the process is searched for them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../src/shared/contract/names';
import { startSimulator, TOKENS } from '../../src/sim';
import type { RunningSimulator } from '../../src/sim';
import { createEngineDouble } from '../core/api/engine-double';
import { collectEvents, FIXTURE_TASK_ID, FIXTURE_WORK_ID, startHarness } from './harness';

const LAUNCH = TOKENS.multiB;
const SECRETS = [TOKENS.basic, TOKENS.multiA, LAUNCH, 'user:4242-TypedButRefused9'];
let sim: RunningSimulator;
let h: Awaited<ReturnType<typeof startHarness>>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  const engine = createEngineDouble();
  // An engine failure that quotes a token must not carry it out.
  engine.retryTask = async () => {
    throw new Error(`request with ${TOKENS.multiA} failed`);
  };
  h = await startHarness({ apiBase: sim.baseUrl, launchToken: LAUNCH, engine });
});
afterAll(async () => {
  await h.close();
  await sim.close();
});

it('no contract output, event, error, log line or settings file contains a token', async () => {
  const stream = collectEvents(h.server.port, h.server.secret);
  await stream.open;
  const outputs: string[] = [];
  const call = async (method: string, input: unknown) => {
    const { text } = await h.call(method, input);
    outputs.push(`${method} ${text}`);
    return JSON.parse(text);
  };
  const basic = await call('accounts.add', {
    email: 'creator@example.com',
    credentials: { token: TOKENS.basic },
  });
  const imported = await call('accounts.import', { credentials: { token: TOKENS.multiA } });
  await call('accounts.import', { credentials: { tokenId: 'launch' } });
  const list = await call('accounts.list', {});
  const inputs: Record<string, unknown> = {
    'app.info': {},
    'library.gallery': { account: 'all' },
    'library.seek': { account: 'all', position: 0 },
    'library.work': { workId: FIXTURE_WORK_ID },
    'library.facets': {},
    'library.stats': {},
    'library.setFavorite': { workId: FIXTURE_WORK_ID, favorite: true },
    'library.remove': { taskId: FIXTURE_TASK_ID, confirm: true },
    'library.verify': {},
    'library.rebuild': {},
    'library.openInFolder': { relativePath: 'x.mp4' },
    'library.startDrag': { relativePath: 'x.mp4' },
    'tasks.list': {},
    'tasks.add': { taskIds: ['5', 'x'] },
    'tasks.retry': { taskId: '5' },
    'tasks.cancel': { taskId: '5' },
    'tasks.redownload': { relativePath: 'a/b.mp4' },
    'tasks.syncHistory': {},
    'accounts.list': {},
    'accounts.add': { email: 'carol@example.com', credentials: { tokenId: 'launch' } },
    'accounts.update': { id: basic.id, label: 'Renamed', credentials: { token: TOKENS.basic } },
    'accounts.remove': { id: imported.added[1].id },
    'accounts.switch': { id: basic.id },
    'accounts.test': { credentials: { token: 'user:4242-TypedButRefused9' } },
    'accounts.import': { credentials: { token: 'user:4242-TypedButRefused9' } },
    'settings.get': {},
    'settings.update': { notifications: false },
    'settings.moveLibrary': { folder: path.join(h.dir, 'moved') },
  };
  for (const method of METHOD_NAMES) await call(method, inputs[method]);
  // Bad inputs that quote a token back must not echo it either.
  await call('accounts.add', { email: TOKENS.basic, credentials: { token: TOKENS.basic } });
  await call('accounts.update', { id: TOKENS.basic, label: 'x' });
  await call('tasks.add', { taskIds: [TOKENS.basic] });
  await stream.waitFor(3);
  stream.close();

  expect(list.tokens.map((t: { maskedToken: string }) => t.maskedToken)).toContain('user:3003…B5k2');
  const files = readdirSync(h.configDir)
    .filter((f) => f !== 'tokens.json')
    .map((f) => readFileSync(path.join(h.configDir, f), 'utf8'));
  const everything = [...outputs, ...stream.events.map((e) => e.raw), ...h.logs, ...files].join('\n');
  expect(outputs.length).toBeGreaterThan(METHOD_NAMES.length);
  expect(h.logs.length).toBeGreaterThan(0);
  for (const secret of SECRETS) expect(everything).not.toContain(secret);
  // The stored tokens are only in the owner-only tokens file.
  expect(statSync(path.join(h.configDir, 'tokens.json')).mode & 0o777).toBe(0o600);
});
