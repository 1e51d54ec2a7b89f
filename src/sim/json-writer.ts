// Writes JSON text by hand so ids reach the wire as raw JSON numbers with every digit intact:
// useapi.net sends ids like 9007199254740993 unquoted, and a JS number cannot hold them.

/** A JSON number kept as its exact decimal text. */
export class RawNumber {
  constructor(readonly digits: string) {
    if (!/^-?(0|[1-9]\d*)$/.test(digits))
      throw new Error(`not an integer literal: ${JSON.stringify(digits)}`);
  }
}

/** An id (exact decimal string) written as a raw JSON number. */
export function idNumber(digits: string): RawNumber {
  return new RawNumber(digits);
}

/** Compact JSON; RawNumber values are written verbatim; undefined object members are left out. */
export function writeJson(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof RawNumber) return value.digits;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as JSON`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => writeJson(item)).join(',')}]`;
      const members: string[] = [];
      for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${writeJson(member)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new Error(`cannot write a ${typeof value} as JSON`);
  }
}
