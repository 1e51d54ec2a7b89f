// No token in any contract output, event, error or log line: every method is called with tokens
// configured (typed in, stored, given at launch), including failures, and everything that came out
// of the process is searched for them, in every form: as is, upper/lower case, URL-encoded, base64.
// The tokens are NOT user:-shaped, so no pattern scrubs them: only redaction by value can.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../src/shared/contract/names';
import { ContractError } from '../../src/shared/contract';
import { startSimulator } from '../../src/sim';
import type { RunningSimulator } from '../../src/sim';
import { createEngineDouble } from '../core/api/engine-double';
import { collectEvents, FIXTURE_TASK_ID, FIXTURE_WORK_ID, startHarness } from './harness';

const STORED = 'Kx9q.Opaque-Stored~Tok3n';
const MULTI = 'Mw4z.Opaque-Multi~Tok3n77';
const LAUNCH = 'Lz7p.Opaque-Launch~Tok3n5';
const REFUSED = 'Rf2k.Typed-But-Refused~99';
const SECRETS = [STORED, MULTI, LAUNCH, REFUSED];
/** Every form a token could be echoed in. */
const forms = (token: string) => [
  token,
  token.toUpperCase(),
  token.toLowerCase(),
  encodeURIComponent(token),
  encodeURIComponent(token).toLowerCase(),
  Buffer.from(token).toString('base64').replace(/=+$/, ''),
  Buffer.from(token).toString('base64url'),
  // Inside a longer base64 text (a Basic header), at another alignment.
  Buffer.from(`Basic x:${token}`).toString('base64'),
];
/** What must not be found: each form, and the token's part of the Basic header's base64. */
const traces = (token: string) => [
  ...forms(token),
  Buffer.from(`Basic x:${token}`).toString('base64').slice(12, -8),
];
let sim: RunningSimulator;
let h: Awaited<ReturnType<typeof startHarness>>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  sim.addAccount(STORED, 'creator@example.com');
  sim.addAccount(MULTI, 'multi-one@example.com');
  sim.addAccount(MULTI, 'multi-two@example.com');
  sim.addAccount(LAUNCH, 'launch@example.com');
  const engine = createEngineDouble();
  // An engine failure that quotes a token, in every form, must not carry it out.
  engine.retryTask = async () => {
    throw new Error(`request with ${forms(MULTI).join(' / ')} failed`);
  };
  engine.cancelTask = async () => {
    throw new ContractError('unavailable', `upstream said ${forms(STORED).join(' ')}`);
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
    credentials: { token: STORED },
  });
  const imported = await call('accounts.import', { credentials: { token: MULTI } });
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
    'accounts.update': { id: basic.id, label: 'Renamed', credentials: { token: STORED } },
    'accounts.remove': { id: imported.added[1].id },
    'accounts.switch': { id: basic.id },
    'accounts.test': { credentials: { token: REFUSED } },
    'accounts.import': { credentials: { token: REFUSED } },
    'settings.get': {},
    'settings.update': { notifications: false },
    'settings.moveLibrary': { folder: path.join(h.dir, 'moved') },
  };
  for (const method of METHOD_NAMES) await call(method, inputs[method]);
  // Bad inputs that quote a token back must not echo it either.
  await call('accounts.add', { email: STORED, credentials: { token: STORED } });
  await call('accounts.update', { id: STORED, label: 'x' });
  await call('tasks.add', { taskIds: [STORED, STORED.toUpperCase(), encodeURIComponent(STORED)] });
  await stream.waitFor(3);
  stream.close();
  // The harness's logger is made like the CLI's and the demo's, before any token is known.
  h.api.log.warn(`a line quoting ${forms(LAUNCH).join(' ')}`);

  expect(list.tokens.map((t: { maskedToken: string }) => t.maskedToken)).toContain('Lz7p…k3n5');
  const files = readdirSync(h.configDir)
    .filter((f) => f !== 'tokens.json')
    .map((f) => readFileSync(path.join(h.configDir, f), 'utf8'));
  const everything = [...outputs, ...stream.events.map((e) => e.raw), ...h.logs, ...files].join('\n');
  expect(outputs.length).toBeGreaterThan(METHOD_NAMES.length);
  expect(h.logs.length).toBeGreaterThan(0);
  for (const secret of SECRETS) {
    for (const form of traces(secret)) expect(everything, `${secret} as ${form}`).not.toContain(form);
  }
  // The echoes did happen (and were scrubbed): the scan is looking at the right text.
  expect(everything).toContain(`request with ${'Mw4z…3n77'}`);
  // The stored tokens are only in the owner-only tokens file.
  expect(statSync(path.join(h.configDir, 'tokens.json')).mode & 0o777).toBe(0o600);
});
