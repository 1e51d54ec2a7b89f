// The simulated accounts and tasks, and the task state machine: 5 submitted → 10 processing → final
// (99 succeed, or a failure number), advanced per poll of GET /tasks/{id} or by the clock.
// Ids are exact decimal strings throughout; BigInt is used only to make new ones.
import { DEMO_IMAGES, DEMO_VIDEOS } from './demo-media';
import { seedOf } from './generated-bytes';
import type { Progression, TaskKind, TaskSpec } from './types';

export interface SimAccount {
  token: string;
  email: string;
  userId: string;
  plan: 'paid' | 'free';
  /** credits, as GET /accounts/{email} reports them */
  balance: number;
  maxJobs: number;
  /** session expiry, ms since epoch */
  expireTime: number;
}

export type WorkMedia =
  { kind: 'demo'; name: string } | { kind: 'generated'; bytes: number; seed: number; cleanSeed: number };

export interface SimWork {
  workId: string;
  contentType: 'video' | 'image';
  media: WorkMedia;
  width: number;
  height: number;
  durationMs: number;
}

export type Outcome =
  | { kind: 'succeed' }
  | { kind: 'fail'; status: number; message: string }
  | { kind: 'not-found' }
  | { kind: 'late'; notFoundPolls: number };

export interface SimTask {
  id: string;
  token: string;
  email: string;
  userId: string;
  kind: TaskKind;
  type: string;
  prompt: string;
  negativePrompt: string;
  duration: '5' | '10';
  klingVersion: string;
  aspectRatio: '16:9' | '9:16' | '1:1';
  outcome: Outcome;
  createTime: number;
  stepMs: number;
  initialStep: number;
  /** steps added by advanceTask */
  advancedSteps: number;
  /** answered GETs of /tasks/{id} (per-poll progression) */
  polls: number;
  /** 404s answered so far (late tasks) */
  notFoundAnswered: number;
  /** when the task entered its initial step: creation for submitted tasks, when added for processing ones */
  startedAt: number;
  /** when each step was first seen; index = step */
  stepTimes: Array<number | undefined>;
  works: SimWork[];
  /** see TaskSpec.etaUnknown */
  etaUnknown: boolean;
}

export interface TaskSnapshot {
  status: number;
  statusName: string;
  final: boolean;
  message: string;
  updateTime: number;
  etaTime: number | null;
  etaTimeOverSla: boolean | null;
  queuingEtaTime: number | null;
  originEtaTime: number | null;
  originQueuingEtaTime: number | null;
  viewed: boolean;
  viewTime: number;
  now: number;
}

export const TASK_TYPES: Record<TaskKind, string> = {
  txt2video: 'm2v_txt2video_hq',
  img2video: 'm2v_img2video_hq',
  txt2img: 'mmu_txt2img_aiweb',
};

/** The messages useapi.net documents for each failure number. */
export function failureMessage(status: number): string {
  switch (status) {
    case 7:
      return 'The input prompt contains sensitive words';
    case 9:
    case 50:
      return 'Change the input prompt and try again';
    case 6:
      return 'Task failed';
    default:
      return `Generation failed (status ${status})`;
  }
}

const TWO_POW_53 = 2n ** 53n;
const ID_TEXT = /^[1-9]\d{0,19}$/;
const MAX_ID = 2n ** 64n - 1n;

