// Finding which account a task id belongs to. An id added without an account is polled under a
// first guess (the active account); when that account answers 404, each other account is asked in
// turn, one request at a time, each through its own request budget and in-flight slots, and the
// first that answers owns the task. Nothing is asked in parallel: a lookup costs one request per
// account at most, and stops at the owner.
import type { UseapiClient, UseapiFailure } from '../useapi';
import type { TaskResponse } from '../../shared/useapi';

export interface OwnerLookupPort {
  /** The accounts that may be asked (configured, not paused), in the order to ask them. */
  accounts(): readonly string[];
  client(email: string): UseapiClient | undefined;
  /**
   * Waits for the account's request budget and an in-flight slot (the ones its polls use); resolves
   * with the release. Rejects when the signal fires.
   */
  slot(email: string, signal: AbortSignal): Promise<() => void>;
}

export interface OwnerFound {
  email: string;
  value: TaskResponse;
  raw: string;
}

export interface OwnerLookupOutcome {
  /** The account that answered for the task; null when none did. */
  owner: OwnerFound | null;
  /** Requests made (accounts asked). */
  asked: number;
  /**
   * What the accounts that did not answer 404 said instead (5xx, 429, network...): the owner may be
   * among them, so the lookup is worth another round.
   */
  failures: Array<{ email: string; failure: UseapiFailure }>;
}

/**
 * The first failure of a lookup that may pass by itself (5xx, network, timeout, an unreadable
 * answer): the owner may be the account that gave it, so the round is no proof of a 404 everywhere.
 * Refusals and 429s are left out: they would pause or hold the account asked first.
 */
export function transientFailure(outcome: OwnerLookupOutcome): UseapiFailure | null {
  const transient = new Set(['server_error', 'network_error', 'timeout', 'malformed', 'unexpected_status']);
  return outcome.failures.find(({ failure }) => transient.has(failure.kind))?.failure ?? null;
}

/**
 * Asks every account but `askedFirst` (which has just answered 404) for the task, in order, until
 * one answers. A 404 means "not this account's"; any other failure is reported and the next
 * account asked.
 */
export async function findTaskOwner(
  taskId: string,
  askedFirst: string,
  port: OwnerLookupPort,
  signal: AbortSignal,
): Promise<OwnerLookupOutcome> {
  const outcome: OwnerLookupOutcome = { owner: null, asked: 0, failures: [] };
  for (const email of port.accounts()) {
    if (email === askedFirst) continue;
    const client = port.client(email);
    if (!client) continue;
    let release: () => void;
    try {
      release = await port.slot(email, signal);
    } catch {
      return outcome; // stopped
    }
    try {
      outcome.asked += 1;
      const result = await client.getTask(taskId, email, { signal });
      if (result.kind === 'ok') {
        outcome.owner = { email, value: result.value, raw: result.raw };
        return outcome;
      }
      if (result.kind === 'aborted') return outcome;
      if (result.kind !== 'not_found') outcome.failures.push({ email, failure: result });
    } finally {
      release();
    }
  }
  return outcome;
}
