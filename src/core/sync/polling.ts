// Polling: asks the service about every task that is due (bounded, through each account's request
// budget), files the answers, and plans the next poll: by the task's ETA and age while it runs, backing
// off on failures, giving up on tasks older than the limit. Between polls it sleeps on one timer
// until the next task falls due.
import type { UseapiFailure } from '../useapi';
import { interpretStatus } from '../../shared/useapi';
import type { TaskResponse } from '../../shared/useapi';
import type { AccountPauses } from './account-pauses';
import type { EngineContext } from './engine-context';
import {
  findTaskOwner,
  transientFailure,
  type OwnerLookupOutcome,
  type OwnerLookupPort,
} from './owner-lookup';
import { pollProblem } from './poll-problem';
import { backoffDelay, nextPollDelay, notFoundRetryDelay, rateLimitDelay } from './schedule';
import { taskAgeMs } from './task-age';

const MAX_OUTSTANDING_POLLS = 32;

export interface PollingHooks {
  /** A task succeeded: its files are due (made and downloaded). */
  succeeded(taskId: string): void;
}

export class Polling {
  /** Tasks being polled (none is asked twice at once), and those polls: stop waits for them. */
  private readonly polling = new Set<string>();
  private readonly underWay = new Set<Promise<void>>();
  private wakeTimer: unknown = null;
  private wakeAt: number | null = null;
  private readonly ownerPort: OwnerLookupPort;

  constructor(
    private readonly ctx: EngineContext,
    private readonly pauses: AccountPauses,
    private readonly hooks: PollingHooks,
  ) {
    this.ownerPort = {
      // An account held back by a 429 is not asked meanwhile.
      accounts: () => this.pauses.askable(),
      client: (email) => this.ctx.clients.get(email),
      slot: async (email, signal) => {
        await this.ctx.bucketFor(email).take(signal);
        return this.ctx.inFlight.acquire(email);
      },
    };
  }

  /** Launches due polls (bounded), then sleeps on one timer until the next one is due. */
  pump(): void {
    if (!this.ctx.running) return;
    const now = this.ctx.now();
    const active = this.pauses.active();
    const room = MAX_OUTSTANDING_POLLS - this.polling.size;
    if (room > 0) {
      for (const due of this.ctx.store.due(active, now, room, this.polling)) {
        const hold = this.pauses.heldUntil(due.account);
        if (hold > now) {
          this.ctx.library.updatePolling(due.taskId, { nextPollAt: hold });
          continue;
        }
        this.polling.add(due.taskId);
        const poll = this.pollOne(due.taskId, due.account, due.attempts).finally(() => {
          this.polling.delete(due.taskId);
          this.underWay.delete(poll);
          this.pump();
        });
        this.underWay.add(poll);
      }
    }
    this.scheduleWake(active);
  }

  /** Clears the wake timer and resolves once no poll is under way (the stop signal ends them). */
  async stop(): Promise<void> {
    this.clearWake();
    await Promise.allSettled([...this.underWay]);
  }

  /** A task asked about again: polled if it still runs, its files made if it succeeded. */
  reviveIfIdle(taskId: string, now: number): void {
    const row = this.ctx.library.task(taskId);
    if (!row) return;
    if (row.final === 1) {
      if (row.phase === 'succeeded') this.hooks.succeeded(taskId);
    } else if (row.next_poll_at === null && !this.ctx.store.givenUp(taskId)) {
      this.ctx.library.updatePolling(taskId, { nextPollAt: now });
    }
  }

  /** Tasks given up as stale under a shorter limit than today's are polled again. */
  resumeStaleWithinLimit(now: number): void {
    for (const taskId of this.ctx.store.staleSince(now - this.ctx.policy.staleAfterMs)) {
      this.ctx.store.setGiveUp(taskId, null, now);
      this.ctx.library.updatePolling(taskId, { nextPollAt: now, attempts: 0, lastError: null });
      this.ctx.emitTaskChanged(taskId, null);
    }
  }

  private clearWake(): void {
    if (this.wakeTimer !== null) this.ctx.clock.clearTimer(this.wakeTimer);
    this.wakeTimer = null;
    this.wakeAt = null;
  }

  private scheduleWake(active: readonly string[]): void {
    if (!this.ctx.running) return;
    const next = this.ctx.store.nextWake(active);
    if (next === null) return this.clearWake();
    // Due now but being polled already (or beyond the room for polls): the end of a poll pumps again,
    // and a timer would only fire at once, again and again, until then.
    if (next <= this.ctx.now() && this.polling.size > 0) return this.clearWake();
    if (this.wakeTimer !== null && this.wakeAt !== null && this.wakeAt <= next) return;
    this.clearWake();
    this.wakeAt = next;
    this.wakeTimer = this.ctx.clock.setTimer(() => {
      this.wakeTimer = null;
      this.wakeAt = null;
      this.pump();
    }, next - this.ctx.now());
  }

