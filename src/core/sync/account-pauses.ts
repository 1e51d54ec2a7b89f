// Accounts the engine does not ask for now: paused (the service refused the token, or the plan: only
// a new token or another server lifts that, and it is kept in the library across restarts) or held
// back for a while (a 429: the whole account waits, not just the task that got it).
import type { UseapiFailure } from '../useapi';
import { describeResult } from '../useapi';
import type { EngineContext } from './engine-context';
import type { EngineAccountConfig } from './engine-types';
import { tokenFingerprint, type PauseReason } from '../library';

export class AccountPauses {
  private readonly holdUntil = new Map<string, number>();

  constructor(private readonly ctx: EngineContext) {}

  /** Why the account is paused (null: it is not). */
  reason(email: string): string | null {
    return this.ctx.store.pause(email)?.reason ?? null;
  }

  isPaused(email: string): boolean {
    return this.ctx.store.pause(email) !== null;
  }

  /** Emails the engine may poll for: configured and not paused. */
  active(): string[] {
    return [...this.ctx.accounts.keys()].filter((email) => !this.isPaused(email));
  }

  /** Active accounts not held back by a 429 right now. */
  askable(): string[] {
    return this.active().filter((email) => this.heldUntil(email) <= this.ctx.now());
  }

  /** When the account may be asked again after a 429 (0: now). */
  heldUntil(email: string): number {
    return this.holdUntil.get(email) ?? 0;
  }

  hold(email: string, until: number): void {
    this.holdUntil.set(email, until);
  }

  /** The service refused the account's token or plan: nothing is asked for it until that changes. */
  pause(email: string, reason: PauseReason, result: UseapiFailure): void {
    const account = this.ctx.accounts.get(email);
    if (!account) return;
    this.ctx.store.setPaused(email, reason, tokenFingerprint(account.token));
    this.ctx.events.emit('account.paused', {
      accountId: account.accountId,
      email,
      reason,
      message: reason === 'unauthorized' ? 'token rejected' : describeResult(result),
    });
  }

  /** Another server: its refusals and rate-limit holds were not this one's. */
  liftAll(): void {
    this.holdUntil.clear();
    for (const account of this.ctx.accounts.values()) {
      if (!this.isPaused(account.email)) continue;
      this.ctx.store.clearPaused(account.email);
      this.ctx.events.emit('account.resumed', { accountId: account.accountId, email: account.email });
    }
  }

  /** A paused account whose token changed resumes; what the old token was refused is asked again. */
  resumeIfTokenChanged(account: EngineAccountConfig): void {
    const pause = this.ctx.store.pause(account.email);
    if (!pause || pause.tokenHash === tokenFingerprint(account.token)) return;
    this.ctx.store.clearPaused(account.email);
    this.ctx.store.requeueRefused(account.email, this.ctx.now());
    this.ctx.events.emit('account.resumed', { accountId: account.accountId, email: account.email });
  }
}
