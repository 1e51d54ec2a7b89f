// Turns whatever the user pasted into the task id candidates to send to `tasks.add`:
// one id, a list of ids (any separators), lines of JSON (task responses or {"taskId": …} objects),
// or prose and links with ids in it. Ids are taken as digit strings straight from the text, never
// through a JS number (they can exceed 2^53). Entries that were meant as ids (a line that is a list,
// a lone word, a mistyped id in prose) are kept and judged by task-id.ts, so that each refused one is
// named with its reason as the user types; plain words in prose are left out and counted.
import { judgeTaskIds, type JudgedTaskIds } from './task-id';

export interface ParsedTaskIds extends JudgedTaskIds {
  /** what to send to tasks.add, in order of appearance, duplicates kept (the contract reports them) */
  candidates: string[];
  /** how many words were skipped as not being ids at all */
  ignoredWords: number;
}

/** A number written some other way (1.5, -3, 1e5): meant as an id, to be refused by name. */
const NUMBER_ISH = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Kling task ids are long decimal numbers; shorter digit runs in prose are counts, dates, versions. */
const MIN_ID_DIGITS = 6;
/** JSON keys whose value is a task id. */
const JSON_ID_KEY = /"(?:taskId|task_id|id)"\s*:\s*"?(-?[0-9A-Za-z.+-]*)"?/g;

export function parseTaskIdInput(text: string): ParsedTaskIds {
  const candidates: string[] = [];
  let ignoredWords = 0;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    if (line.startsWith('{') || line.startsWith('[')) {
      const fromJson = idsFromJsonLine(line);
      if (fromJson.length > 0) {
        candidates.push(...fromJson);
        continue;
      }
    }
    const words = line
      .split(/[\s,;|]+/)
      .map((token) => token.replace(/^["'([{<]+|["')\]}>.:!?]+$/g, ''))
      .filter((word) => word.length > 0);
    // A line of nothing but numbers is a list: every entry counts, short ones get refused by name.
    // In prose, short numbers are durations, versions, counts.
    const isList =
      words.every((word) => NUMBER_ISH.test(word) || looksLikeMistypedId(word)) ||
      (words.length === 1 && !/[=/#:]/.test(words[0] ?? ''));
    for (const word of words) {
      if (isList || (/^\d+$/.test(word) && word.length >= MIN_ID_DIGITS)) {
        candidates.push(word);
        continue;
      }
      const longRuns = (word.match(/\d+/g) ?? []).filter((run) => run.length >= MIN_ID_DIGITS);
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(word) || /[=/#:]/.test(word)) {
        // A link or key=value: the long digit runs in it are ids.
        if (longRuns.length > 0) candidates.push(...longRuns);
        else ignoredWords++;
      } else if (looksLikeMistypedId(word)) {
        candidates.push(word);
      } else if (longRuns.length > 0) {
        candidates.push(...longRuns);
      } else {
        ignoredWords++;
      }
    }
  }
  return { candidates, ignoredWords, ...judgeTaskIds(candidates) };
}

/** Mostly digits with a stray character (`12345a789`, `-123456`): the user meant an id. */
function looksLikeMistypedId(word: string): boolean {
  const digits = word.replace(/\D/g, '').length;
  return word.length >= MIN_ID_DIGITS && digits / word.length >= 0.7;
}

function idsFromJsonLine(line: string): string[] {
  const ids: string[] = [];
  for (const match of line.matchAll(JSON_ID_KEY)) {
    const value = match[1];
    if (value) ids.push(value);
  }
  // A task response names its id as task.id and again as works[].taskId: keep each once per line.
  return [...new Set(ids)];
}
