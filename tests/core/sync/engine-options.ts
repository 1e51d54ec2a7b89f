// What every engine test starts from: the simulator's basic account, polls a few ms apart, and short
// timeouts, so the engine's whole life fits in a test.
import type { Library } from '../../../src/core/library';
import type { SyncEngineOptions } from '../../../src/core/sync';
import { TOKENS, type RunningSimulator } from '../../../src/sim';

export const EMAIL = 'creator@example.com';

export const FAST = {
  firstPollMs: 10,
  minIntervalMs: 30,
  maxIntervalMs: 60,
  jitter: 0,
  backoffBaseMs: 30,
  backoffCapMs: 200,
  notFoundRetries: 3,
  notFoundWindowMs: 150,
};

export function testEngineOptions(
  sim: RunningSimulator,
  library: Library,
  options: Partial<SyncEngineOptions> = {},
): SyncEngineOptions {
  return {
    library,
    accounts: [{ accountId: 'main', email: EMAIL, token: TOKENS.basic }],
    apiBase: sim.baseUrl,
    requestsPerSecond: 200,
    pollPolicy: FAST,
    downloadIdleTimeoutMs: 2_000,
    downloadRetryBaseMs: 50,
    requestTimeoutMs: 2_000,
    ...options,
  };
}
