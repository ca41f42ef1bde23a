/**
 * Retries with exponential backoff and full jitter, bounded by an attempt count and an overall
 * deadline. Each attempt also gets its own timeout (never beyond the deadline) so one hung request
 * cannot eat the whole budget.
 */

export interface RetryPolicy {
  /** Total attempts, including the first. */
  maxAttempts: number;
  /** Wall-clock budget for all attempts and waits together. */
  deadlineMs: number;
  /** Longest a single attempt may take. */
  attemptTimeoutMs: number;
  /** First backoff ceiling; doubles per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  deadlineMs: 60_000,
  attemptTimeoutMs: 30_000,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};

/** Thrown into an attempt that ran out of time; retryable. */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`attempt timed out after ${ms} ms`);
    this.name = "AttemptTimeoutError";
  }
}

export interface RetryOptions {
  /** What is being done, for the final error, e.g. `S3 GET s3://bucket/key bytes=0-7`. */
  what: string;
  policy: RetryPolicy;
  isRetryable(error: unknown): boolean;
  /** Turns a cause into the text shown in the final error (e.g. to redact secrets). */
  describeCause?(error: unknown): string;
  /** Called before each wait (for logging). */
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

/** Runs `attempt` until it succeeds, fails permanently, or the attempts/deadline run out. */
export async function withRetries<T>(
  options: RetryOptions,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { policy } = options;
  const startedAt = Date.now();
  const deadline = startedAt + policy.deadlineMs;
  let attemptsMade = 0;
  let lastError: unknown;
  let stopReason = "";

  while (attemptsMade < policy.maxAttempts) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      stopReason = "deadline reached";
      break;
    }
    attemptsMade += 1;
    try {
      return await runWithTimeout(attempt, Math.min(policy.attemptTimeoutMs, remaining));
    } catch (error) {
      lastError = error;
      if (!options.isRetryable(error)) {
        stopReason = "not retryable";
        break;
      }
      if (attemptsMade >= policy.maxAttempts) {
        stopReason = "attempts exhausted";
        break;
      }
      const delayMs = backoffDelay(attemptsMade, policy);
      if (Date.now() + delayMs >= deadline) {
        stopReason = "deadline reached";
        break;
      }
      options.onRetry?.({ attempt: attemptsMade, delayMs, error });
      await sleep(delayMs);
    }
  }

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const cause = (options.describeCause ?? defaultDescribeCause)(lastError);
  throw new RetriesExhaustedError(
    `${options.what} failed after ${attemptsMade} attempt(s) in ${seconds} s (${stopReason}): ${cause}`,
    attemptsMade,
    cause,
  );
}

/**
 * The final failure. It carries the described cause as text, not the original error: SDK errors
 * hold the raw request (signed headers) and would leak it into logs that print causes.
 */
export class RetriesExhaustedError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastCause: string,
  ) {
    super(message);
    this.name = "RetriesExhaustedError";
  }
}

/** Full jitter: a random wait in [0, min(max, base·2^(n-1))], so retrying clients spread out. */
export function backoffDelay(attemptsMade: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsMade - 1));
  return Math.round(Math.random() * ceiling);
}

async function runWithTimeout<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const work = attempt(controller.signal);
  // The losing promise of the race must not surface as an unhandled rejection.
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function defaultDescribeCause(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
