/**
 * The Parquet copy of the summary on S3 (`--summary-parquet s3://bucket/prefix`), against the test s3rver on
 * 127.0.0.1 with the run's `s3.*` settings: Koku's Hive layout, the objects read back (downloaded) by DuckDB
 * and hyparquet equal to the PostgreSQL rows; a re-run replaces exactly its day partitions; a location the
 * run cannot write fails before PostgreSQL is touched; a copy that fails after the COMMIT fails the run loudly
 * and a re-run repairs it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { datasetOverrides } from "../../src/run/dataset-config.js";
import { runAggregateJob } from "../../src/run/job.js";
import { createS3Client } from "../../src/source/s3-client.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";
import { countRows } from "../helpers/summary-db.js";
import { postgresCopyShape, readCopyWithDuckDB, readCopyWithHyparquet } from "../helpers/summary-parquet.js";

const SAMPLE = join(import.meta.dirname, "..", "fixtures", "koku-samples", "sample-random");
const params = loadDatasetParams(SAMPLE);
const source = params.run.sourceUuid;
const logger = createLogger({ level: "error", format: "json" });
const PREFIX = "hive/org1234567/reporting_ocpusagelineitem_daily_summary";

let db: TestPostgres;
let client: pg.Client;
let s3: TestS3;
const downloads: string[] = [];

function configFor(opts: {
  schema: string;
  location?: string;
  endpoint?: string;
  startDate?: string;
  endDate?: string;
}) {
  const base = datasetOverrides(params, SAMPLE);
  const range = opts.startDate ? { startDate: opts.startDate, endDate: opts.endDate } : {};
  return loadConfig({
    env: {},
    overrides: {
      ...base,
      run: { ...base.run, ...range, summaryParquet: opts.location ?? `s3://${s3.bucket}/${PREFIX}` },
      database: { url: db.url, schema: opts.schema },
      s3: {
        endpoint: opts.endpoint ?? s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: "true",
        attemptTimeoutMs: "5000",
        deadlineMs: "10000",
      },
    },
  });
}

function s3Client() {
  return createS3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
}

/** Every key below the table's prefix (relative to it), sorted. */
async function tableKeys(): Promise<string[]> {
  const c = s3Client();
  try {
    const listed = await c.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}/` }));
    return (listed.Contents ?? []).map((o) => (o.Key as string).slice(PREFIX.length + 1)).sort();
  } finally {
    c.destroy();
  }
}

/** Downloads the table's objects into a fresh local folder (same relative paths) and returns it. */
async function download(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ocp-summary-parquet-s3-"));
  downloads.push(dir);
  const c = s3Client();
  try {
    for (const key of await tableKeys()) {
      const object = await c.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }));
      const path = join(dir, ...key.split("/"));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(
        path,
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    }
  } finally {
    c.destroy();
  }
  return dir;
}

async function expectCopyEqualsPostgres(schema: string): Promise<void> {
  const dir = await download();
  const expected = await postgresCopyShape(client, schema, source);
  for (const read of [readCopyWithDuckDB, readCopyWithHyparquet]) {
    const copy = await read(dir);
    const comparison = compareRowSets(
      copy.map((c) => c.row),
      expected,
    );
    expect(comparison.equal, `${read.name}: ${comparison.report}`).toBe(true);
    for (const { row, partition } of copy) {
      const [y, m, d] = String(row.usage_start).split("-").map(Number);
      expect(partition).toEqual({ source, year: `${y}`, month: `${m}`, day: `${d}` });
    }
  }
}

beforeAll(async () => {
  [db, s3] = await Promise.all([startTestPostgres(), startTestS3("koku-hive")]);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await Promise.all([db?.stop(), s3?.stop()]);
  for (const dir of downloads) rmSync(dir, { recursive: true, force: true });
});

describe("Parquet copy of the summary on S3", () => {
  it("writes Koku's Hive layout with the run's S3 settings; DuckDB and hyparquet read back the PostgreSQL rows", async () => {
    const report = await runAggregateJob(configFor({ schema: "org_s3a" }), { logger });
    expect(report.tables.summary_parquet).toEqual({ days: 2, files: 2, rows: report.outputRows.total });
    const keys = await tableKeys();
    expect(keys.map((k) => k.replace(/[^/]+\.parquet$/, "*.parquet"))).toEqual([
      `source=${source}/year=2025/month=6/day=10/*.parquet`,
      `source=${source}/year=2025/month=6/day=11/*.parquet`,
    ]);
    await expectCopyEqualsPostgres("org_s3a");
  });

  it("a re-run over one day replaces that day's objects only: no duplicate or stale object", async () => {
    const before = await tableKeys();
    await runAggregateJob(configFor({ schema: "org_s3a", startDate: "2025-06-11", endDate: "2025-06-11" }), {
      logger,
    });
    const after = await tableKeys();
    const day = (keys: string[], d: number) => keys.filter((k) => k.includes(`/day=${d}/`));
    expect(day(after, 10)).toEqual(day(before, 10));
    expect(day(after, 11)).toHaveLength(1);
    expect(day(after, 11)).not.toEqual(day(before, 11));
    await expectCopyEqualsPostgres("org_s3a");
  });

  it("a missing bucket fails the run before PostgreSQL is touched, naming the bucket", async () => {
    const error = (await runAggregateJob(
      configFor({ schema: "org_s3b", location: "s3://no-such-bucket/hive/summary" }),
      { logger },
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `--summary-parquet s3://no-such-bucket/hive/summary/: bucket no-such-bucket not found (endpoint ${s3.endpoint})`,
    );
    const schemas = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'org_s3b'");
    expect(schemas.rowCount).toBe(0);
  });

  it("credentials that may not write fail the run before PostgreSQL is touched, naming bucket and key", async () => {
    const proxy = await startFaultyProxy(s3.endpoint, [
      {
        fault: { kind: "status", status: 403, code: "AccessDenied", message: "Access Denied" },
        times: Infinity,
        method: "PUT",
      },
    ]);
    try {
      const error = (await runAggregateJob(configFor({ schema: "org_s3c", endpoint: proxy.endpoint }), {
        logger,
      }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        new RegExp(
          `^--summary-parquet s3://koku-hive/${PREFIX}/: cannot write and delete objects there \\(S3 PUT s3://koku-hive/${PREFIX}/_ocp-aggregator-write-check-[0-9a-f-]+ failed after 1 attempt\\(s\\) in [\\d.]+ s \\(not retryable\\): AccessDenied \\(HTTP 403\\): Access Denied`,
        ),
      );
      const schemas = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'org_s3c'");
      expect(schemas.rowCount).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  it("a copy that fails after the COMMIT fails the run naming both sides; re-running repairs it", async () => {
    // Day 11 of the first test's table is replaced by a run whose uploads are refused (the write check passes).
    const before = await tableKeys();
    const proxy = await startFaultyProxy(s3.endpoint, [
      {
        fault: { kind: "status", status: 403, code: "AccessDenied", message: "Access Denied" },
        times: Infinity,
        method: "PUT",
        pathIncludes: ".parquet",
      },
    ]);
    try {
      const config = configFor({ schema: "org_s3d", endpoint: proxy.endpoint });
      const error = (await runAggregateJob(config, { logger }).catch((e: unknown) => e)) as Error;
      expect(error.name).toBe("ParquetCopyAfterCommitError");
      expect(error.message).toContain(
        `the summary rows of source ${source}, 2025-06-10..2025-06-11 are committed to PostgreSQL (schema org_s3d), but replacing the day partitions of the Parquet copy at s3://koku-hive/${PREFIX}/ failed`,
      );
      expect(error.message).toContain(
        `S3 PUT s3://koku-hive/${PREFIX}/source=${source}/year=2025/month=6/day=10/`,
      );
      expect(error.message).toContain("Re-run the same command to rewrite both.");
      expect(await countRows(client, "org_s3d", source)).toBeGreaterThan(0); // committed
      // Day 10's old objects were deleted before the refused upload: the copy lacks the day, as the error says.
      expect((await tableKeys()).filter((k) => k.includes("/day=10/"))).toEqual([]);
      expect(before.some((k) => k.includes("/day=10/"))).toBe(true);
    } finally {
      await proxy.stop();
    }
    // The run noted before its COMMIT that the copy would lag; unpublished, the note stays for the next run.
    const note = `_ocp-aggregator-pending-${source}.json`;
    expect(await tableKeys()).toContain(note);
    const lines: { msg: string }[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const warnings = createLogger({
      level: "warn",
      format: "json",
      destination: destination as unknown as NodeJS.WritableStream,
    });
    await runAggregateJob(configFor({ schema: "org_s3d" }), { logger: warnings });
    expect(lines.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(
        /^an earlier run \(started [^)]+\) over 2025-06-10\.\.2025-06-11 did not finish publishing the Parquet copy/,
      ),
    );
    const keys = await tableKeys();
    expect(keys).not.toContain(note); // this run rewrote those days
    expect(keys.filter((k) => k.includes("/day=10/"))).toHaveLength(1);
    expect(keys.filter((k) => k.includes("/day=11/"))).toHaveLength(1);
    await expectCopyEqualsPostgres("org_s3d");
  });
});
