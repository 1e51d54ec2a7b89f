// Why a poll of a task gave no usable answer, in the few words the CLI's stderr, `--json`'s
// `lastError` and the Tasks view show beside the time of the next try, and whether it is final.
// A 400 is final ("invalid task id") only when our own task-id rule refuses the id: an id that rule
// accepts may be refused for another reason (a missing email, a passing fault), so it is tried again.
import { judgeTaskId } from '../../shared/domain/task-id';
import type { UseapiFailure } from '../useapi';

export type PollProblem =
  { final: true; reason: string } | { final: false; problem: string; retryAfterMs?: number | undefined };

const http = (status: number | null, message: string) =>
  status === null ? message : `HTTP ${status}${message ? `: ${message}` : ''}`;

/** What a failed poll means for the task (401/402 and 429 are the engine's own business first). */
export function pollProblem(taskId: string, result: UseapiFailure): PollProblem {
  switch (result.kind) {
    case 'invalid_id':
    case 'invalid_input': {
      const verdict = judgeTaskId(taskId);
      if (!verdict.ok) return { final: true, reason: `invalid task id (${verdict.reason})` };
      // Refused before sending for another input (the email): asking again will not change it.
      if (result.kind === 'invalid_input' || !result.sent) return { final: true, reason: 'invalid task id' };
      return {
        final: false,
        problem: `useapi.net refused the request (${http(result.status, result.message)})`,
      };
    }
    case 'malformed':
      return { final: false, problem: `could not read the answer (${result.problem})` };
    case 'server_error':
      return {
        final: false,
        problem: `useapi.net had a server error (${http(result.status, result.message)})`,
        retryAfterMs: result.retryAfterMs,
      };
    case 'network_error':
      return { final: false, problem: `network error (${result.message})` };
    case 'timeout':
      return { final: false, problem: `no answer within ${Math.round(result.timeoutMs / 1000)} s` };
    case 'not_found':
      return { final: false, problem: 'not found yet (HTTP 404); it may still appear' };
    case 'rate_limited':
      return { final: false, problem: 'too many requests (HTTP 429)', retryAfterMs: result.retryAfterMs };
    case 'unexpected_status':
      return { final: false, problem: `unexpected answer (HTTP ${result.status})` };
    case 'bad_request':
      return {
        final: false,
        problem: `useapi.net refused the request (${http(result.status, result.message)})`,
      };
    case 'unauthorized':
      return { final: false, problem: 'the token was rejected (HTTP 401)' };
    case 'payment_required':
      return { final: false, problem: `a subscription is required (${http(result.status, result.message)})` };
    case 'aborted':
      return { final: false, problem: 'stopped' };
  }
}

/** `40 s`, `3 min`, `2 h`: how long until the next try, for a person. */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}
