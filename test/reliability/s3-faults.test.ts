/**
 * S3 faults through the whole job (issue 8), with s3rver on 127.0.0.1 behind a fault-injecting proxy:
 * transient 500/503s, slow answers, connections cut mid-object and paginated listings are retried with backoff
 * and give the same rows as a local run; faults that do not go away end in a clear error within a bounded
 * time, and the rows of the previous run stay exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetParams } from "../../src/generate/params-file.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import type { InputSource } from "../../src/model.js";
import { runAggregateJob } from "../../src/run/job.js";
import { S3Source, type S3SourceOptions } from "../../src/source/s3.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { type FaultRule, startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";
import {
  type Harness,
  jobConfig,
  quietLogger,
  SAMPLE_BASIC,
  snapshotRows,
  startHarness,
} from "./support/harness.js";

const SCHEMA = "org_s3_faults";
const PREFIX = "koku";
const params = loadDatasetParams(SAMPLE_BASIC);
const sourceUuid = params.run.sourceUuid;
let harness: Harness;
let s3: TestS3;
let cleanAfter: string[];

function aliased(alias: string): DatasetParams {
  return { ...params, run: { ...params.run, clusterAlias: alias } };
}

/** The job reading s3://bucket/koku through `endpoint` with the config's S3 settings (default retry policy). */
function runFromS3(alias: string, endpoint: string, source?: InputSource) {
  const config = jobConfig(
    `s3://${s3.bucket}/${PREFIX}`,
    aliased(alias),
    { url: harness.db.url, schema: SCHEMA },
    {
      s3: {
        endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: "true",
      },
    },
  );
  return runAggregateJob(config, { logger: quietLogger, source });
}

/** A source with explicit retry bounds and small footer reads (so data pages are separate GETs). */
function tightSource(endpoint: string, extra: Partial<S3SourceOptions> = {}): S3Source {
  return new S3Source({
    bucket: s3.bucket,
    prefix: PREFIX,
    endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    footerPrefetchBytes: 1024,
    retry: { baseDelayMs: 10, maxDelayMs: 100, ...extra.retry },
    ...extra,
  });
}

async function withProxy<T>(plan: FaultRule[], body: (endpoint: string, seen: () => string[]) => Promise<T>) {
  const proxy = await startFaultyProxy(s3.endpoint, plan);
  try {
    return await body(proxy.endpoint, () =>
      proxy.requests.filter((r) => r.fault).map((r) => r.fault as string),
    );
  } finally {
    await proxy.stop();
  }
}

async function storeBefore(): Promise<string[]> {
  await runFromS3("before", s3.endpoint);
  const rows = await snapshotRows(harness.admin, SCHEMA, sourceUuid);
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (outcome === null) throw new Error("the run should have failed");
  if (process.env.RELIABILITY_SHOW_ERRORS) console.log(outcome.message);
  return outcome;
}

beforeAll(async () => {
  harness = await startHarness();
  s3 = await startTestS3();
  await uploadDirectory(SAMPLE_BASIC, {
    bucket: s3.bucket,
    prefix: PREFIX,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    region: s3.region,
  });
  const local = jobConfig(SAMPLE_BASIC, aliased("after"), { url: harness.db.url, schema: "org_s3_clean" });
  await runAggregateJob(local, { logger: quietLogger });
  cleanAfter = await snapshotRows(harness.admin, "org_s3_clean", sourceUuid);
});
afterAll(async () => {
  await s3?.stop();
  await harness?.stop();
});

