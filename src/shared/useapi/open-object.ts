// The one reading rule of the useapi.net model: real answers send `null` for empty optional fields
// (`etaTime`, `scene`, `selfComment`, `downloadInfo`, ...) where the reference page shows a value,
// so an object of the model treats a `null` in any of its optional fields as that field being
// absent, before it checks anything. Required fields are untouched (a `null` there stays an error,
// with its path), and fields the model does not know keep whatever they hold, `null` included.
// The raw answer text is what the library stores; this only decides what the model reads.
import { z } from 'zod';

type Shape = Record<string, z.ZodType>;

/** True when the field may be left out (its schema accepts a missing value). */
function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/** A loose object (unknown fields kept) whose optional fields read `null` as absent. */
export function openObject<S extends Shape>(shape: S) {
  const optionalKeys = Object.keys(shape).filter((key) => isOptional(shape[key] as z.ZodType));
  const dropNulls = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    if (!optionalKeys.some((key) => record[key] === null)) return value;
    const copy = { ...record };
    for (const key of optionalKeys) if (copy[key] === null) delete copy[key];
    return copy;
  };
  return z.preprocess(dropNulls, z.looseObject(shape));
}
