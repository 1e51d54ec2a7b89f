// A refused input said in words: the contract's validation text ("settings.update:
// polling.intervalSeconds: Invalid input: expected number, received null") becomes "Check a running
// task at most once every (seconds): enter a number." Other errors keep their own message.

/**
 * What the fields of the settings are called on screen, by their path in the contract: the form's
 * labels (NumberField) and the names its faults are told with.
 */
export const SETTINGS_FIELD_LABELS: Readonly<Record<string, string>> = {
  apiBase: 'API base',
  'polling.intervalSeconds': 'Check a running task at most once every (seconds)',
  'polling.maxRequestsPerMinute': 'Requests per minute per account',
  'polling.giveUpAfterHours': 'Give up on unfinished tasks after (hours)',
  'watching.intervalMinutes': 'Look for new generations every (minutes)',
  'watching.catchUpDays': 'After a pause, catch up at most (days)',
  'downloads.concurrency': 'Downloads at once',
};

function sayProblem(problem: string): string {
  const expectedNumber = /expected number, received (null|nan|undefined|string)/i;
  if (expectedNumber.test(problem)) return 'enter a number';
  const small = /too small: expected \w+ to be >=?\s*(\S+)/i.exec(problem);
  if (small) return `use ${small[1]} or more`;
  const big = /too big: expected \w+ to be <=?\s*(\S+)/i.exec(problem);
  if (big) return `use ${big[1]} or less`;
  if (/expected int/i.test(problem)) return 'use a whole number';
  return problem.replace(/^Invalid input:\s*/i, '');
}

/** The error in words, each field's fault once; `labels` name the fields by their path. */
export function plainError(
  error: unknown,
  labels: Readonly<Record<string, string>> = SETTINGS_FIELD_LABELS,
): string {
  const text =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong.';
  // "method.name: rest" — the method is ours, not the person's.
  const rest = text.replace(/^[a-z]+\.[A-Za-z]+:\s*/, '');
  const said = new Set<string>();
  const parts = rest.split(/;\s*/).map((part) => {
    const field = /^([A-Za-z]+(?:\.[A-Za-z]+)*):\s*(.*)$/.exec(part);
    const label = field && labels[field[1]!];
    return label ? `${label}: ${sayProblem(field[2]!)}` : part;
  });
  for (const part of parts) said.add(part.replace(/\.$/, ''));
  return `${[...said].join('. ')}.`;
}