export function isBeyondSafeInteger(id: string): boolean {
  return BigInt(id) > TWO_POW_53;
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface StateOptions {
  progression: Progression;
  pollsPerStep: number;
  stepMs: number;
  now: () => number;
  /** answers about tasks carry nulls, unknown fields and odd key order (see nulls.ts) */
  nulls?: boolean;
}

export class SimState {
  readonly accounts: SimAccount[] = [];
  /** token → its accounts, in configuration order (a token may have none) */
  readonly tokens = new Map<string, SimAccount[]>();
  readonly tasks = new Map<string, SimTask>();
  private idCounter = 0n;
  private workCounter = 0n;

  constructor(readonly options: StateOptions) {}

  now(): number {
    return this.options.now();
  }

  addToken(token: string): void {
    // Real tokens look like user:<digits>-<letters>; any printable one is taken, so that tests can use
    // tokens no pattern recognises (the archive must scrub them by value).
    if (!/^[\x21-\x7e]{8,500}$/.test(token))
      throw new Error(`token ${token} is not 8 to 500 printable characters without spaces`);
    if (!this.tokens.has(token)) this.tokens.set(token, []);
  }

  addAccount(account: Omit<SimAccount, 'expireTime'> & { expireTime?: number }): SimAccount {
    this.addToken(account.token);
    if (this.accounts.some((other) => other.email === account.email))
      throw new Error(`account ${account.email} exists`);
    const full: SimAccount = { expireTime: this.now() + 30 * 86_400_000, ...account };
    this.accounts.push(full);
    this.tokens.get(account.token)?.push(full);
    return full;
  }

  account(token: string, email: string): SimAccount | undefined {
    return this.tokens.get(token)?.find((account) => account.email === email);
  }

  private newTaskId(): string {
    // Cycle through a plain id, one just beyond 2^53, and a 20-digit one near 2^64, so every client path
    // meets ids a JS number would corrupt.
    for (;;) {
      const n = this.idCounter++;
      const id =
        n % 3n === 0n
          ? 900_000_000n + n
          : n % 3n === 1n
            ? TWO_POW_53 + 1n + 2n * n
            : 18_446_744_073_709_551_615n - n;
      if (!this.tasks.has(id.toString())) return id.toString();
    }
  }

  private newWorkId(big: boolean): string {
    const n = this.workCounter++;
    return (big ? 9_223_372_036_854_775_808n + n : 700_000_000n + n).toString();
  }

  addTask(spec: TaskSpec): SimTask {
    const token = spec.token ?? this.tokens.keys().next().value;
    if (token === undefined || !this.tokens.has(token)) throw new Error('addTask: unknown token');
    const accounts = this.tokens.get(token) ?? [];
    const account = spec.email === undefined ? accounts[0] : accounts.find((a) => a.email === spec.email);
    if (!account) throw new Error(`addTask: no account ${spec.email ?? '(first)'} under that token`);
    checkTaskSpec(spec);
    if (spec.id !== undefined && this.tasks.has(spec.id)) throw new Error(`addTask: task ${spec.id} exists`);
    const id = spec.id ?? this.newTaskId();
    const kind: TaskKind = spec.kind ?? 'txt2video';
    if (!(kind in TASK_TYPES)) throw new Error('addTask: kind must be txt2video, img2video or txt2img');
    const outcome = normaliseOutcome(spec.outcome);
    const worksCount = spec.works ?? (kind === 'txt2img' ? 4 : 1);
    if (!Number.isInteger(worksCount) || worksCount < 1 || worksCount > 16)
      throw new Error('addTask: works must be 1-16');
    const initialStep = { submitted: 0, processing: 1, final: 2 }[spec.initialState ?? 'submitted'];
    if (initialStep === undefined)
      throw new Error('addTask: initialState must be submitted, processing or final');
    const now = this.now();
    const createTime = spec.createTime ?? (initialStep === 2 ? now - 300_000 : now);
    if (!Number.isSafeInteger(createTime) || createTime < 0)
      throw new Error('addTask: createTime must be ms since epoch');
    const seed = seedOf(id);
    const aspectRatio = spec.aspectRatio ?? (kind === 'txt2img' ? '1:1' : seed % 2 === 0 ? '16:9' : '9:16');
    const duration = spec.duration ?? '5';
    const big = isBeyondSafeInteger(id);
    const workIds = spec.workIds ?? [];
    if (workIds.length > 0 && workIds.length !== worksCount && spec.works !== undefined) {
      throw new Error('addTask: workIds and works disagree');
    }
    const count = workIds.length > 0 ? workIds.length : worksCount;
    const works: SimWork[] = [];
    for (let k = 0; k < count; k++) {
      const workId = workIds[k] ?? this.newWorkId(big);
      if (!ID_TEXT.test(workId) || BigInt(workId) > MAX_ID)
        throw new Error('addTask: workIds must be decimal strings');
      works.push(makeWork(kind, workId, seed + k, aspectRatio, duration, spec.mediaBytes));
    }
    const task: SimTask = {
      id,
      token,
      email: account.email,
      userId: account.userId,
      kind,
      type: TASK_TYPES[kind],
      prompt: spec.prompt ?? 'A paper boat drifting down a rain-soaked street at dusk',
      negativePrompt: spec.negativePrompt ?? '',
      duration,
      klingVersion: spec.klingVersion ?? (kind === 'txt2img' ? '1.5' : '2.0'),
      aspectRatio,
      outcome,
      createTime,
      stepMs: spec.stepMs ?? this.options.stepMs,
      initialStep,
      advancedSteps: 0,
      polls: 0,
      notFoundAnswered: 0,
      startedAt:
        initialStep === 0 ? createTime : initialStep === 1 ? Math.max(createTime, now) : createTime + 180_000,
      stepTimes: [],
      works,
      etaUnknown: spec.etaUnknown ?? false,
    };
    task.stepTimes[initialStep] = task.startedAt;
    this.tasks.set(id, task);
    return task;
  }

  /** Whether the task exists as far as the API is concerned right now. */
  visible(task: SimTask): boolean {
    if (task.outcome.kind === 'not-found') return false;
    if (task.outcome.kind === 'late') return task.notFoundAnswered >= task.outcome.notFoundPolls;
    return true;
  }

  step(task: SimTask): number {
    const now = this.now();
    const elapsed =
      this.options.progression === 'per-poll'
        ? Math.floor(task.polls / this.options.pollsPerStep)
        : Math.floor(Math.max(0, now - task.startedAt) / task.stepMs);
    const step = Math.min(2, task.initialStep + task.advancedSteps + elapsed);
    for (let s = task.initialStep + 1; s <= step; s++) {
      if (task.stepTimes[s] === undefined) {
        task.stepTimes[s] =
          this.options.progression === 'clock' ? task.startedAt + (s - task.initialStep) * task.stepMs : now;
      }
    }
    return step;
  }

  snapshot(task: SimTask): TaskSnapshot {
    const now = this.now();
    const step = this.step(task);
    const updateTime = task.stepTimes[step] ?? task.createTime;
    if (step === 2) {
      const succeeded = task.outcome.kind !== 'fail';
      return {
        status: task.outcome.kind === 'fail' ? task.outcome.status : 99,
        statusName: succeeded ? 'succeed' : 'failed',
        final: true,
        message: task.outcome.kind === 'fail' ? task.outcome.message : 'success',
        updateTime,
        etaTime: 0,
        etaTimeOverSla: false,
        queuingEtaTime: 0,
        originEtaTime: 0,
        originQueuingEtaTime: 0,
        viewed: true,
        viewTime: updateTime + 1_000,
        now,
      };
    }
    // ETA fields are ms-since-epoch timestamps (like currentTimestamp). origin*: the estimate made at
    // submission; etaTime / queuingEtaTime: the current estimate, never in the past while the task runs.
    const enteredAt = task.stepTimes[step] ?? task.startedAt;
    const expectedEnd = enteredAt + (2 - step) * task.stepMs;
    const eta = task.etaUnknown
      ? {
          etaTime: null,
          etaTimeOverSla: null,
          queuingEtaTime: null,
          originEtaTime: null,
          originQueuingEtaTime: null,
        }
      : {
          etaTime: Math.max(expectedEnd, now + 1_000),
          etaTimeOverSla: now > expectedEnd,
          queuingEtaTime: step === 0 ? Math.max(enteredAt + task.stepMs, now + 500) : 0,
          originEtaTime: task.createTime + 2 * task.stepMs,
          originQueuingEtaTime: task.createTime + task.stepMs,
        };
    return {
      status: step === 0 ? 5 : 10,
      statusName: step === 0 ? 'submitted' : 'processing',
      final: false,
      message: '',
      updateTime,
      ...eta,
      viewed: false,
      viewTime: 0,
      now,
    };
  }

  /** Counts one answered GET /tasks/{id}: the next one may see the next step. */
  countPoll(task: SimTask): void {
    task.polls += 1;
  }

  advance(id: string, steps: number): void {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`advanceTask: no task ${id}`);
    if (!Number.isInteger(steps) || steps < 0) throw new Error('advanceTask: steps must be an integer >= 0');
    task.advancedSteps += steps;
    if (task.outcome.kind === 'late')
      task.notFoundAnswered = Math.max(task.notFoundAnswered, task.outcome.notFoundPolls);
    this.step(task);
  }

  /** The account's visible tasks, newest first (createTime, then id). */
  tasksOf(account: SimAccount): SimTask[] {
    return [...this.tasks.values()]
      .filter((task) => task.token === account.token && task.email === account.email && this.visible(task))
      .sort((a, b) => b.createTime - a.createTime || compareIds(b.id, a.id));
  }
}

