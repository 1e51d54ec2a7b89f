// The handlers written once, behind one `dispatch(method, rawInput)` that both adapters call: the
// method name is checked, the input validated (a bad one answers `invalid_input` with the reason),
// the answer checked against the contract, and any failure turned into a typed error, never a crash.
import { CONTRACT, ContractError, isMethodName } from '../../shared/contract';
import type { CallResult, ContractErrorShape, MethodName, MethodOutput } from '../../shared/contract';
import type { z } from 'zod';
import { formatIssuePath } from '../../shared/useapi/parse';
import { redactSecrets } from '../settings/mask-token';
import type { ApiDeps, CallContext, HandlerContext, Handlers } from './context';
import { createEventBus } from './event-bus';
import { createLibraryHealer } from './heal-library';
import type { EventBus } from './event-bus';
import type { LibraryPort } from './ports/library-port';
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

export function createApi(deps: ApiDeps): Api {
  const log = deps.log ?? silentLogger;
  const events = createEventBus((message) => log.warn(message));
  const pausedAccounts = new Map<string, { reason: string; message: string }>();
  const notices: string[] = [];
  let library: Promise<LibraryPort> | undefined;

  const unsubscribeEngine = deps.engine?.events.subscribe((event) => {
    if (event.name === 'account.paused') {
      pausedAccounts.set(event.payload.accountId, {
        reason: event.payload.reason,
        message: event.payload.message,
      });
    }
    events.emit(event.name, event.payload as never);
  });

  function openLibrary(): Promise<LibraryPort> {
    const open = deps.openLibrary;
    if (!open) {
      return Promise.reject(
        new ContractError('unavailable', 'The library is not available in this version yet.'),
      );
    }
    if (!library) {
      const folder = deps.settings.read().libraryFolder;
      library = Promise.resolve()
        .then(() => open(folder))
        .catch((error: unknown) => {
          library = undefined;
          const message = error instanceof Error ? error.message : String(error);
          throw new ContractError('unavailable', `The library in ${folder} cannot be opened: ${message}`);
        });
    }
    return library;
  }

  async function closeLibrary(): Promise<void> {
    const current = library;
    library = undefined;
    await current?.then((l) => l.close()).catch(() => undefined);
  }

  const healer = createLibraryHealer(deps, closeLibrary, log);
  const unsubscribeDamage = deps.engine?.onLibraryDamaged?.((error) => void healer.heal(error.message));

  const secretValues = () =>
    deps.secrets
      .list()
      .map(({ tokenId }) => deps.secrets.get(tokenId))
      .filter((t): t is string => typeof t === 'string');

  // A damaged cursor is the caller's mistake, and one it can repeat at will: 400, logged sparingly.
  const logBadCursor = throttled((message) => log.warn(message));

  function failure(method: string, error: unknown): { ok: false; error: ContractErrorShape } {
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
  }

  async function dispatch(
    method: string,
    rawInput: unknown,
    call: CallContext = {},
  ): Promise<CallResult<unknown>> {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: { code: 'not_found', message: `Unknown method '${String(method).slice(0, 100)}'.` },
      };
    }
    const spec = CONTRACT[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: `${method}: ${describeIssues(parsed.error)}` },
      };
    }
    const ctx: HandlerContext = {
      deps,
      events,
      log,
      call,
      library: openLibrary,
      closeLibrary,
      pausedAccounts,
      notices,
    };
    try {
      const handler = HANDLERS[method] as (input: unknown, ctx: HandlerContext) => unknown;
      const value = await handler(parsed.data, ctx);
      if (deps.validateOutputs === false) return { ok: true, value };
      // Parsing also drops any field the contract does not name, so nothing extra can leak out.
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        log.error(`${method} answered off-contract: ${describeIssues(checked.error)}`);
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `${method} produced an answer that does not match the contract.`,
          },
        };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      return (await healer.answer(error)) ?? failure(method, error);
    }
  }

  return {
    dispatch,
    call: (method, input, call) => dispatch(method, input, call) as never,
    events,
    log,
    libraryFolder: () => deps.settings.read().libraryFolder,
    addNotice: (message) => void notices.push(message),
    async close() {
      unsubscribeEngine?.();
      unsubscribeDamage?.();
      await closeLibrary();
    },
  };
}
