// Bad inputs are refused with a clear result and not one request reaches the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUseapiClient, describeResult } from '../../../src/core/useapi';
import type { UseapiClient, UseapiResult } from '../../../src/core/useapi';
import { sendJson, startLocalServer } from './local-server';
import type { LocalServer } from './local-server';

let server: LocalServer;
let client: UseapiClient;

beforeAll(async () => {
  server = await startLocalServer((_req, res) => sendJson(res, 200, '{}'));
  client = createUseapiClient({ baseUrl: server.baseUrl, token: 'user:1-validation' });
});
afterAll(() => server.close());

function expectRefused(result: UseapiResult<unknown>, kind: 'invalid_id' | 'invalid_input', message: RegExp) {
  expect(result.kind).toBe(kind);
  if (result.kind !== kind) return;
  expect(result.status).toBeNull();
  expect(result.message).toMatch(message);
  expect(describeResult(result)).toMatch(/Nothing was sent\.$/);
}

describe('input validation', () => {
  it.each([
    ['', /not valid/],
    ['12a', /not valid/],
    [' 123', /not valid/],
    ['-1', /not valid/],
    ['1e5', /not valid/],
    ['0x1F', /not valid/],
    ['../accounts', /not valid/],
    ['1'.repeat(41), /not valid/],
    ['١٢٣', /not valid/], // Arabic-Indic digits are not ASCII digits
  ])('getTask refuses the id %j', async (id, message) => {
    expectRefused(await client.getTask(id), 'invalid_id', message);
  });

  it('getTask refuses a number id, saying to pass a string', async () => {
    const result = await client.getTask(123456789 as unknown as string);
    expectRefused(result, 'invalid_id', /Pass ids as strings/);
  });

  it.each([undefined, null, {}])('getTask refuses %j as an id', async (id) => {
    expectRefused(await client.getTask(id as unknown as string), 'invalid_id', /not valid/);
  });

  it.each(['', 'nobody', 'a@b', 'a b@c.d', 'a@b.c\n', '@b.c', `${'x'.repeat(250)}@b.cd`])(
    'refuses the email %j on every call that takes one',
    async (email) => {
      expectRefused(await client.getTask('1', email), 'invalid_input', /not an email/);
      expectRefused(await client.getAccount(email), 'invalid_input', /not an email/);
      expectRefused(await client.listTasks(email), 'invalid_input', /not an email/);
      expectRefused(await client.getDownloadUrl(email, ['1'], 'MP4'), 'invalid_input', /not an email/);
    },
  );

  it('listTasks refuses createdBefore together with createdAfter', async () => {
    const result = await client.listTasks('a@b.co', { createdBefore: 2, createdAfter: 1 });
    expectRefused(result, 'invalid_input', /cannot be combined/);
    if (result.kind === 'invalid_input') expect(result.field).toBe('createdBefore');
  });

  it.each([
    [{ pageSize: 0 }, /page size/],
    [{ pageSize: 1.5 }, /page size/],
    [{ pageSize: 5000 }, /page size/],
    [{ createdBefore: -1 }, /createdBefore/],
    [{ createdAfter: Number.NaN }, /createdAfter/],
    [{ createdBefore: 2 ** 60 }, /createdBefore/],
    [{ contentType: 'video&x=1' }, /content type/],
  ])('listTasks refuses %j', async (query, message) => {
    expectRefused(await client.listTasks('a@b.co', query), 'invalid_input', message);
  });

  it.each([
    [[], /At least one work id/],
    [[''], /not valid/],
    [['1', 'x'], /"x" is not valid/],
    [[1], /Pass ids as strings/],
    ['123', /At least one work id/],
  ])('getDownloadUrl refuses the work ids %j', async (workIds, message) => {
    const result = await client.getDownloadUrl('a@b.co', workIds as unknown as string[], 'MP4');
    expectRefused(result, 'invalid_id', message);
  });

  it.each(['mp4', 'JPG', '', 'MP4,PNG'])('getDownloadUrl refuses the file type %j', async (fileType) => {
    const result = await client.getDownloadUrl('a@b.co', ['1'], fileType as 'MP4');
    expectRefused(result, 'invalid_input', /file type/);
  });

  it('made no request at all for any of the refused calls', () => {
    expect(server.requests).toEqual([]);
  });

  it('an already-aborted signal sends nothing either', async () => {
    const result = await client.getTask('1', undefined, { signal: AbortSignal.abort() });
    expect(result.kind).toBe('aborted');
    expect(describeResult(result)).toBe('Reading the task was cancelled.');
    expect(server.requests).toEqual([]);
  });

  it('refuses a task id above 2^64−1 before sending, with the reason', async () => {
    const before = server.requests.length;
    const result = await client.getTask('18446744073709551616', 'a@example.com');
    expect(result).toMatchObject({ kind: 'invalid_id', sent: false });
    if (result.kind === 'invalid_id') expect(result.message).toMatch(/larger than a task id can be/);
    expect(server.requests.length).toBe(before);
  });

  it('accepts ids far beyond 2^53 and sends them digit for digit', async () => {
    const id = '18446744073709551615';
    await client.getTask(id, 'Some.One+tag@example.co');
    expect(server.requests.at(-1)?.url).toBe(`/v1/kling/tasks/${id}?email=Some.One%2Btag%40example.co`);
  });
});
