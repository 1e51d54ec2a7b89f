// New generations that appear on their own, as if someone were using Kling's website: the watcher's
// tests and the demo use it. Each arrival is the next of a fixed cycle (a finished video, a running
// video, finished images, a failed video, a task still queued), created "now" and never in the same
// millisecond as the one before, so the listing's newest-first order is the order of arrival.
import type { SimState } from './tasks';
import type { TaskSpec } from './types';

export interface ArrivalsOptions {
  /** Real-time ms between two arrivals. */
  everyMs: number;
  /** The accounts that get them, in turn (default: every account of the scenario). */
  emails?: string[];
  /** Serve generated media of this size instead of the demo media. */
  mediaBytes?: number;
}

const CYCLE: readonly Omit<TaskSpec, 'token' | 'email' | 'createTime'>[] = [
  { kind: 'txt2video', outcome: 'succeed', initialState: 'final', prompt: 'A lighthouse at dawn, waves' },
  {
    kind: 'img2video',
    outcome: 'succeed',
    initialState: 'processing',
    prompt: 'The portrait turns and smiles',
  },
  {
    kind: 'txt2img',
    outcome: 'succeed',
    initialState: 'final',
    works: 2,
    prompt: 'Paper cranes over a city',
  },
  { kind: 'txt2video', outcome: { failStatus: 7 }, initialState: 'final', prompt: 'A crowd at a concert' },
  { kind: 'txt2video', outcome: 'succeed', initialState: 'submitted', prompt: 'Snow falling on a cabin' },
];

export class Arrivals {
  private count = 0;
  private lastCreateTime = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly state: SimState,
    private readonly options: Omit<ArrivalsOptions, 'everyMs'> = {},
  ) {}

  /** Adds the next arrival now; answers its id. */
  next(email?: string): string {
    const accounts = this.state.accounts.filter(
      (account) => !this.options.emails || this.options.emails.includes(account.email),
    );
    if (accounts.length === 0) throw new Error('arrivals: no account to add tasks to');
    const account = email
      ? accounts.find((candidate) => candidate.email === email)
      : accounts[this.count % accounts.length];
    if (!account) throw new Error(`arrivals: no account ${email}`);
    const spec = CYCLE[this.count % CYCLE.length] ?? {};
    this.count += 1;
    const createTime = Math.max(this.state.now(), this.lastCreateTime + 1);
    this.lastCreateTime = createTime;
    return this.state.addTask({
      ...spec,
      token: account.token,
      email: account.email,
      createTime,
      ...(this.options.mediaBytes !== undefined ? { mediaBytes: this.options.mediaBytes } : {}),
    }).id;
  }

  /** One arrival every `everyMs` (real time) until stopped; the timer never keeps a process alive. */
  start(everyMs: number, spawn: () => unknown = () => this.next()): void {
    if (!Number.isFinite(everyMs) || everyMs <= 0) throw new Error('arrivals: everyMs must be > 0');
    this.stop();
    this.timer = setInterval(spawn, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
