// Fault registry: each fault spoils the next N requests whose path matches, then the requests succeed,
// so a client's retry and resume logic can be exercised step by step.
import type { FaultKind, FaultSpec } from './types';

const KINDS: readonly FaultKind[] = [
  'reset-mid-body',
  'truncate-body',
  'rate-limit',
  'server-error',
  'malformed-json',
  'stall',
  'ignore-range',
  'change-etag',
];

interface ActiveFault {
  spec: FaultSpec;
  pattern: RegExp;
  remaining: number; // Infinity = forever
}

export interface FaultRequest {
  method: string;
  path: string;
  hasRange: boolean;
}

/** Throws a clear error for a spec the simulator cannot honour. */
export function validateFault(spec: FaultSpec): void {
  if (!spec || typeof spec !== 'object') throw new Error('fault: an object is required');
  if (typeof spec.path !== 'string' || !spec.path.startsWith('/'))
    throw new Error('fault.path: a path starting with "/"');
  if (!KINDS.includes(spec.kind)) throw new Error(`fault.kind: one of ${KINDS.join(', ')}`);
  const counts: Array<[string, unknown]> = [
    ['times', spec.times],
    ['retryAfterSeconds', spec.retryAfterSeconds],
    ['stallMs', spec.stallMs],
    ['afterBytes', spec.afterBytes],
  ];
  for (const [name, value] of counts) {
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isInteger(value) || (name !== 'times' && value < 0))
    ) {
      throw new Error(`fault.${name}: an integer${name === 'times' ? '' : ' >= 0'}`);
    }
  }
  if (spec.status !== undefined) {
    const allowed =
      spec.kind === 'rate-limit' ? [429] : spec.kind === 'server-error' ? [500, 502, 503, 504] : [];
    if (!allowed.includes(spec.status))
      throw new Error(`fault.status: ${allowed.join(', ') || 'not used by this kind'}`);
  }
}

function patternOf(path: string): RegExp {
  // A trailing '$' anchors the end: '/v1/kling/tasks$' is the history call only, not /tasks/{id}.
  const exact = path.endsWith('$');
  const escaped = (exact ? path.slice(0, -1) : path)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}${exact ? '$' : ''}`);
}

/** Kinds that need a body to act on; they leave HEAD requests alone. */
const BODY_KINDS = new Set<FaultKind>(['reset-mid-body', 'truncate-body', 'malformed-json']);

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    validateFault(spec);
    const times = spec.times ?? 1;
    this.faults.push({
      spec: { ...spec },
      pattern: patternOf(spec.path),
      remaining: times <= 0 ? Infinity : times,
    });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Array<FaultSpec & { remaining: number | null }> {
    return this.faults.map((fault) => ({
      ...fault.spec,
      remaining: Number.isFinite(fault.remaining) ? fault.remaining : null,
    }));
  }

  /** The first fault that applies to this request, counted as used; null when none does. */
  take(request: FaultRequest): FaultSpec | null {
    for (const fault of this.faults) {
      if (!fault.pattern.test(request.path)) continue;
      if (fault.spec.method && fault.spec.method.toUpperCase() !== request.method) continue;
      const kind = fault.spec.kind;
      if (
        request.method === 'HEAD' &&
        (BODY_KINDS.has(kind) || (kind === 'stall' && fault.spec.afterBytes !== undefined))
      )
        continue;
      if (kind === 'ignore-range' && !request.hasRange) continue;
      if ((kind === 'ignore-range' || kind === 'change-etag') && !request.path.startsWith('/media/'))
        continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
      return fault.spec;
    }
    return null;
  }
}
