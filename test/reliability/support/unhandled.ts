/**
 * Collects the process's unhandled promise rejections while `body` runs (plus a short grace period), in place
 * of vitest's own handler, so a test can assert on them instead of the whole run being flagged.
 */
export async function capturingUnhandledRejections<T>(
  body: () => Promise<T>,
  graceMs = 100,
): Promise<{ result: T | undefined; error: unknown; unhandled: unknown[] }> {
  const saved = process.listeners("unhandledRejection");
  const unhandled: unknown[] = [];
  const capture = (reason: unknown) => {
    unhandled.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", capture);
  try {
    let result: T | undefined;
    let error: unknown = null;
    try {
      result = await body();
    } catch (e) {
      error = e;
    }
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    return { result, error, unhandled };
  } finally {
    process.off("unhandledRejection", capture);
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
}
