// The simulator's public types. Other parts (client, sync engine, e2e tests, demo mode) code against
// these names: add fields freely, never rename.

export type ScenarioName = 'basic' | 'multi' | 'faults' | 'demo' | 'empty';
export type Progression = 'per-poll' | 'clock';

export interface SimulatorOptions {
  /** 0 or undefined = a random free port; the host is always 127.0.0.1. */
  port?: number;
  scenario?: ScenarioName;
  /** default 'per-poll' (tests); the `demo` scenario defaults to 'clock'. */
  progression?: Progression;
  /** per-poll: GETs of /tasks/{id} per status step (default 1). */
  pollsPerStep?: number;
  /** clock: ms per status step (default 10 000; the demo scenario gives each task its own). */
  stepMs?: number;
  /**
   * Answer about tasks the way real services do: `null` in every empty optional field, undocumented
   * fields, keys in another order (default false: the reference page's shapes).
   */
  nulls?: boolean;
  /** Injectable clock (ms since epoch) for deterministic tests. */
  now?: () => number;
  /** Called once per answered request with its record (the CLI's --verbose uses it). */
  onRequest?: (record: RequestRecord) => void;
  /** New tasks appear on their own (see arrivals.ts): one every `everyMs` (0: only by addArrival), in turn per account. */
  arrivals?: { everyMs: number; emails?: string[]; mediaBytes?: number };
}

export interface ScenarioToken {
  token: string;
  emails: string[];
}

export interface ScenarioAccount {
  token: string;
  email: string;
  userId: string;
  plan: 'paid' | 'free';
}

export interface ScenarioTask {
  id: string;
  token: string;
  email: string;
  kind: TaskKind;
  /** what the task is set up to do, e.g. 'succeed', 'fail 7', 'not-found', 'not-found x3' */
  outcome: string;
  /** the state it was seeded in: 0 submitted, 1 processing, 2 final */
  initialStep: number;
  workIds: string[];
}

export interface ScenarioInfo {
  name: ScenarioName;
  tokens: ScenarioToken[];
  accounts: ScenarioAccount[];
  /** every task id of the scenario, as exact decimal strings, in creation order */
  taskIds: string[];
  tasks: ScenarioTask[];
}

export type TaskKind = 'txt2video' | 'img2video' | 'txt2img';

export type TaskOutcome =
  'succeed' | { failStatus: number; message?: string } | 'not-found' | { notFoundPolls: number };

export interface TaskSpec {
  /** defaults: the scenario's first token / that token's first account */
  token?: string;
  email?: string;
  /** exact decimal string; generated (sometimes > 2^53) if absent */
  id?: string;
  kind?: 'txt2video' | 'img2video' | 'txt2img';
  prompt?: string;
  negativePrompt?: string;
  duration?: '5' | '10';
  klingVersion?: string;
  outcome?: TaskOutcome;
  /** number of results (default 1 video / 4 images) */
  works?: number;
  /** serve generated deterministic media of this size instead of the demo media */
  mediaBytes?: number;
  createTime?: number;
  // ---- additions ----
  /** exact decimal strings for the works' ids (generated if absent) */
  workIds?: string[];
  /** the state the task starts in (default 'submitted') */
  initialState?: 'submitted' | 'processing' | 'final';
  /** clock progression: this task's own ms per step */
  stepMs?: number;
  /** picks portrait or landscape demo media; default from the id */
  aspectRatio?: '16:9' | '9:16' | '1:1';
  /** the ETA fields are `null` while the task is not final, as some real answers give none */
  etaUnknown?: boolean;
}

export type FaultKind =
  | 'reset-mid-body'
  | 'truncate-body'
  | 'rate-limit'
  | 'server-error'
  | 'malformed-json'
  | 'stall'
  | 'ignore-range'
  | 'change-etag';

export type FaultSpec = {
  /** path prefix, e.g. '/v1/kling/tasks/' or '/media/'; `*` matches any run of characters;
   *  a trailing `$` anchors the end (the query string is never part of the path) */
  path: string;
  kind: FaultKind;
  /** how many matching requests it spoils (default 1); 0 or less = every matching request */
  times?: number;
  /** rate-limit: default 429; server-error: 500 (default), 502 or 503 */
  status?: number;
  /** rate-limit: Retry-After in seconds (default 1) */
  retryAfterSeconds?: number;
  /** stall: how long to hold (default 60 000 ms) */
  stallMs?: number;
  /** reset/truncate: bytes sent before the cut (default half the body); stall: bytes sent before the pause
   *  (absent = the headers themselves are late) */
  afterBytes?: number;
  // ---- additions ----
  /** only requests with this method (default any) */
  method?: string;
};

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 while unanswered or when the socket died before headers */
  status: number;
  /** the Range header, if any */
  range: string | null;
  /** whether an Authorization header was sent (never the token itself) */
  authorization: boolean;
  /** the fault that spoiled this request, if any */
  fault: FaultKind | null;
  /** ms since epoch (real clock) when it arrived */
  at: number;
}

export interface RunningSimulator {
  /** 'http://127.0.0.1:PORT' — the client appends /v1/kling/... */
  baseUrl: string;
  port: number;
  scenario: ScenarioInfo;
  /** returns the task's exact id */
  addTask(spec: TaskSpec): string;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  requests(): RequestRecord[];
  clearRequests(): void;
  /** moves a task on by `steps` status steps (default 1) regardless of progression mode */
  advanceTask(id: string, steps?: number): void;
  /** adds the next task of the arrivals cycle now (see arrivals.ts), for `email` or the next account */
  addArrival(email?: string): string;
  /** the listening socket's real address (null once closed) */
  address(): { address: string; family: string; port: number } | null;
  /** a new (paid) account under a token, the token made if new: any printable token (real ones look like user:<digits>-<alnum>) */
  addAccount(token: string, email: string): void;
  /** the token is refused from now on (401), as after the user revoked it at useapi.net */
  revokeToken(token: string): void;
  /** also destroys open sockets */
  close(): Promise<void>;
}
