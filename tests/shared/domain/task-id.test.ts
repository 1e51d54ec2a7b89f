// The one task-id rule: digits, 1 to 20 of them, at most 2^64−1, compared as text; one reason each.
import { describe, expect, it } from 'vitest';
import { describeRefusal, judgeTaskId, judgeTaskIds, MAX_TASK_ID } from '../../../src/shared/domain/task-id';
import { parseTaskIdInput } from '../../../src/shared/domain/task-id-input';
import { TaskIdSchema } from '../../../src/shared/contract';

describe('judgeTaskId', () => {
  it('accepts digits up to 2^64−1, exactly, never through a number', () => {
    expect(MAX_TASK_ID).toBe((2n ** 64n - 1n).toString());
    for (const id of ['1', '0', '123456789', '9007199254740993', MAX_TASK_ID, ` ${MAX_TASK_ID}\n`]) {
      expect(judgeTaskId(id)).toEqual({ ok: true, id: id.trim() });
    }
  });

  it.each([
    ['abc', 'abc: not a number'],
    ['12a4', '12a4: not a number'],
    ['1.5', '1.5: not a whole number'],
    ['1.5e3', '1.5e3: not a whole number'],
    ['1e5', '1e5: not a whole number'],
    ['-5', '-5: a task id has no sign'],
    ['', '(empty): empty'],
    [
      '18446744073709551616',
      '18446744073709551616: larger than a task id can be (at most 18446744073709551615)',
    ],
    [
      '99999999999999999999',
      '99999999999999999999: larger than a task id can be (at most 18446744073709551615)',
    ],
    ['123456789012345678901', '123456789012345678901: longer than a task id can be'],
    ['1'.repeat(45), `${'1'.repeat(24)}…: longer than a task id can be`],
  ])('%j → %s', (entry, line) => {
    const verdict = judgeTaskId(entry);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(describeRefusal(verdict)).toBe(line);
  });

  it('a batch judges each distinct entry once', () => {
    expect(judgeTaskIds(['123', 'abc', '123', 'abc', '1.5', '456'])).toEqual({
      ids: ['123', '456'],
      refused: [
        { entry: 'abc', reason: 'not a number' },
        { entry: '1.5', reason: 'not a whole number' },
      ],
      repeated: ['123'],
    });
  });

  it('the contract schema uses the same rule and names the reason', () => {
    expect(TaskIdSchema.safeParse('18446744073709551615').success).toBe(true);
    const refused = TaskIdSchema.safeParse('18446744073709551616');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/larger than a task id can be/);
  });
});

describe('what the Tasks view shows as you type', () => {
  it('names a lone word and a fraction, each once', () => {
    expect(parseTaskIdInput('abc').refused).toEqual([{ entry: 'abc', reason: 'not a number' }]);
    const list = parseTaskIdInput('1.5\n1.5 123456789\n' + '7'.repeat(45));
    expect(list.ids).toEqual(['123456789']);
    expect(list.refused.map(describeRefusal)).toEqual([
      '1.5: not a whole number',
      `${'7'.repeat(24)}…: longer than a task id can be`,
    ]);
  });

  it('does not refuse the words of a sentence around an id', () => {
    const parsed = parseTaskIdInput('please archive 123456789012 today');
    expect(parsed.ids).toEqual(['123456789012']);
    expect(parsed.refused).toEqual([]);
  });
});
