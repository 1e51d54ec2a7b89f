// How long a task has been waiting, for the age limit (polling.giveUpAfterHours) and the poll gap.
// Counted on the service's own clock when the answer says both when the task was created
// (task.createTime, or its works') and what time it is now (currentTimestamp): a wrong local clock
// then changes nothing. Otherwise on the local clock alone, from when the engine first saw the task,
// never mixing the two clocks.
import type { TaskResponse } from '../../shared/useapi';

function createTimeOf(snapshot: TaskResponse): number | null {
  const own = snapshot.task?.createTime;
  if (typeof own === 'number' && own > 0) return own;
  let min: number | null = null;
  for (const work of snapshot.works ?? []) {
    const time = work.createTime;
    if (typeof time === 'number' && time > 0 && (min === null || time < min)) min = time;
  }
  return min;
}

/** The task's age in ms (never negative). */
export function taskAgeMs(snapshot: TaskResponse, local: { firstSeenAt: number; now: number }): number {
  const created = createTimeOf(snapshot);
  const serverNow = snapshot.currentTimestamp;
  if (created !== null && typeof serverNow === 'number' && serverNow > 0) {
    return Math.max(0, serverNow - created);
  }
  return Math.max(0, local.now - local.firstSeenAt);
}
