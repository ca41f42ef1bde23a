/**
 * The aggregate job end to end against a real PostgreSQL (embedded, 127.0.0.1) and a local S3 server:
 * rows equal Koku's expected rows, re-runs replace instead of duplicating, a failing run keeps the old rows.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import type { AppConfig } from "../../src/config/schema.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { datasetOverrides } from "../../src/run/dataset-config.js";
import { runAggregateJob } from "../../src/run/job.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readExpectedCsv } from "../../src/verify/expected-csv.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { countRows, readSummaryRows } from "../helpers/summary-db.js";

const SAMPLE = join(import.meta.dirname, "..", "fixtures", "koku-samples", "sample-random");
const logger = createLogger({ level: "error", format: "json" });

let db: TestPostgres;
let s3: TestS3;
let client: pg.Client;
const params = loadDatasetParams(SAMPLE);
const schema = "org_it";

function configFor(input: string, extra: Record<string, unknown> = {}): AppConfig {
  return loadConfig({
    env: {},
    overrides: { ...datasetOverrides(params, input), database: { url: db.url, schema }, ...extra },
  });
}

beforeAll(async () => {
  db = await startTestPostgres();
  s3 = await startTestS3();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await s3?.stop();
  await db?.stop();
});

describe("aggregate job", () => {
  const expected = readExpectedCsv(join(SAMPLE, "expected.csv"));

  it("writes Koku's rows from a local directory, and a re-run replaces them", async () => {
    let started = { files: 0, rowGroups: 0, bytes: 0 };
    const report = await runAggregateJob(configFor(SAMPLE), { logger, onStart: (t) => (started = t) });
    // The progress bar's totals: the real size of the files read, not 0 B.
    expect(started.files).toBe(report.files);
    expect(started.bytes).toBeGreaterThan(report.bytesRead);
    expect(report.outputRows.total).toBe(expected.length);
    const stored = await readSummaryRows(client, schema, params.run.sourceUuid);
    const comparison = compareRowSets(stored, expected);
    expect(comparison.equal, comparison.report).toBe(true);

    const again = await runAggregateJob(configFor(SAMPLE), { logger });
    expect(again.deletedRows).toBe(expected.length);
    expect(await countRows(client, schema, params.run.sourceUuid)).toBe(expected.length);
  });

  it("reads the same rows from S3", async () => {
    await uploadDirectory(SAMPLE, {
      bucket: s3.bucket,
      prefix: "koku",
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      region: "us-east-1",
    });
    // A schema of its own: after the first test's run, reporting_ocp_nodes (the inventory step's) would hold
    // the roles instead of the dataset's given ones.
    const config = configFor(`s3://${s3.bucket}/koku`, {
      database: { url: db.url, schema: "org_it_s3" },
      s3: {
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: "true",
      },
    });
    await runAggregateJob(config, { logger });
    const stored = await readSummaryRows(client, "org_it_s3", params.run.sourceUuid);
    const comparison = compareRowSets(stored, expected);
    expect(comparison.equal, comparison.report).toBe(true);
  });

  it("keeps the previous rows when a file is corrupt, and names the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ocp-agg-corrupt-"));
    try {
      cpSync(SAMPLE, dir, { recursive: true });
      const podDir = join(
        dir,
        "data/parquet",
        params.run.orgId as string,
        "OCP/pod_usage",
        `source=${params.run.sourceUuid}`,
        `year=${params.run.year}`,
        `month=${String(params.run.month).padStart(2, "0")}`,
      );
      expect(readdirSync(podDir).length).toBeGreaterThan(0);
      writeFileSync(
        join(podDir, "zzzz_corrupt_pod_usage.parquet"),
        Buffer.from("PAR1 this is not parquet PAR1"),
      );
      const before = await readSummaryRows(client, schema, params.run.sourceUuid);
      await expect(runAggregateJob(configFor(dir), { logger })).rejects.toThrow(
        /zzzz_corrupt_pod_usage\.parquet/,
      );
      const after = await readSummaryRows(client, schema, params.run.sourceUuid);
      expect(compareRowSets(after, before).equal).toBe(true);
      expect(after.length).toBe(expected.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
