// Task ids, judged once for everyone (the Tasks view as you type, the contract, the CLI, the client
// before a request): digits only, 1 to 20 of them, at most 2^64−1 (useapi.net ids are 64-bit).
// Compared as decimal text, never through a JS number, which loses digits above 2^53. Every refused
// entry gets one plain reason.

/** The largest task id: 2^64−1. */
export const MAX_TASK_ID = '18446744073709551615';
const MAX_DIGITS = MAX_TASK_ID.length;

export type TaskIdVerdict = { ok: true; id: string } | { ok: false; entry: string; reason: string };

/** Numbers a person may write that are still not task ids: 1.5, 1e5, -3, +7. */
const NUMBER_LIKE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** An entry as it may be shown: control characters made visible, long ones shortened. */
export function showEntry(entry: string): string {
  const clean = entry.replace(/\p{Cc}/gu, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

function refuse(entry: string, reason: string): TaskIdVerdict {
  return { ok: false, entry, reason };
}

/** One entry (surrounding spaces ignored): the id, or why it is not one. */
export function judgeTaskId(raw: string): TaskIdVerdict {
  const entry = raw.trim();
  if (entry === '') return refuse(entry, 'empty');
  if (/^\d+$/.test(entry)) {
    if (entry.length > MAX_DIGITS) return refuse(entry, 'longer than a task id can be');
    if (entry.length === MAX_DIGITS && entry > MAX_TASK_ID)
      return refuse(entry, `larger than a task id can be (at most ${MAX_TASK_ID})`);
    return { ok: true, id: entry };
  }
  if (NUMBER_LIKE.test(entry)) {
    if (/^[+-]/.test(entry) && /^[+-]\d+$/.test(entry)) return refuse(entry, 'a task id has no sign');
    return refuse(entry, 'not a whole number');
  }
  return refuse(entry, 'not a number');
}

export function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && value === value.trim() && judgeTaskId(value).ok;
}

/** `abc: not a number`: a refused entry and its reason, in one line. */
export function describeRefusal(verdict: { entry: string; reason: string }): string {
  return `${showEntry(verdict.entry) || '(empty)'}: ${verdict.reason}`;
}

export interface JudgedTaskIds {
  /** valid ids, each once, in order of appearance */
  ids: string[];
  /** refused entries, each once, in order of appearance */
  refused: Array<{ entry: string; reason: string }>;
  /** entries given more than once (valid ids only) */
  repeated: string[];
}

/** A batch: each distinct entry judged once. */
export function judgeTaskIds(entries: readonly string[]): JudgedTaskIds {
  const out: JudgedTaskIds = { ids: [], refused: [], repeated: [] };
  const seen = new Set<string>();
  for (const raw of entries) {
    const verdict = judgeTaskId(raw);
    const key = verdict.ok ? verdict.id : verdict.entry;
    if (seen.has(key)) {
      if (verdict.ok && !out.repeated.includes(key)) out.repeated.push(key);
      continue;
    }
    seen.add(key);
    if (verdict.ok) out.ids.push(verdict.id);
    else out.refused.push({ entry: verdict.entry, reason: verdict.reason });
  }
  return out;
}
