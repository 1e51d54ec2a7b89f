// One rule for how a task counts, shared by the CLI's summary, its --json and the Tasks view.
import { describe, expect, it } from 'vitest';
import { summarizeOutcomes, taskOutcome } from '../../../src/shared/domain/task-outcome';

const base = { final: true, phase: 'succeeded', filesTotal: 3, filesDone: 3, filesFailed: 0, error: null };

describe('taskOutcome', () => {
  it('archived only when succeeded with every file', () => {
    expect(taskOutcome(base)).toBe('archived');
    expect(taskOutcome({ ...base, filesDone: 2 })).toBe('waiting');
    expect(taskOutcome({ ...base, filesDone: 2, filesFailed: 1 })).toBe('problem');
    expect(
      taskOutcome({ ...base, filesDone: 1, error: 'The disk is full: the partial file was removed' }),
    ).toBe('problem');
    expect(taskOutcome({ ...base, phase: 'failed', filesTotal: 0, filesDone: 0 })).toBe('problem');
    expect(taskOutcome({ ...base, final: false, phase: 'running', filesTotal: 0, filesDone: 0 })).toBe(
      'waiting',
    );
  });
});

describe('summarizeOutcomes', () => {
  it('says the counts and the distinct reasons, once each', () => {
    const full = 'The disk is full: the partial file was removed';
    expect(
      summarizeOutcomes([
        { outcome: 'problem', reason: `2 file(s) could not be archived: ${full}` },
        { outcome: 'problem', reason: full },
      ]).text,
    ).toBe('2 tasks: 0 archived, 2 with problems (disk full)');
    expect(
      summarizeOutcomes([
        { outcome: 'archived', reason: null },
        { outcome: 'problem', reason: 'The prompt contains sensitive words' },
        { outcome: 'waiting', reason: null },
      ]),
    ).toEqual({
      tasks: 3,
      archived: 1,
      withProblems: 1,
      waiting: 1,
      reasons: ['The prompt contains sensitive words'],
      text: '3 tasks: 1 archived, 1 with problems (The prompt contains sensitive words), 1 still waiting',
    });
    expect(summarizeOutcomes([{ outcome: 'archived', reason: null }]).text).toBe(
      '1 task: 1 archived, 0 with problems',
    );
  });
});
