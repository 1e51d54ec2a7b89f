import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseAccountsResponse,
  parseAssetDownloadResponse,
  parseErrorBody,
  parseHistoryResponse,
  parseTaskResponse,
  parseExactJson,
  readTaskFacts,
  stringifyExact,
} from '../../../src/shared/useapi';

const exampleText = readFileSync(
  new URL('../../fixtures/useapi/get-task-example.json', import.meta.url),
  'utf8',
);

/** The JSON value with every `null` object member left out (what "null means absent" reads). */
function withoutNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== null)
      .map(([key, member]) => [key, withoutNullMembers(member)]),
  );
}

function mustParse(text: string) {
  const result = parseTaskResponse(text);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
}

describe('the reference page example response', () => {
  it('parses, with every id an exact string', () => {
    const response = mustParse(exampleText);
    expect(response.status).toBe(99);
    expect(response.task?.id).toBe('123456789');
    expect(response.task?.userId).toBe('12345');
    expect(response.works?.[0]?.workId).toBe('123456789');
    expect(response.works?.[0]?.taskId).toBe('123456789');
    expect(response.works?.[0]?.resource?.resource).toMatch(/\.mp4$/);
    expect(response.works?.[0]?.cover?.width).toBe(724);
    // null means absent: the model reads the page's `fromUploadId: null` as no upload.
    expect(response.works?.[0]?.taskInfo?.inputs?.[0]?.fromUploadId).toBeUndefined();
  });

  it('round-trips: writing it back gives the original JSON value, less the nulls read as absent', () => {
    const response = mustParse(exampleText);
    expect(JSON.parse(stringifyExact(response))).toEqual(withoutNullMembers(JSON.parse(exampleText)));
  });

  it('keeps fields the model does not know', () => {
    const response = mustParse(exampleText);
    // starNum etc. are modelled; selfAttitude too; these are not:
    const raw = JSON.parse(exampleText) as { works: Array<Record<string, unknown>> };
    expect(raw.works[0]?.['cloneCount']).toBe(0);
    const withExtra = mustParse(
      exampleText.replace(
        '"status": 99,',
        '"status": 99, "futureField": {"nested": [1, 2]}, "bigCount": 12345678901234567890,',
      ),
    );
    expect(withExtra['futureField']).toEqual({ nested: [1, 2] });
    expect(withExtra['bigCount']).toBe('12345678901234567890');
    expect(response.works?.[0]?.['selfComment']).toEqual({ rate: 0, tags: [], content: '', prompts: [] });
  });

  it('reads the prompt, duration, model version and input image', () => {
    expect(readTaskFacts(mustParse(exampleText))).toEqual({
      prompt: 'A person dancing',
      negativePrompt: null,
      duration: '5',
      modelVersion: '2.0',
      inputUrls: ['https://s21-kling.klingai.com/....jpg'],
    });
  });
});

describe('ids beyond 2^53', () => {
  it('survive parse and stringify exactly', () => {
    const big = exampleText
      .replaceAll('"id": 123456789', '"id": 9007199254740993')
      .replaceAll('"workId": 123456789', '"workId": 1234567890123456789012')
      .replaceAll('"taskId": 123456789', '"taskId": 9007199254740993');
    const response = mustParse(big);
    expect(response.task?.id).toBe('9007199254740993');
    expect(response.works?.[0]?.workId).toBe('1234567890123456789012');
    expect(stringifyExact(response)).toContain('"workId":1234567890123456789012');
  });
});

