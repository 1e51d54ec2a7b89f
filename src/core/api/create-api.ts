// The handlers written once, behind one `dispatch(method, rawInput)` that both adapters call: the
// method name is checked, the input validated (a bad one answers `invalid_input` with the reason),
// the answer checked against the contract, and any failure turned into a typed error, never a crash.
import { CONTRACT, ContractError, isMethodName } from '../../shared/contract';
import type { CallResult, ContractErrorShape, MethodName, MethodOutput } from '../../shared/contract';
import type { z } from 'zod';
import { formatIssuePath } from '../../shared/useapi/parse';
import { redactSecrets } from '../settings/mask-token';
import type { ApiDeps, CallContext, HandlerContext, Handlers } from './context';
import type { Engine } from './ports/engine-port';
import { createEventBus } from './event-bus';
import { createLibraryHealer } from './heal-library';
import type { LibraryHealer } from './heal-library';
import type { EventBus } from './event-bus';
import { silentLogger, throttled } from './logger';
import { CursorError } from '../library/cursor';
import type { Logger } from './logger';
import { accountsHandlers } from './handlers/accounts';
import { appHandlers } from './handlers/app';
import { libraryHandlers } from './handlers/library';
import { settingsHandlers } from './handlers/settings';
import { tasksHandlers } from './handlers/tasks';
import { watchHandlers } from './handlers/watch';

export const HANDLERS: Handlers = {
  ...appHandlers,
  ...libraryHandlers,
  ...tasksHandlers,
  ...accountsHandlers,
  ...settingsHandlers,
  ...watchHandlers,
};

export interface Api {
  dispatch(method: string, rawInput: unknown, call?: CallContext): Promise<CallResult<unknown>>;
  /** Typed convenience over `dispatch` for in-process callers (CLI, tests). */
  call<M extends MethodName>(
    method: M,
    input: unknown,
    call?: CallContext,
  ): Promise<CallResult<MethodOutput<M>>>;
  readonly events: EventBus;
  readonly log: Logger;
  /** The library folder now (it can move while running). */
  libraryFolder(): string;
  /** Keeps a line for the UI (`app.info` notices), e.g. what healing a damaged index did at start. */
  addNotice(message: string): void;
  close(): Promise<void>;
}

/** `workId: expected a numeric id; limit: too big` — the first few problems with their paths. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${formatIssuePath(issue.path)}: ${issue.message}` : issue.message))
    .join('; ');
}

type PausedAccounts = HandlerContext['pausedAccounts'];
type Failure = { ok: false; error: ContractErrorShape };

/** The engine's events reach both adapters through the API's bus; its pauses are kept for accounts.list. */
function forwardEngineEvents(engine: Engine, events: EventBus, pausedAccounts: PausedAccounts): () => void {
  return engine.events.subscribe((event) => {
    if (event.name === 'account.paused') {
      pausedAccounts.set(event.payload.accountId, {
        reason: event.payload.reason,
        message: event.payload.message,
      });
    }
    events.emit(event.name, event.payload as never);
  });
}

/** A failed call as the contract answers it: typed, and never with a token in its words. */
function failureAnswer(deps: ApiDeps, log: Logger): (method: string, error: unknown) => Failure {
  const secretValues = () =>
    deps.secrets
      .list()
      .map(({ tokenId }) => deps.secrets.get(tokenId))
      .filter((t): t is string => typeof t === 'string');
  // A damaged cursor is the caller's mistake, and one it can repeat at will: 400, logged sparingly.
  const logBadCursor = throttled((message) => log.warn(message));
  return (method, error) => {
    if (error instanceof CursorError) {
      logBadCursor(`${method}: refused a damaged page cursor`);
      return { ok: false, error: { code: 'invalid_input', message: `${method}: ${error.message}` } };
    }
    if (error instanceof ContractError) {
      return {
        ok: false,
        error: { code: error.code, message: redactSecrets(error.message, secretValues()) },
      };
    }
    const detail = redactSecrets(error instanceof Error ? error.message : String(error), secretValues());
    log.error(`${method} failed: ${detail}`);
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${detail}` } };
  };
}

/** Runs the method's handler and checks its answer against the contract before it leaves. */
async function answer(method: MethodName, input: unknown, ctx: HandlerContext): Promise<CallResult<unknown>> {
  const handler = HANDLERS[method] as (input: unknown, ctx: HandlerContext) => unknown;
  const value = await handler(input, ctx);
  if (ctx.deps.validateOutputs === false) return { ok: true, value };
  // Parsing also drops any field the contract does not name, so nothing extra can leak out.
  const checked = CONTRACT[method].output.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  ctx.log.error(`${method} answered off-contract: ${describeIssues(checked.error)}`);
  return {
    ok: false,
    error: { code: 'internal', message: `${method} produced an answer that does not match the contract.` },
  };
}

type CallState = Omit<HandlerContext, 'call'> & {
  healer: LibraryHealer;
  failure: ReturnType<typeof failureAnswer>;
};

/** `dispatch`: the name checked, the input validated, the handler run, any failure typed. */
function dispatcher(state: CallState): Api['dispatch'] {
  const { healer, failure, ...context } = state;
  return async (method, rawInput, call = {}) => {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: { code: 'not_found', message: `Unknown method '${String(method).slice(0, 100)}'.` },
      };
    }
    const parsed = CONTRACT[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: `${method}: ${describeIssues(parsed.error)}` },
      };
    }
    try {
      return await answer(method, parsed.data, { ...context, call });
    } catch (error) {
      return (await healer.answer(error)) ?? failure(method, error);
    }
  };
}

export function createApi(deps: ApiDeps): Api {
  const log = deps.log ?? silentLogger;
  const events = createEventBus((message) => log.warn(message));
  const pausedAccounts: PausedAccounts = new Map();
  const notices: string[] = [];
  const unsubscribeEngine = deps.engine
    ? forwardEngineEvents(deps.engine, events, pausedAccounts)
    : undefined;
  const healer = createLibraryHealer(deps, log);
  // A damaged index met by anyone (the engine swallows its own failures) is healed at once.
  const unsubscribeDamage = deps.library.onDamaged((error) => void healer.heal(error.message));
  const dispatch = dispatcher({
    deps,
    events,
    log,
    library: () => deps.library.open(),
    pausedAccounts,
    notices,
    healer,
    failure: failureAnswer(deps, log),
  });
  return {
    dispatch,
    call: (method, input, call) => dispatch(method, input, call) as never,
    events,
    log,
    libraryFolder: () => deps.settings.read().libraryFolder,
    addNotice: (message) => void notices.push(message),
    async close() {
      unsubscribeEngine?.();
      unsubscribeDamage();
      deps.library.close();
    },
  };
}
