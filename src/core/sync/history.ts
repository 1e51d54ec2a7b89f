// History: pages backwards through an account's task list until known ground (a page with nothing
// new), a date limit or the end, ingesting every task: finished ones get their files, running ones
// are polled. The watcher (watcher.ts) runs these walks on its schedule.
import type { SnapshotInput } from '../library';
import { describeResult } from '../useapi';
import type { TaskResponse } from '../../shared/useapi';
import type { AccountPauses } from './account-pauses';
import type { EngineContext } from './engine-context';
import type { HistoryOptions, HistoryOutcome } from './engine-types';
import { rehomeListedTasks, type RehomePort } from './rehome';

export interface HistoryHooks {
  /** New work was filed: polls and downloads may start. */
  pump(): void;
}

/** One walk's running count, and how it reports its progress. */
interface Walk {
  email: string;
  accountId: string;
  options: HistoryOptions;
  signal: AbortSignal;
  seen: Set<string>;
  pages: number;
  added: number;
}

/** What one page brought. */
interface PageOutcome {
  newOnPage: number;
  oldest: number | null;
  reachedSince: boolean;
}

export class History {
  constructor(
    private readonly ctx: EngineContext,
    private readonly pauses: AccountPauses,
    private readonly rehomePort: RehomePort,
    private readonly hooks: HistoryHooks,
  ) {}

  /** Pages backwards through the account's history until known tasks (or `since`), ingesting everything. */
  async sync(email: string, options: HistoryOptions = {}): Promise<HistoryOutcome> {
    const client = this.ctx.clients.get(email);
    const account = this.ctx.accounts.get(email);
    if (!client || !account) return { taskIds: [], pages: 0, error: `no token for the account ${email}` };
    const signal = options.signal ? AbortSignal.any([this.ctx.signal, options.signal]) : this.ctx.signal;
    const walk: Walk = {
      email,
      accountId: account.accountId,
      options,
      signal,
      seen: new Set(),
      pages: 0,
      added: 0,
    };
    let createdBefore = options.before;
    for (;;) {
      try {
        await this.ctx.bucketFor(email).take(signal);
      } catch {
        return this.finish(walk, 'stopped');
      }
      const pageSize = options.pageSize ?? 50;
      const query = { pageSize, ...(createdBefore !== undefined ? { createdBefore } : {}) };
      const result = await client.listTasks(email, query, { signal });
      if (result.kind !== 'ok') {
        if (result.kind === 'unauthorized') this.pauses.pause(email, 'unauthorized', result);
        return this.finish(walk, describeResult(result));
      }
      walk.pages += 1;
      if (result.value.history.length === 0) break;
      const page = await this.ingestPage(walk, result.value.history, result.raw);
      this.progress(walk, false, null);
      // Known ground (a page with nothing new), the date limit, or the end of the history.
      const { oldest } = page;
      if (page.reachedSince || page.newOnPage === 0 || oldest === null || oldest === createdBefore) break;
      createdBefore = oldest;
      options.onPage?.(oldest);
    }
    return this.finish(walk, null);
  }

  private finish(walk: Walk, error: string | null): HistoryOutcome {
    this.progress(walk, true, error);
    return { taskIds: [...walk.seen], pages: walk.pages, error };
  }

  private progress(walk: Walk, done: boolean, error: string | null): void {
    if (walk.options.quiet) return;
    this.ctx.events.emit('history.progress', {
      accountId: walk.accountId,
      pages: walk.pages,
      tasksFound: walk.seen.size,
      tasksAdded: walk.added,
      done,
      error,
    });
  }

  /** Files one page's tasks (moved to this account first when filed under another), then starts work. */
  private async ingestPage(walk: Walk, entries: readonly TaskResponse[], raw: string): Promise<PageOutcome> {
    const page: PageOutcome = { newOnPage: 0, oldest: null, reachedSince: false };
    const since = walk.options.since;
    const rawEntries = extractRawEntries(raw);
    const inputs = entries.flatMap((snapshot, index): SnapshotInput[] => {
      const created = snapshot.task?.createTime ?? minCreateTime(snapshot);
      if (created !== null && (page.oldest === null || created < page.oldest)) page.oldest = created;
      if (since !== undefined && created !== null && created < since) {
        page.reachedSince = true;
        return [];
      }
      return [{ account: walk.email, snapshot, raw: rawEntries?.[index] ?? JSON.stringify(snapshot) }];
    });
    await rehomeListedTasks(this.rehomePort, walk.email, inputs);
    const now = this.ctx.now();
    for (const ingested of this.ctx.library.ingestMany(inputs)) {
      if (!ingested.taskId) continue;
      walk.seen.add(ingested.taskId);
      this.ctx.store.firstSeen(ingested.taskId, now);
      if (ingested.outcome === 'inserted') {
        page.newOnPage += 1;
        walk.added += 1;
      }
      if (ingested.outcome === 'inserted' || ingested.outcome === 'updated') {
        this.ctx.emitTaskChanged(ingested.taskId, null, ingested.outcome === 'inserted');
      }
      this.planTask(ingested.taskId, now);
    }
    this.hooks.pump();
    return page;
  }

  /** A listed task: its files if it succeeded, a poll if it still runs and nobody gave up on it. */
  private planTask(taskId: string, now: number): void {
    const row = this.ctx.library.task(taskId);
    if (row?.final === 1 && row.phase === 'succeeded') this.ctx.createFiles(taskId);
    else if (row && row.final !== 1 && row.next_poll_at === null && !this.ctx.store.givenUp(row.task_id)) {
      this.ctx.library.updatePolling(row.task_id, { nextPollAt: now });
    }
  }
}

function minCreateTime(snapshot: TaskResponse): number | null {
  let min: number | null = null;
  for (const work of snapshot.works ?? []) {
    if (typeof work.createTime === 'number' && (min === null || work.createTime < min)) min = work.createTime;
  }
  return min;
}

/**
 * The exact text of each entry of a history page's `history` array, so that task.json keeps the
 * service's own bytes (exact ids). Null when the page does not have the expected shape.
 */
export function extractRawEntries(raw: string): string[] | null {
  const start = raw.search(/"history"\s*:\s*\[/);
  if (start < 0) return null;
  let i = raw.indexOf('[', start) + 1;
  const entries: string[] = [];
  let depth = 0;
  let inString = false;
  let entryStart = -1;
  for (; i < raw.length; i++) {
    const char = raw[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) entryStart = i;
      depth++;
    } else if (char === '}' || char === ']') {
      if (depth === 0) return entries; // the end of the history array
      depth--;
      if (depth === 0) entries.push(raw.slice(entryStart, i + 1));
    }
  }
  return null;
}
