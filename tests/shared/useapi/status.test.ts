import { describe, expect, it } from 'vitest';
import { interpretStatus } from '../../../src/shared/useapi/status';

describe('interpretStatus', () => {
  it.each([
    [{ status: 5, status_name: 'submitted', status_final: false }, 'queued', false, null],
    [{ status: 10, status_name: 'processing', status_final: false }, 'running', false, null],
    [{ status: 99, status_name: 'succeed', status_final: true }, 'succeeded', true, null],
    [{ status: 6, status_name: 'failed', status_final: true }, 'failed', true, 'Generation failed'],
    [
      { status: 7, status_name: 'failed', status_final: true },
      'failed',
      true,
      'The prompt contains sensitive words',
    ],
    [
      { status: 9, status_name: 'failed', status_final: true },
      'failed',
      true,
      'Change the prompt and try again',
    ],
    [
      { status: 50, status_name: 'failed', status_final: true },
      'failed',
      true,
      'Change the prompt and try again',
    ],
  ])('%j → %s', (response, phase, final, reason) => {
    expect(interpretStatus(response)).toEqual({
      phase,
      final,
      status: response.status,
      statusName: response.status_name,
      reason,
    });
  });

  it('an unknown final number is a failure that names the number, and never throws', () => {
    expect(interpretStatus({ status: 53, status_name: 'failed', status_final: true })).toMatchObject({
      phase: 'failed',
      final: true,
      reason: 'Generation failed (status 53)',
    });
    expect(interpretStatus({ status: 58, status_final: true })).toMatchObject({
      phase: 'failed',
      final: true,
    });
  });

  it('an unknown non-final number keeps the task followed', () => {
    expect(interpretStatus({ status: 12, status_final: false })).toMatchObject({
      phase: 'running',
      final: false,
    });
    expect(interpretStatus({ status: 12 })).toMatchObject({ phase: 'running', final: false });
  });

  it('decides on status_final and status_name before the number', () => {
    // The number says succeeded; the service says it is not final yet.
    expect(interpretStatus({ status: 99, status_name: 'processing', status_final: false })).toMatchObject({
      phase: 'running',
      final: false,
    });
    expect(interpretStatus({ status: 10, status_name: 'succeed', status_final: true })).toMatchObject({
      phase: 'succeeded',
      final: true,
    });
    expect(interpretStatus({ status: 99, status_name: 'succeed', status_final: false })).toMatchObject({
      phase: 'running',
      final: false,
    });
    // Final, yet named as running: it will not finish.
    expect(interpretStatus({ status: 10, status_name: 'processing', status_final: true })).toMatchObject({
      phase: 'failed',
      final: true,
    });
  });

  it('uses the numbers when names are missing', () => {
    expect(interpretStatus({ status: 99 })).toMatchObject({ phase: 'succeeded', final: true });
    expect(interpretStatus({ status: 7 })).toMatchObject({
      phase: 'failed',
      final: true,
      reason: 'The prompt contains sensitive words',
    });
    expect(interpretStatus({ status: 5 })).toMatchObject({ phase: 'queued', final: false });
  });

  it('falls back to the task part when the top level has no status', () => {
    expect(
      interpretStatus({ task: { status: 99, status_name: 'succeed', status_final: true } }),
    ).toMatchObject({ phase: 'succeeded' });
  });

  it('an empty response is a task still running', () => {
    expect(interpretStatus({})).toEqual({
      phase: 'running',
      final: false,
      status: null,
      statusName: null,
      reason: null,
    });
  });

  it('uses the service message for an unknown failure', () => {
    expect(
      interpretStatus({ status: 54, status_final: true, message: 'Insufficient credits' }),
    ).toMatchObject({ reason: 'Insufficient credits' });
    expect(interpretStatus({ status: 7, status_final: true, message: 'blocked' })).toMatchObject({
      reason: 'The prompt contains sensitive words',
    });
  });
});
