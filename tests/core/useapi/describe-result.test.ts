import { describe, expect, it } from 'vitest';
import { describeResult } from '../../../src/core/useapi';
import type { UseapiResult } from '../../../src/core/useapi';

const cases: Array<[UseapiResult<unknown>, RegExp]> = [
  [{ kind: 'ok', operation: 'getTask', status: 200, value: {}, raw: '{}' }, /^Reading the task succeeded\.$/],
  [
    {
      kind: 'invalid_id',
      operation: 'getTask',
      status: null,
      sent: false,
      message: 'The task id "x" is not valid.',
    },
    /not valid\. Nothing was sent\.$/,
  ],
  [
    {
      kind: 'invalid_id',
      operation: 'getTask',
      status: 400,
      sent: true,
      message: 'Invalid task_id parameter',
    },
    /refused the id: Invalid task_id parameter .*account email/,
  ],
  [
    { kind: 'invalid_input', operation: 'listTasks', status: null, field: 'email', message: 'Bad email.' },
    /^Bad email\. Nothing was sent\.$/,
  ],
  [
    { kind: 'bad_request', operation: 'getDownloadUrl', status: 400, message: 'Invalid parameters' },
    /^Asking for the watermark-free download failed: .*HTTP 400: Invalid parameters/,
  ],
  [
    { kind: 'unauthorized', operation: 'listAccounts', status: 401, message: 'Unauthorized' },
    /rejected the API token/,
  ],
  [
    { kind: 'payment_required', operation: 'getDownloadUrl', status: 402, message: 'Subscription required' },
    /subscription/,
  ],
  [
    { kind: 'not_found', operation: 'getTask', status: 404, message: 'Task not found' },
    /^The task was not found/,
  ],
  [{ kind: 'not_found', operation: 'listAccounts', status: 404, message: 'x' }, /No Kling account/],
  [
    { kind: 'not_found', operation: 'getAccount', status: 404, message: 'Account not found' },
    /not found \(HTTP 404: Account not found\)/,
  ],
  [
    { kind: 'rate_limited', operation: 'getTask', status: 429, message: 'x', retryAfterMs: 1500 },
    /wait 1\.5 s/,
  ],
  [{ kind: 'rate_limited', operation: 'getTask', status: 429, message: 'x' }, /Waiting before trying again/],
  [
    { kind: 'server_error', operation: 'listTasks', status: 502, message: 'HTTP 502' },
    /^Reading the generation history failed: .*HTTP 502/,
  ],
  [
    { kind: 'unexpected_status', operation: 'getTask', status: 302, message: 'HTTP 302' },
    /unexpected HTTP status 302/,
  ],
  [
    {
      kind: 'network_error',
      operation: 'getTask',
      status: null,
      code: 'ECONNREFUSED',
      message: 'the connection was refused',
    },
    /failed: the connection was refused\. Check/,
  ],
  [
    { kind: 'timeout', operation: 'getAccount', status: null, timeoutMs: 30_000, message: 'x' },
    /^Reading the Kling account timed out: .*30 s\.$/,
  ],
  [
    { kind: 'aborted', operation: 'listAccounts', status: null, message: 'x' },
    /^Listing the Kling accounts was cancelled\.$/,
  ],
  [
    {
      kind: 'malformed',
      operation: 'getTask',
      status: 200,
      problem: 'at works[0].workId: expected a numeric id',
      message: 'x',
    },
    /could not be read \(at works\[0\]\.workId/,
  ],
];

describe('describeResult', () => {
  it.each(cases)('%j', (result, sentence) => {
    expect(describeResult(result)).toMatch(sentence);
  });
});
