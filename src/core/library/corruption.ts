// Recognising a damaged index: SQLite's corruption errors, and a quick structural check on opening.
// A damaged index is never repaired in place: it is set aside and rebuilt from the folder (heal.ts).
// This file loads no native code (the API layer uses `isCorruptionError` before the ABI check).
import type { Database } from 'better-sqlite3';

/** SQLite's result codes for a damaged file (extended codes start with these). */
const CORRUPTION_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB'];
const CORRUPTION_MESSAGES =
  /database disk image is malformed|file is not a database|file is encrypted or is not a database/i;

/** True for SQLite's "the file is damaged" errors, whichever layer rethrew them. */
export function isCorruptionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CORRUPTION_CODES.some((prefix) => code.startsWith(prefix))) return true;
    if (CORRUPTION_MESSAGES.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

export interface QuickCheckOptions {
  /**
   * How long the check may take. Tables are checked one at a time (`PRAGMA quick_check(table)`,
   * each with its indexes) until the time is spent; the rest is left to the corruption errors a
   * later read raises. 0 checks nothing beyond reading the schema.
   */
  budgetMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface QuickCheckResult {
  ok: boolean;
  /** SQLite's first complaint, when not ok. */
  problem: string | null;
  /** Tables checked, and tables left unchecked because the time was spent. */
  checked: number;
  skipped: number;
}

/** Default time for the check on opening: a small library is checked whole, a big one in part. */
export const QUICK_CHECK_BUDGET_MS = 1500;

/**
 * `PRAGMA quick_check` bounded in time. SQLite has no time limit for it (the N of `quick_check(N)`
 * caps the errors reported, not the pages read) and better-sqlite3 cannot interrupt a statement,
 * so the check goes table by table, the small tables of the user's state first, and stops starting
 * new ones once the budget is spent. Reading the schema alone already catches a damaged header. The
 * free list is not part of a table's check: a damaged one shows on the write that takes a free page,
 * which the corruption watch below reports.
 */
export function quickCheck(db: Database, options: QuickCheckOptions = {}): QuickCheckResult {
  const now = options.now ?? Date.now;
  const budget = options.budgetMs ?? QUICK_CHECK_BUDGET_MS;
  const started = now();
  const result: QuickCheckResult = { ok: true, problem: null, checked: 0, skipped: 0 };
  try {
    const tables = db
      .prepare<[], { name: string; pages: number }>(
        `SELECT name, rootpage AS pages FROM sqlite_schema
         WHERE type = 'table' AND rootpage > 0 ORDER BY rootpage`,
      )
      .all();
    for (const table of tables) {
      if (now() - started >= budget) {
        result.skipped += 1;
        continue;
      }
      const rows = db
        .prepare(`PRAGMA quick_check(${quoteIdentifier(table.name)})`)
        .pluck()
        .all() as string[];
      result.checked += 1;
      if (rows.length !== 1 || rows[0] !== 'ok') {
        return { ...result, ok: false, problem: describeCheck(rows) };
      }
    }
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    return { ...result, ok: false, problem: (error as Error).message };
  }
  return result;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describeCheck(rows: readonly string[]): string {
  const first = rows.find((row) => row !== 'ok') ?? 'the check answered nothing';
  return first.replace(/\*\*\* in database main \*\*\*\s*/, '').split('\n')[0] ?? first;
}

/**
 * The database with every statement watched: the first corruption error any of them raises (the
 * sync engine swallows some of its own failures, so callers cannot be relied on to pass it on) is
 * reported once to `onCorruption`, then thrown on as before.
 */
export function watchCorruption(db: Database, onCorruption: (error: Error) => void): Database {
  let reported = false;
  const check = (error: unknown) => {
    if (!reported && error instanceof Error && isCorruptionError(error)) {
      reported = true;
      onCorruption(error);
    }
  };
  const watch = <T extends object>(target: T, wrapResult: (value: unknown) => unknown): T => {
    const wrapped = new Map<PropertyKey, unknown>();
    const proxy: T = new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== 'function') return value;
        let method = wrapped.get(key);
        if (!method) {
          method = (...args: unknown[]) => {
            try {
              const answer: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
              return answer === object ? proxy : wrapResult(answer);
            } catch (error) {
              check(error);
              throw error;
            }
          };
          wrapped.set(key, method);
        }
        return method;
      },
    });
    return proxy;
  };
  const statementOrValue = (value: unknown): unknown => {
    if (typeof value === 'function') {
      // db.transaction(fn): its commit can fail too.
      const run = value as (...a: unknown[]) => unknown;
      return Object.assign((...args: unknown[]) => {
        try {
          return run(...args);
        } catch (error) {
          check(error);
          throw error;
        }
      }, run);
    }
    if (value !== null && typeof value === 'object' && 'reader' in value && 'source' in value) {
      return watch(value, (inner) => inner);
    }
    return value;
  };
  return watch(db, statementOrValue);
}
