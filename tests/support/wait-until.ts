// Waits for a condition that real I/O brings about (a file written, a request answered, an event
// arrived): it checks every `everyMs` and fails with what it waited for, never sleeping a fixed time.
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what = 'a condition',
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
