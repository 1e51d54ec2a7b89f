// How a task counts in a summary, decided once for the CLI's last line, its --json and the Tasks
// view: archived only when it succeeded and every file it should have is in the library; a problem
// when it failed, was given up, or a file could not be archived; waiting otherwise.

export type TaskOutcome = 'archived' | 'problem' | 'waiting';

export interface TaskOutcomeFacts {
  final: boolean;
  phase: string | null;
  /** files the task should have, and how many of them are archived */
  filesTotal: number;
  filesDone: number;
  /** files that could not be archived (failed, or held by a stopped download queue) */
  filesFailed: number;
  /** why the task is not archived, when something says so */
  error: string | null;
}

export function taskOutcome(task: TaskOutcomeFacts): TaskOutcome {
  if (task.final && task.phase === 'succeeded' && task.filesDone === task.filesTotal && !task.error)
    return 'archived';
  if (task.error || task.filesFailed > 0 || (task.final && task.phase !== 'succeeded')) return 'problem';
  return 'waiting';
}

/** A reason short enough for a summary line: `disk full`, `not found`, ... */
export function shortReason(error: string): string {
  if (/disk is full/i.test(error)) return 'disk full';
  if (/^still not final after/i.test(error)) return 'not final within the age limit';
  const first = error.split(/[;\n]/)[0]?.trim() ?? error;
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

export interface OutcomeSummary {
  tasks: number;
  archived: number;
  withProblems: number;
  waiting: number;
  /** the distinct short reasons of the problems, in order of appearance */
  reasons: string[];
  /** `2 tasks: 0 archived, 2 with problems (disk full)` */
  text: string;
}

export function summarizeOutcomes(
  tasks: ReadonlyArray<{ outcome: TaskOutcome; reason: string | null }>,
): OutcomeSummary {
  const count = (outcome: TaskOutcome) => tasks.filter((task) => task.outcome === outcome).length;
  const reasons = [
    ...new Set(
      tasks.flatMap((task) => (task.outcome === 'problem' && task.reason ? [shortReason(task.reason)] : [])),
    ),
  ];
  const summary = {
    tasks: tasks.length,
    archived: count('archived'),
    withProblems: count('problem'),
    waiting: count('waiting'),
    reasons,
  };
  const text =
    `${summary.tasks} task${summary.tasks === 1 ? '' : 's'}: ${summary.archived} archived, ` +
    `${summary.withProblems} with problems${reasons.length ? ` (${reasons.join(', ')})` : ''}` +
    (summary.waiting ? `, ${summary.waiting} still waiting` : '');
  return { ...summary, text };
}
