// Whether an error means the app's core could not be reached (not an answer it gave).

/** An error that says the core could not be reached (not one the core answered with). */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return (
    (name === 'ContractCallError' && code === 'transport') ||
    (error instanceof TypeError && /fetch/i.test(error.message))
  );
}

/** A call given up on by its caller (an AbortSignal): not a failure of the core or the network. */
export function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
