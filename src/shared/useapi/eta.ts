// The service's ETA fields read as the time left, in one place: the sync engine spaces its polls by
// it and the library keeps it for the task list ("Generating · about 2 min left").
export interface EtaFacts {
  /** The service's own clock (`currentTimestamp`), ms. */
  currentTimestamp?: number | undefined;
  /** Seconds (or an absolute time in ms) until the result; both forms are seen. */
  etaTime?: number | undefined;
  queuingEtaTime?: number | undefined;
}

/**
 * The remaining time the service announces, in ms, or null when the fields are absent or not
 * believable (negative, absurdly long, in the past).
 */
export function remainingFromEta(eta: EtaFacts): number | null {
  for (const value of [eta.etaTime, eta.queuingEtaTime]) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) continue;
    let remaining: number;
    if (value > 1e12) {
      // An absolute time in ms: only usable against the service's own clock.
      if (typeof eta.currentTimestamp !== 'number') continue;
      remaining = value - eta.currentTimestamp;
    } else if (value > 1e6) {
      remaining = value; // already ms
    } else {
      remaining = value * 1000; // seconds
    }
    if (remaining > 0 && remaining <= 6 * 60 * 60_000) return remaining;
  }
  return null;
}
