// How a failure crosses the process boundary: one small typed shape, never a stack trace.
import { z } from 'zod';

export const ERROR_CODES = ['invalid_input', 'not_found', 'unavailable', 'conflict', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ContractErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});
export type ContractErrorShape = z.infer<typeof ContractErrorSchema>;

/** Thrown by handlers to answer a specific error; anything else thrown becomes `internal`. */
export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toShape(): ContractErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** What every call answers, over either transport. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ContractErrorShape };
