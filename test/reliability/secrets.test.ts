/**
 * Secrets never leak (issue 8): the database password and the S3 keys appear in no log line, no error
 * message and no report — in process (logger output captured at trace level) and from the CLI (stdout and
 * stderr of a child process), on success and on failure.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { ensureBuilt } from "../helpers/dist.js";
import { type FaultyProxy, startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";
import { aggregateArgs, startCli } from "./support/cli.js";
import { type Harness, jobConfig, SAMPLE_BASIC, startHarness } from "./support/harness.js";

const params = loadDatasetParams(SAMPLE_BASIC);
const SCHEMA = "org_secrets";
const FAKE_ACCESS_KEY = "AKIAREL8SECRETKEYID";
const FAKE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYsecretKEY";
let harness: Harness;
let s3: TestS3;
let failingS3: FaultyProxy;
let dbPassword: string;

beforeAll(async () => {
  await ensureBuilt();
  harness = await startHarness();
  dbPassword = decodeURIComponent(new URL(harness.db.url).password);
  expect(dbPassword.length).toBeGreaterThan(6);
  s3 = await startTestS3();
  await uploadDirectory(SAMPLE_BASIC, {
    bucket: s3.bucket,
    prefix: "koku",
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    region: s3.region,
  });
  failingS3 = await startFaultyProxy(s3.endpoint, [
    { fault: { kind: "status", status: 500 }, times: Number.POSITIVE_INFINITY },
  ]);
});
afterAll(async () => {
  await failingS3?.stop();
  await s3?.stop();
  await harness?.stop();
});

/** A trace-level JSON logger whose lines are collected. */
function capturingLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
  return {
    logger: createLogger({ level: "trace", format: "json", destination: stream }),
    text: () => lines.join(""),
  };
}

function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message, error.stack ?? ""];
  if (error.cause !== undefined) parts.push(errorText(error.cause));
  return parts.join("\n");
}

describe("secrets in process", () => {
  it("a successful run logs (at trace level) and reports no database password", async () => {
    const { logger, text } = capturingLogger();
    const report = await runAggregateJob(
      jobConfig(SAMPLE_BASIC, params, { url: harness.db.url, schema: SCHEMA }),
      {
        logger,
      },
    );
    logger.info({ report }, "run complete");
    expect(text().length).toBeGreaterThan(0);
    expectNoSecrets(text(), [dbPassword]);
    expectNoSecrets(JSON.stringify(report), [dbPassword]);
    expect(report.database).toContain("***");
  });

  it("wrong S3 keys: the failure names neither key, in the error or the logs", async () => {
    const { logger, text } = capturingLogger();
    const config = jobConfig(
      `s3://${s3.bucket}/koku`,
      params,
      { url: harness.db.url, schema: SCHEMA },
      {
        s3: {
          endpoint: failingS3.endpoint,
          accessKeyId: FAKE_ACCESS_KEY,
          secretAccessKey: FAKE_SECRET_KEY,
          forcePathStyle: "true",
        },
      },
    );
    logger.debug({ config }, "configuration");
    const error = await runAggregateJob(config, { logger }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expectNoSecrets(errorText(error), [FAKE_ACCESS_KEY, FAKE_SECRET_KEY, dbPassword]);
    expectNoSecrets(text(), [FAKE_ACCESS_KEY, FAKE_SECRET_KEY, dbPassword]);
  });

  it("a wrong database password is not repeated in the error", async () => {
    const wrong = "Wrong-Pass-Phrase-77";
    const url = new URL(harness.db.url);
    url.password = wrong;
    const error = await runAggregateJob(
      jobConfig(SAMPLE_BASIC, params, { url: url.toString(), schema: SCHEMA }),
      { logger: capturingLogger().logger },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect((error as Error).message).toMatch(/password authentication failed|authentication/i);
    expectNoSecrets(errorText(error), [wrong, dbPassword]);
  });
});

describe("secrets from the CLI", () => {
  it("a successful run at trace level: nothing secret on stdout or stderr", async () => {
    const { args, env } = aggregateArgs(SAMPLE_BASIC, params, { url: harness.db.url, schema: SCHEMA });
    const result = await startCli([...args, "--log-level", "trace"], env).done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.length).toBeGreaterThan(0);
    expectNoSecrets(result.stdout + result.stderr, [dbPassword]);
  });

  it("S3 failing with keys from the environment and the URL from DATABASE_URL: nothing secret printed", async () => {
    const { args, env } = aggregateArgs(`s3://${s3.bucket}/koku`, params, {
      url: harness.db.url,
      schema: SCHEMA,
    });
    const withoutUrl = args.filter(
      (_, i) => args[i] !== "--database-url" && args[i - 1] !== "--database-url",
    );
    const result = await startCli([...withoutUrl, "--log-level", "trace"], {
      ...env,
      DATABASE_URL: harness.db.url,
      OCP_AGG_S3_ENDPOINT: failingS3.endpoint,
      AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY,
    }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run failed/);
    expectNoSecrets(result.stdout + result.stderr, [FAKE_ACCESS_KEY, FAKE_SECRET_KEY, dbPassword]);
  });

  it("the database refusing connections, password given on the command line: not printed", async () => {
    const url = new URL(harness.db.url);
    url.port = "1"; // nothing listens on port 1
    const { args, env } = aggregateArgs(SAMPLE_BASIC, params, { url: url.toString(), schema: SCHEMA });
    const result = await startCli([...args, "--log-level", "trace"], env).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to PostgreSQL/);
    expectNoSecrets(result.stdout + result.stderr, [dbPassword]);
  });
});
