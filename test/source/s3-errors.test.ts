/**
 * What a user sees when S3 misbehaves (issue #13 point 6): an endpoint that accepts connections but never
 * answers gives a warning per retry while the run waits and, within the configured bounds, an error naming
 * the endpoint and the bucket; a 404 says what was not found instead of UnknownError; the AWS SDK's
 * Node-version notice is switched off. Servers on 127.0.0.1 only; every wait is bounded.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import { runAggregateJob } from "../../src/run/job.js";
import { S3Source } from "../../src/source/s3.js";
import { createS3Client, describeS3Error } from "../../src/source/s3-client.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";

const UUID = "5a74472b-8173-5647-939c-3a4cc520570f";

/** Accepts TCP connections and never answers (a hung load balancer, a firewall that swallows packets). */
async function startSilentServer(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function capturingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const destination = {
    write: (line: string) => void lines.push(JSON.parse(line)),
  } as unknown as NodeJS.WritableStream;
  return { lines, logger: createLogger({ level: "info", format: "json", destination }) };
}

describe("S3 errors a user can act on", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("an endpoint that never answers: a warning per retry, then an error naming endpoint and bucket", async () => {
    const silent = await startSilentServer();
    try {
      const config = loadConfig({
        env: {},
        overrides: {
          input: "s3://cost-data/koku",
          run: { sourceUuid: UUID, year: "2025", month: "10" },
          // never reached: the listing fails first
          database: { url: "postgres://nobody@127.0.0.1:1/none" },
          s3: {
            endpoint: silent.endpoint,
            accessKeyId: "AKIAEXAMPLE",
            secretAccessKey: "example-secret-key",
            attemptTimeoutMs: "300",
            deadlineMs: "1500",
          },
        },
      });
      const { lines, logger } = capturingLogger();
      const startedAt = Date.now();
      // Whichever comes first under load, the attempt limit or the deadline, the error names endpoint and bucket.
      const error = (await runAggregateJob(config, { logger }).catch((e: unknown) => e)) as Error;
      // ~1.5 s (the deadline); the bound only proves it does not hang, with room for a loaded CI machine.
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(error.message).toMatch(
        new RegExp(
          `^S3 LIST s3://cost-data/koku/ failed after \\d+ attempt\\(s\\) in [\\d.]+ s \\((deadline reached|attempts exhausted)\\): AttemptTimeoutError: attempt timed out after \\d+ ms \\(endpoint ${silent.endpoint}\\)$`,
        ),
      );
      const retries = lines.filter(
        (l) => l.level === "warn" && /attempt \d+ failed, retrying in/.test(l.msg),
      );
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(retries[0].msg).toContain(`S3 LIST s3://cost-data/koku/: attempt 1 failed`);
      expect(retries[0].msg).toContain(`(endpoint ${silent.endpoint})`);
      expect(JSON.stringify(lines)).not.toContain("example-secret-key");
    } finally {
      await silent.stop();
    }
  });

  it("a missing object or bucket says what is not found, not UnknownError", async () => {
    const options = {
      endpoint: s3.endpoint,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    };
    // s3rver answers a missing bucket with a 500; AWS and MinIO say NoSuchBucket (404), as shaped here.
    const noSuchBucket = Object.assign(new Error("The specified bucket does not exist"), {
      name: "NoSuchBucket",
      $metadata: { httpStatusCode: 404 },
    });
    expect(describeS3Error(noSuchBucket, options, "s3://no-such-bucket/koku/")).toBe(
      "NoSuchBucket (HTTP 404): bucket no-such-bucket not found",
    );
    const source = new S3Source({ ...options, bucket: s3.bucket, prefix: "koku" });
    try {
      const missing = `s3://${s3.bucket}/koku/missing.parquet`;
      const open = source.open({
        reportType: "pod_usage",
        granularity: "hourly",
        location: missing,
        size: 0,
      });
      await expect(open).rejects.toThrow(`S3 HEAD ${missing} failed after 1 attempt(s)`);
      await expect(
        source.open({ reportType: "pod_usage", granularity: "hourly", location: missing, size: 0 }),
      ).rejects.toThrow(`NotFound (HTTP 404): ${missing} not found (endpoint ${s3.endpoint})`);
      await expect(
        source.open({ reportType: "pod_usage", granularity: "hourly", location: missing, size: 0 }),
      ).rejects.not.toThrow(/UnknownError/);
    } finally {
      await source.close();
    }
  });

  it("switches off the AWS SDK's Node-version notice (users cannot act on it)", async () => {
    const before = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    try {
      createS3Client({ region: "us-east-1" }).destroy();
      expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe("true");
      // The SDK's own check, as the client runs it on an old Node: it must stay silent.
      const { emitWarningIfUnsupportedVersion, state } = await import("@aws-sdk/core/client");
      state.warningEmitted = false;
      const warnings: unknown[] = [];
      const original = process.emitWarning;
      process.emitWarning = ((warning: unknown) => void warnings.push(warning)) as typeof process.emitWarning;
      try {
        emitWarningIfUnsupportedVersion("v20.20.2");
      } finally {
        process.emitWarning = original;
      }
      expect(warnings).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
      else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = before;
    }
  });
});
