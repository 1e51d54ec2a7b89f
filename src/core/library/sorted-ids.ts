// Sets of work ids kept as ascending Float64Arrays (exact: ids are safe integers, see work-key.ts):
// compact, read by binary search, and patched by block copies rather than rebuilt.

/** Whether `id` is in `ids` (ascending). */
export function includes(ids: Float64Array, id: number): boolean {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = ids[middle] as number;
    if (value === id) return true;
    if (value < id) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** The first index of `ids` (ascending) at or after `from` whose value is not below `value`. */
function lowerBound(ids: Float64Array, value: number, from: number): number {
  let low = from;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `ids` (ascending) without `removed` and with `added` (`added` among them when both name a work),
 * still ascending: a few binary searches and block copies, not a pass over every id. Sorts
 * `removed` and `added` in place.
 */
export function replaceMembers(ids: Float64Array, removed: Float64Array, added: Float64Array): Float64Array {
  removed.sort();
  added.sort();
  const out = new Float64Array(ids.length + added.length);
  let length = 0;
  let from = 0;
  let r = 0;
  let a = 0;
  while (r < removed.length || a < added.length) {
    const adding = a < added.length && (r >= removed.length || (added[a] as number) < (removed[r] as number));
    const value = (adding ? added[a] : removed[r]) as number;
    const at = lowerBound(ids, value, from);
    out.set(ids.subarray(from, at), length);
    length += at - from;
    from = at;
    if (adding) {
      // Once only: not when still in `ids` (kept) or just written (`added` twice).
      if (ids[at] !== value && (length === 0 || out[length - 1] !== value)) out[length++] = value;
      a += 1;
    } else {
      if (ids[at] === value) from = at + 1;
      r += 1;
    }
  }
  out.set(ids.subarray(from), length);
  return out.subarray(0, length + ids.length - from);
}

export function isAscending(ids: Float64Array): boolean {
  for (let index = 1; index < ids.length; index += 1) {
    if ((ids[index] as number) < (ids[index - 1] as number)) return false;
  }
  return true;
}