describe("transient S3 faults are retried and change nothing", () => {
  it("500/503 on list, HEAD and GET, a slow answer, a connection cut mid-object, a short body", async () => {
    await storeBefore();
    const plan: FaultRule[] = [
      { fault: { kind: "status", status: 503 }, times: 2, pathIncludes: "list-type=2" },
      { fault: { kind: "status", status: 500 }, times: 1, method: "HEAD" },
      { fault: { kind: "status", status: 503, code: "SlowDown" }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "delay", ms: 400 }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "cut" }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "short" }, times: 1, method: "GET", ranged: true },
    ];
    await withProxy(plan, async (endpoint, seen) => {
      await runFromS3("after", endpoint);
      expect(new Set(seen())).toEqual(new Set(["status", "delay", "cut", "short"]));
    });
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });

  it("cuts and 503s on the data-page reads (not only the footer)", async () => {
    await storeBefore();
    const plan: FaultRule[] = [
      {
        fault: { kind: "cut", afterBytes: 10 },
        times: 3,
        method: "GET",
        ranged: true,
        pathIncludes: "pod_usage",
      },
      {
        fault: { kind: "status", status: 503 },
        times: 3,
        method: "GET",
        ranged: true,
        pathIncludes: "storage_usage",
      },
    ];
    await withProxy(plan, async (endpoint, seen) => {
      const source = tightSource(endpoint);
      try {
        await runFromS3("after", endpoint, source);
      } finally {
        await source.close();
      }
      expect(seen().length).toBe(6);
    });
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });

  it("paginated listings (one key per page) find every file", async () => {
    await storeBefore();
    await withProxy([], async (endpoint) => {
      const source = tightSource(endpoint, { listPageSize: 1 });
      try {
        const report = await runFromS3("after", endpoint, source);
        // the four daily files, and the hourly pod file for node capacity (the other hourly ones are left aside)
        expect(report.files).toBe(5);
        expect(source.stats.listRequests).toBeGreaterThan(8);
      } finally {
        await source.close();
      }
    });
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });
});

describe("lasting S3 faults fail clearly, in bounded time, and keep the previous rows", () => {
  it("503 on every read of one object: gives up after the retry budget, naming the object", async () => {
    const before = await storeBefore();
    const started = Date.now();
    const error = await withProxy(
      [
        {
          fault: { kind: "status", status: 503 },
          times: Number.POSITIVE_INFINITY,
          method: "GET",
          ranged: true,
          pathIncludes: "storage_usage",
        },
      ],
      (endpoint) => failureOf(runFromS3("after", endpoint)),
    );
    expect(error.message).toMatch(/s3:\/\/koku-test\/koku\/.*storage_usage.*\.parquet/);
    expect(error.message).toMatch(/failed after 5 attempt\(s\)/);
    expect(error.message).toMatch(/503/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
  });

  it("every answer too slow: attempt timeouts, then the deadline", async () => {
    const before = await storeBefore();
    const started = Date.now();
    const error = await withProxy(
      [{ fault: { kind: "delay", ms: 5_000 }, times: Number.POSITIVE_INFINITY, method: "GET", ranged: true }],
      async (endpoint) => {
        const source = tightSource(endpoint, {
          retry: {
            attemptTimeoutMs: 300,
            deadlineMs: 1_500,
            maxAttempts: 10,
            baseDelayMs: 10,
            maxDelayMs: 50,
          },
        });
        try {
          return await failureOf(runFromS3("after", endpoint, source));
        } finally {
          await source.close();
        }
      },
    );
    expect(error.message).toMatch(/deadline reached|attempts exhausted/);
    expect(error.message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
  });

  it("connection always cut mid-object: gives up after the retry budget", async () => {
    const before = await storeBefore();
    const error = await withProxy(
      [{ fault: { kind: "cut" }, times: Number.POSITIVE_INFINITY, method: "GET", ranged: true }],
      (endpoint) => failureOf(runFromS3("after", endpoint)),
    );
    expect(error.message).toMatch(/S3 GET s3:\/\/koku-test\/koku\//);
    expect(error.message).toMatch(/failed after \d+ attempt\(s\)/);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
  });

  it("S3 endpoint refusing connections: fails clearly", async () => {
    const before = await storeBefore();
    const proxy = await startFaultyProxy(s3.endpoint, []);
    const deadEndpoint = proxy.endpoint;
    await proxy.stop();
    const error = await failureOf(runFromS3("after", deadEndpoint));
    expect(error.message).toMatch(/S3 .*s3:\/\/koku-test\/koku\//);
    expect(error.message).toMatch(/ECONNREFUSED|connect/i);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
  });
});