  private async pollOne(taskId: string, email: string, attempts: number): Promise<void> {
    const client = this.ctx.clients.get(email);
    if (!client) return;
    const signal = this.ctx.signal;
    let release: (() => void) | null = null;
    try {
      await this.ctx.bucketFor(email).take(signal);
      release = await this.ctx.inFlight.acquire(email);
      if (!this.ctx.running) return;
      const result = await client.getTask(taskId, email, { signal });
      release(); // the owner lookup takes other accounts' slots: never hold two at once
      if (!this.ctx.running || result.kind === 'aborted') return;
      const lookup = result.kind === 'not_found' ? await this.findOwner(taskId, email, signal) : null;
      if (!this.ctx.running) return;
      const owner = lookup?.owner;
      if (owner) this.onTaskAnswer(taskId, owner.email, owner.value, owner.raw);
      else if (result.kind === 'ok') this.onTaskAnswer(taskId, email, result.value, result.raw);
      // An account that could not answer (5xx, network) may be the owner: not a 404 round then.
      else this.onTaskFailure(taskId, email, (lookup && transientFailure(lookup)) ?? result, attempts);
    } catch {
      // Only the wait can throw (aborted on stop): the task stays due and resumes on the next start.
    } finally {
      release?.();
    }
  }

  /** A task whose owner is unknown and that `askedFirst` does not know: the account that answers gets it. */
  private async findOwner(
    taskId: string,
    askedFirst: string,
    signal: AbortSignal,
  ): Promise<OwnerLookupOutcome | null> {
    if (!this.ctx.library.taskAccounts.ownerUnknown(taskId)) return null;
    const lookup = await findTaskOwner(taskId, askedFirst, this.ownerPort, signal);
    if (lookup.owner && this.ctx.running) this.ctx.library.moveTaskToAccount(taskId, lookup.owner.email);
    return lookup;
  }

  private onTaskAnswer(taskId: string, email: string, snapshot: TaskResponse, raw: string): void {
    const { library, store, policy } = this.ctx;
    const now = this.ctx.now();
    const ingest = library.ingest({ account: email, snapshot, raw });
    if (ingest.outcome === 'removed') return; // the user removed it while we asked
    if (ingest.outcome === 'rejected') {
      const problem = `could not store the answer (${ingest.problem ?? 'rejected'})`;
      this.retryLater(taskId, problem, now + backoffDelay(1, policy));
      return;
    }
    store.setNotFoundCount(taskId, 0, now);
    library.taskAccounts.markOwnerKnown(taskId);
    const status = interpretStatus(snapshot);
    const row = library.task(taskId);
    if (status.final || row?.final === 1) {
      library.updatePolling(taskId, { nextPollAt: null, attempts: 0, lastError: null });
      if ((row?.phase ?? status.phase) === 'succeeded') this.hooks.succeeded(taskId);
      this.ctx.emitTaskChanged(taskId, status.reason);
      return;
    }
    const ageMs = taskAgeMs(snapshot, { firstSeenAt: store.firstSeen(taskId, now), now });
    if (ageMs > policy.staleAfterMs) {
      this.giveUpStale(taskId, now);
      return;
    }
    const eta = {
      etaTime: snapshot.etaTime,
      queuingEtaTime: snapshot.queuingEtaTime,
      currentTimestamp: snapshot.currentTimestamp,
    };
    const delay = nextPollDelay({ ageMs, eta }, policy);
    library.updatePolling(taskId, { nextPollAt: now + delay, attempts: 0, lastError: null });
    this.ctx.emitTaskChanged(taskId, null);
  }

  private giveUpStale(taskId: string, now: number): void {
    const hours = Math.round((this.ctx.policy.staleAfterMs / 3_600_000) * 10) / 10;
    const reason = `still not final after ${hours} h: polling stopped (retry to poll again)`;
    this.ctx.store.setGiveUp(taskId, 'stale', now);
    this.ctx.library.updatePolling(taskId, { nextPollAt: null, lastError: reason });
    this.ctx.emitTaskChanged(taskId, reason);
  }

  /** A poll gave no usable answer: the task keeps why, and when it is asked again, and says so. */
  private retryLater(taskId: string, problem: string, at: number, attempts?: number): void {
    this.ctx.library.updatePolling(taskId, {
      nextPollAt: at,
      lastError: problem,
      ...(attempts ? { attempts } : {}),
    });
    this.ctx.emitTaskChanged(taskId, problem, false, at);
  }

  private onTaskFailure(taskId: string, email: string, result: UseapiFailure, attempts: number): void {
    const { policy } = this.ctx;
    const now = this.ctx.now();
    const verdict = pollProblem(taskId, result);
    if (verdict.final) return this.finishFailed(taskId, verdict.reason);
    switch (result.kind) {
      case 'unauthorized':
      case 'payment_required':
        this.pauses.pause(email, result.kind, result);
        this.ctx.library.updatePolling(taskId, { nextPollAt: now, lastError: verdict.problem });
        return;
      case 'not_found': {
        const count = this.ctx.store.notFoundCount(taskId) + 1;
        this.ctx.store.setNotFoundCount(taskId, count, now);
        const delay = notFoundRetryDelay(count, policy);
        if (delay === null) this.finishFailed(taskId, 'not found');
        else this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
        return;
      }
      case 'rate_limited': {
        const delay = rateLimitDelay(result.retryAfterMs, attempts + 1, policy);
        this.pauses.hold(email, now + delay); // the whole account waits, not just this task
        this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
        return;
      }
      default: {
        // 5xx, network, timeout, malformed, unexpected, a 400 for an id we accept: back off.
        const delay =
          verdict.retryAfterMs !== undefined
            ? rateLimitDelay(verdict.retryAfterMs, attempts + 1, policy)
            : backoffDelay(attempts + 1, policy);
        this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
      }
    }
  }

  private finishFailed(taskId: string, reason: string): void {
    this.ctx.library.updateTaskState(taskId, { phase: 'failed', final: true, reason });
    this.ctx.library.updatePolling(taskId, { nextPollAt: null, lastError: reason });
    this.ctx.emitTaskChanged(taskId, reason);
  }
}
