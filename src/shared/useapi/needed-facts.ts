// What an answer about a task cannot do without, checked after the (liberal) shape: everything else
// may be missing or null, but without a status we cannot tell where the task stands, without the
// task's id (task.id, or works[].taskId) we cannot file it, and a succeeded
// work without its id or its result URL cannot be archived. Such an answer is malformed, and the
// problem names the path, like a shape error does.
import type { TaskResponse, TaskWork } from './model';
import { interpretStatus } from './status';

export interface MissingFact {
  path: string;
  message: string;
}

const hasStatus = (part: { status?: unknown; status_name?: unknown; status_final?: unknown }) =>
  part.status !== undefined || part.status_name !== undefined || part.status_final !== undefined;

function workSucceeded(work: TaskWork): boolean {
  if (!hasStatus(work)) return false;
  const own = interpretStatus({
    status: work.status,
    status_name: work.status_name,
    status_final: work.status_final,
  });
  return own.phase === 'succeeded';
}

/** The first fact we need that the answer lacks, or null when it has them all. */
export function missingNeededFact(response: TaskResponse): MissingFact | null {
  const works = response.works ?? [];
  if (!hasStatus(response) && !(response.task && hasStatus(response.task)) && !works.some(hasStatus)) {
    return { path: 'status', message: 'the answer has no status (status, status_name or status_final)' };
  }
  if (!response.task?.id && !works.some((work) => work.taskId)) {
    return { path: 'task.id', message: 'the answer does not say which task it is about' };
  }
  const taskSucceeded = interpretStatus(response).phase === 'succeeded';
  for (const [index, work] of works.entries()) {
    if (!taskSucceeded && !workSucceeded(work)) continue;
    if (work.workId === undefined)
      return { path: `works[${index}].workId`, message: 'a succeeded work has no id' };
    if (!work.resource?.resource)
      return { path: `works[${index}].resource.resource`, message: 'a succeeded work has no result URL' };
  }
  return null;
}
