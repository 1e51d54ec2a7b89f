// Reads useapi.net JSON without losing digits: `JSON.parse` turns an id above 2^53 into a nearby
// different number, so every number is read as its raw decimal text first (lossless-json) and then
// settled: ids become exact decimal strings, everything else a number when that is lossless.
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/** Keys whose numbers are identifiers: `id`, `userId`, `workId`, `fromUploadId`, `workIds`, ... */
export function isIdKey(key: string): boolean {
  return key === 'id' || key === 'ids' || /^[a-z][A-Za-z0-9]*Ids?$/.test(key);
}

function settle(value: unknown, asId: boolean): unknown {
  if (isLosslessNumber(value)) {
    const text = value.toString();
    if (asId) return text;
    // A number we cannot hold exactly keeps its exact text rather than silently changing.
    return isSafeNumber(text) ? Number(text) : text;
  }
  if (Array.isArray(value)) return value.map((item) => settle(item, asId));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = settle(child, isIdKey(key));
    return out;
  }
  return value;
}

/** Parses JSON text; throws SyntaxError on invalid JSON. Ids come back as exact decimal strings. */
export function parseExactJson(text: string): unknown {
  return settle(parse(text), false);
}

function unsettle(value: unknown, asId: boolean): unknown {
  if (asId && typeof value === 'string' && /^\d+$/.test(value)) return new LosslessNumber(value);
  if (Array.isArray(value)) return value.map((item) => unsettle(item, asId));
  if (value !== null && typeof value === 'object' && !isLosslessNumber(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = unsettle(child, isIdKey(key));
    return out;
  }
  return value;
}

/** The inverse of parseExactJson: ids written back as raw JSON numbers, exactly as the API sends them. */
export function stringifyExact(value: unknown, space?: number): string {
  return stringify(unsettle(value, false), null, space) ?? 'null';
}
