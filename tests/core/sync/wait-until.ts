// Waits for a condition the engine brings about on real I/O (a file written, a request answered):
// it checks every 10 ms and fails with what it waited for, never sleeping a fixed time.
export async function waitUntil(
  condition: () => boolean,
  what = 'a condition',
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