describe('everything but the facts we need is optional', () => {
  it.each([
    '{"status":5,"task":{"id":1}}',
    '{"status_name":"submitted","task":{"id":1,"taskInfo":{}},"works":null}',
    '{"task":{"id":1,"status_final":false}}',
    '{"works":[{"taskId":1,"status":10}]}',
    '{"status":99,"task":{"id":1},"works":[{"workId":2,"resource":{"resource":"https://x/y.mp4"}}]}',
    '{"status":6,"status_final":true,"task":{"id":1},"works":[{}]}',
  ])('%s parses', (text) => {
    expect(parseTaskResponse(text).ok).toBe(true);
  });

  it.each([
    ['{}', 'at status: the answer has no status (status, status_name or status_final)'],
    [
      '{"status":null,"task":{"id":1}}',
      'at status: the answer has no status (status, status_name or status_final)',
    ],
    ['{"status":5}', 'at task.id: the answer does not say which task it is about'],
    ['{"status":5,"task":null,"works":null}', 'at task.id: the answer does not say which task it is about'],
    ['{"status":99,"task":{"id":1},"works":[{}]}', 'at works[0].workId: a succeeded work has no id'],
    [
      '{"status":99,"task":{"id":1},"works":[{"workId":2,"resource":null}]}',
      'at works[0].resource.resource: a succeeded work has no result URL',
    ],
    [
      '{"task":{"id":1},"works":[{"workId":2,"status":99,"resource":{"resource":""}}]}',
      'at works[0].resource.resource: a succeeded work has no result URL',
    ],
  ])('%s is malformed: %s', (text, problem) => {
    expect(parseTaskResponse(text)).toEqual({ ok: false, problem });
  });
});

describe('malformed responses', () => {
  it('names the problem and its path', () => {
    expect(parseTaskResponse('{"works":[{"workId":"12a"}]}')).toEqual({
      ok: false,
      problem: 'at works[0].workId: expected a numeric id',
    });
    const wrongType = parseTaskResponse('{"status":"ninety-nine"}');
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.problem).toMatch(/^at status: /);
    const fractionalId = parseTaskResponse('{"task":{"id":1.5}}');
    expect(fractionalId).toEqual({ ok: false, problem: 'at task.id: expected a numeric id' });
  });

  it('says when the body is not JSON', () => {
    const result = parseTaskResponse('<html>502 Bad Gateway</html>');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/^not JSON/);
  });

  it('rejects a non-object top level', () => {
    expect(parseTaskResponse('[]').ok).toBe(false);
    expect(parseTaskResponse('null').ok).toBe(false);
  });
});

describe('the other calls', () => {
  it('error bodies', () => {
    expect(parseErrorBody('{"error":"Unauthorized","code":401}')).toEqual({
      ok: true,
      value: { error: 'Unauthorized', code: 401 },
    });
    expect(parseErrorBody('{"error":"Task not found"}')).toEqual({
      ok: true,
      value: { error: 'Task not found' },
    });
  });

  it('accounts, with session user ids exact', () => {
    const text =
      '{"a@example.com":{"email":"a@example.com","session":{"userId":9007199254740993,"ExpireTime":1744858514499,"ExpireTimeUTC":"2025-04-17"},"maxJobs":5,"password":"…secured…"}}';
    const result = parseAccountsResponse(text);
    expect(result.ok && result.value['a@example.com']?.session?.userId).toBe('9007199254740993');
  });

  it('history pages hold task responses', () => {
    const text = `{"history":[${exampleText},{"works":[{"workId":5}]}]}`;
    const result = parseHistoryResponse(text);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.history).toHaveLength(2);
      expect(result.value.history[1]?.works?.[0]?.workId).toBe('5');
    }
    expect(parseHistoryResponse('{"items":[]}')).toEqual({
      ok: false,
      problem: 'at history: Invalid input: expected array, received undefined',
    });
  });

  it('assets/download', () => {
    expect(parseAssetDownloadResponse('{"cdnUrl":"https://cdn/x.mp4","status":"success"}').ok).toBe(true);
    expect(parseAssetDownloadResponse('{"status":"success"}').ok).toBe(false);
  });

  it('parseExactJson and the parsers agree', () => {
    expect(withoutNullMembers(parseExactJson(exampleText))).toEqual(mustParse(exampleText));
  });
});
