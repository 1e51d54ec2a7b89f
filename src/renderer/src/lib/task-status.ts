// How a task of the queue reads: its status chip, why it is not archived, whether useapi.net has
// not found it yet, and how long it should still take. Shared by the Tasks view's summary and rows.
import { taskOutcome } from '../../../shared/domain/task-outcome';
import type { TaskListItem } from '../../../shared/domain/library';

/** An id polled at least once that useapi.net has not answered with a task (no creation time). */
export function isNotFoundYet(task: TaskListItem): boolean {
  return !task.final && task.createdAt === null && task.attempts > 0;
}

/** Why the task is not archived, as the CLI says it: a failure, a file, or the age limit. */
export function problemOf(task: TaskListItem): string | null {
  if (task.phase === 'failed') return task.reason;
  if (task.filesFailed > 0) return task.fileError ?? `${task.filesFailed} file(s) could not be archived`;
  if (!task.final && task.nextPollAt === null) return task.lastError;
  return null;
}

export const outcomeOf = (task: TaskListItem) => taskOutcome({ ...task, error: problemOf(task) });

export function statusLabel(task: TaskListItem, paused: boolean): { text: string; tone: string } {
  if (paused && !task.final) return { text: 'Paused', tone: 'warn' };
  if (isNotFoundYet(task)) return { text: 'Not found yet', tone: 'warn' };
  switch (task.phase) {
    case 'queued':
      return { text: 'Queued', tone: '' };
    case 'running':
      return { text: 'Generating', tone: 'accent' };
    case 'succeeded':
      if (outcomeOf(task) === 'archived') return { text: 'Archived', tone: 'ok' };
      return outcomeOf(task) === 'problem'
        ? { text: 'Not all files archived', tone: 'danger' }
        : { text: 'Downloading', tone: 'accent' };
    default:
      return { text: 'Failed', tone: 'danger' };
  }
}

/**
 * The time left until the ETA useapi.net announced, in words: "about 2 min left", or "any moment now"
 * once it has passed (the task is late, or its next answer has not come yet).
 */
export function etaText(etaAt: number, now: number): string {
  const left = etaAt - now;
  if (left <= 0) return 'any moment now';
  const minutes = Math.ceil(left / 60_000);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ''} left`;
}
