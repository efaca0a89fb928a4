/** Polls `check` until it returns a value other than undefined, or fails with `message` at the deadline. */
export async function waitFor<T>(params: { check: () => Promise<T | undefined>; timeoutMs: number; message: () => string; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + params.timeoutMs;
  for (;;) {
    const value = await params.check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${params.timeoutMs} ms: ${params.message()}`);
    await new Promise((r) => setTimeout(r, params.intervalMs ?? 200));
  }
}
