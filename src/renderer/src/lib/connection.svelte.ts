// Whether the app's core answers. A call that cannot reach it (the headless server stopped, the
// network between a phone and the home server gone) marks the connection lost: one banner says so
// with what to do, the views keep what they have loaded, and no toast repeats it. The core is asked
// again now and then (app.info); the first answer brings the connection back and the views refetch.
import type { ArchiveClient, Call } from './backend';
import { isAbort, isConnectionError } from './connection-error';

export { isConnectionError };

/** How often a lost connection is tried again: quickly at first, then every 10 s. */
export const RETRY_MS = [1000, 2000, 5000, 10_000] as const;

class Connection {
  lost = $state(false);
  /** bumps when a lost connection comes back: views refetch what they show */
  restored = $state(0);
  private retries = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private probe: (() => Promise<unknown>) | null = null;

  /** The backend with every call watched: its failures and answers tell whether the core is there. */
  watch(backend: ArchiveClient): ArchiveClient {
    const call: Call = async (method, input, options) => {
      try {
        const answer = await backend.call(method, input, options);
        this.answered();
        return answer;
      } catch (error) {
        // A call the app gave up on says nothing about the connection.
        if (isAbort(error)) throw error;
        if (isConnectionError(error)) this.failed();
        else this.answered();
        throw error;
      }
    };
    this.probe = () => backend.call('app.info', {});
    return { ...backend, call };
  }

  /** Tries again now (the banner's button). */
  retry(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.probe?.().then(
      () => this.answered(),
      () => this.failed(),
    );
  }

  private failed(): void {
    if (!this.lost) this.retries = 0;
    this.lost = true;
    if (this.timer !== undefined) return;
    const wait = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
    this.retries += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retry();
    }, wait);
  }

  private answered(): void {
    if (!this.lost) return;
    this.lost = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.restored += 1;
  }
}

export const connection = new Connection();