function normaliseOutcome(outcome: TaskSpec['outcome']): Outcome {
  if (outcome === undefined || outcome === 'succeed') return { kind: 'succeed' };
  if (outcome === 'not-found') return { kind: 'not-found' };
  if (typeof outcome === 'object' && outcome !== null && 'failStatus' in outcome) {
    const status = outcome.failStatus;
    if (!Number.isInteger(status) || status < 0 || [5, 10, 99].includes(status)) {
      throw new Error('addTask: failStatus must be an integer other than 5, 10 and 99');
    }
    return { kind: 'fail', status, message: outcome.message ?? failureMessage(status) };
  }
  if (typeof outcome === 'object' && outcome !== null && 'notFoundPolls' in outcome) {
    if (!Number.isInteger(outcome.notFoundPolls) || outcome.notFoundPolls < 0)
      throw new Error('addTask: notFoundPolls >= 0');
    return { kind: 'late', notFoundPolls: outcome.notFoundPolls };
  }
  throw new Error("addTask: outcome must be 'succeed', 'not-found', { failStatus } or { notFoundPolls }");
}

function makeWork(
  kind: TaskKind,
  workId: string,
  pick: number,
  aspectRatio: '16:9' | '9:16' | '1:1',
  duration: '5' | '10',
  mediaBytes: number | undefined,
): SimWork {
  const portrait = aspectRatio === '9:16';
  if (kind === 'txt2img') {
    const image = DEMO_IMAGES[pick % DEMO_IMAGES.length] ?? DEMO_IMAGES[0]!;
    const media: WorkMedia =
      mediaBytes === undefined
        ? { kind: 'demo', name: image.name }
        : {
            kind: 'generated',
            bytes: mediaBytes,
            seed: seedOf(workId),
            cleanSeed: seedOf(`${workId}:clean`),
          };
    return { workId, contentType: 'image', media, width: image.width, height: image.height, durationMs: 0 };
  }
  if (mediaBytes !== undefined) {
    return {
      workId,
      contentType: 'video',
      media: {
        kind: 'generated',
        bytes: mediaBytes,
        seed: seedOf(workId),
        cleanSeed: seedOf(`${workId}:clean`),
      },
      width: portrait ? 1080 : 1920,
      height: portrait ? 1920 : 1080,
      durationMs: Number(duration) * 1000 + 41,
    };
  }
  const choices = DEMO_VIDEOS.filter((video) => video.height > video.width === portrait);
  const video = choices[pick % choices.length] ?? DEMO_VIDEOS[0]!;
  return {
    workId,
    contentType: 'video',
    media: { kind: 'demo', name: video.name },
    width: video.width,
    height: video.height,
    durationMs: video.durationMs,
  };
}

/** The checks of a task spec that need nothing but the spec: a bad one is refused before anything changes. */
function checkTaskSpec(spec: TaskSpec): void {
  if (spec.id !== undefined) {
    if (typeof spec.id !== 'string' || !ID_TEXT.test(spec.id) || BigInt(spec.id) > MAX_ID) {
      throw new Error('addTask: id must be a decimal string of 1-20 digits (at most 2^64-1)');
    }
  }
  if (
    spec.mediaBytes !== undefined &&
    (!Number.isSafeInteger(spec.mediaBytes) || spec.mediaBytes < 0 || spec.mediaBytes > 2 ** 40)
  ) {
    throw new Error('addTask: mediaBytes must be an integer from 0 to 2^40');
  }
  if (spec.stepMs !== undefined && (!Number.isFinite(spec.stepMs) || spec.stepMs <= 0))
    throw new Error('addTask: stepMs > 0');
  if (spec.duration !== undefined && spec.duration !== '5' && spec.duration !== '10')
    throw new Error("addTask: duration '5' or '10'");
}
