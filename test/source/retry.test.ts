import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RETRY_POLICY, withRetries } from "../../src/source/retry.js";
import { isRetryableS3Error, TruncatedBodyError } from "../../src/source/s3-client.js";

const FAST = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2 };

describe("withRetries", () => {
  it("returns the first success after retryable failures", async () => {
    let calls = 0;
    const value = await withRetries({ what: "op", policy: FAST, isRetryable: () => true }, async () => {
      calls += 1;
      if (calls < 3) throw new Error(`flaky ${calls}`);
      return "ok";
    });
    expect(value).toBe("ok");
    expect(calls).toBe(3);
  });

  it("stops at once on a non-retryable error and names the operation", async () => {
    let calls = 0;
    const run = withRetries({ what: "S3 GET s3://b/k", policy: FAST, isRetryable: () => false }, async () => {
      calls += 1;
      throw new Error("denied");
    });
    await expect(run).rejects.toThrow(
      /^S3 GET s3:\/\/b\/k failed after 1 attempt\(s\) in \d+\.\d s \(not retryable\): Error: denied$/,
    );
    expect(calls).toBe(1);
  });

  it("uses describeCause for the final message and keeps the raw error out", async () => {
    const run = withRetries(
      {
        what: "op",
        policy: { ...FAST, maxAttempts: 2 },
        isRetryable: () => true,
        describeCause: () => "masked",
      },
      async () => {
        throw Object.assign(new Error("raw"), { secret: "s3cr3t" });
      },
    );
    const error = await run.catch((caught: Error) => caught);
    expect(error.message).toMatch(/after 2 attempt\(s\).*attempts exhausted\): masked$/);
    expect(JSON.stringify(error)).not.toContain("s3cr3t");
    expect(error.cause).toBeUndefined();
  });

  it("keeps backoff within the exponential ceiling", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
      for (let sample = 0; sample < 50; sample += 1) {
        const delay = backoffDelay(attempt, policy);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe("isRetryableS3Error", () => {
  const withStatus = (status: number, name = "Err") =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it("retries server errors, throttling, timeouts, truncation and lost connections", () => {
    expect(isRetryableS3Error(withStatus(500, "InternalError"))).toBe(true);
    expect(isRetryableS3Error(withStatus(503, "SlowDown"))).toBe(true);
    expect(isRetryableS3Error(withStatus(429))).toBe(true);
    expect(isRetryableS3Error(new TruncatedBodyError(10, 5))).toBe(true);
    expect(isRetryableS3Error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryableS3Error(new Error("aborted"))).toBe(true);
  });

  it("does not retry client errors or programming errors", () => {
    expect(isRetryableS3Error(withStatus(403, "AccessDenied"))).toBe(false);
    expect(isRetryableS3Error(withStatus(404, "NoSuchKey"))).toBe(false);
    expect(isRetryableS3Error(withStatus(412, "PreconditionFailed"))).toBe(false);
    expect(isRetryableS3Error(new TypeError("x is not a function"))).toBe(false);
  });
});
