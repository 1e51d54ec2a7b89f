import { describe, expect, it } from 'vitest';
import { isIdKey, parseExactJson, stringifyExact } from '../../../src/shared/useapi/exact-json';

describe('parseExactJson', () => {
  it('keeps ids beyond 2^53 digit for digit', () => {
    const text =
      '{"task":{"id":9007199254740993,"userId":18446744073709551615},"works":[{"workId":123456789012345678901234567890}]}';
    expect(parseExactJson(text)).toEqual({
      task: { id: '9007199254740993', userId: '18446744073709551615' },
      works: [{ workId: '123456789012345678901234567890' }],
    });
    // What plain JSON.parse would have done: the reason this module exists.
    expect(String((JSON.parse(text) as { task: { id: number } }).task.id)).not.toBe('9007199254740993');
  });

  it('turns small ids into strings too, so every id has one type', () => {
    expect(parseExactJson('{"id":1,"workItemId":0,"fromWorkId":null}')).toEqual({
      id: '1',
      workItemId: '0',
      fromWorkId: null,
    });
  });

  it('reads id arrays element by element', () => {
    expect(parseExactJson('{"workIds":[9007199254740993,2]}')).toEqual({
      workIds: ['9007199254740993', '2'],
    });
  });

  it('leaves other numbers as numbers and keeps an unsafe one as its exact text', () => {
    expect(
      parseExactJson('{"duration":5041,"ratio":1.5,"neg":-3,"e":1e3,"huge":123456789012345678901}'),
    ).toEqual({
      duration: 5041,
      ratio: 1.5,
      neg: -3,
      e: 1000,
      huge: '123456789012345678901',
    });
  });

  it('keeps ids given as strings unchanged, and strings that look like numbers stay strings', () => {
    expect(parseExactJson('{"id":"77","prompt":"12345678901234567890"}')).toEqual({
      id: '77',
      prompt: '12345678901234567890',
    });
  });

  it('handles unicode, escapes and nesting like JSON.parse', () => {
    const text = '{"a":"caf\\u00e9 \\ud83c\\udfac \\"q\\" \\\\","b":[true,false,null,{"c":[]}],"d":{}}';
    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  it.each(['', '{', '{"a":1,}', '[1 2]', '{"a":01}', 'nul', '{"a":"\u0001"}', '{"a":1}x', "{'a':1}"])(
    'rejects invalid JSON %j with a SyntaxError',
    (text) => {
      expect(() => parseExactJson(text)).toThrow(SyntaxError);
    },
  );
});

describe('isIdKey', () => {
  it.each(['id', 'userId', 'workId', 'taskId', 'fromWorkId', 'fromUploadId', 'workItemId', 'workIds'])(
    '%s is an id',
    (key) => {
      expect(isIdKey(key)).toBe(true);
    },
  );
  it.each(['valid', 'paid', 'width', 'Id', 'identity', 'idle', 'duration', 'resourceKey'])(
    '%s is not an id',
    (key) => {
      expect(isIdKey(key)).toBe(false);
    },
  );
});

describe('stringifyExact', () => {
  it('writes ids back as raw JSON numbers', () => {
    const value = {
      task: { id: '9007199254740993', type: 'm2v' },
      works: [{ workId: '18446744073709551615', duration: 5 }],
    };
    const text = stringifyExact(value);
    expect(text).toBe(
      '{"task":{"id":9007199254740993,"type":"m2v"},"works":[{"workId":18446744073709551615,"duration":5}]}',
    );
    expect(parseExactJson(text)).toEqual(value);
  });

  it('leaves a non-numeric id string quoted rather than writing invalid JSON', () => {
    expect(stringifyExact({ id: 'abc' })).toBe('{"id":"abc"}');
  });
});
