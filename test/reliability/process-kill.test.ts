/**
 * The CLI process killed with SIGKILL (issue 8) — while reading its input, in the middle of its COPY (the
 * in-place path), and in the middle of a month swap (issue 17: staging month built, exchange pending) —
 * leaves the previous rows untouched and no lock or table behind; a re-run then stores exactly what a clean
 * run stores.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetParams } from "../../src/generate/params-file.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { ensureBuilt } from "../helpers/dist.js";
import { type FaultyProxy, startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";
import { aggregateArgs, startCli } from "./support/cli.js";
import {
  blockCopyOnLock,
  copyWaitingOnLock,
  holdLock,
  removeFaultTrigger,
  swapWaitingForLock,
  waitForBackend,
  waitForNoJobBackends,
} from "./support/db-faults.js";
import {
  type Harness,
  jobConfig,
  quietLogger,
  SAMPLE_BASIC,
  snapshotRows,
  startHarness,
} from "./support/harness.js";

const SCHEMA = "org_killed";
const params = loadDatasetParams(SAMPLE_BASIC);
const sourceUuid = params.run.sourceUuid;
let harness: Harness;
let s3: TestS3;
let slowProxy: FaultyProxy;
let cleanAfter: string[];

function aliased(alias: string): DatasetParams {
  return { ...params, run: { ...params.run, clusterAlias: alias } };
}

async function runCliToEnd(alias: string, schema = SCHEMA): Promise<void> {
  const { args, env } = aggregateArgs(SAMPLE_BASIC, aliased(alias), { url: harness.db.url, schema });
  const result = await startCli(args, env).done;
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { outputRows: { total: number } };
  expect(report.outputRows.total).toBeGreaterThan(0);
}

/** The "before" rows come from an in-process run (cheaper than a CLI start; same code). */
async function storeBefore(): Promise<string[]> {
  await runAggregateJob(jobConfig(SAMPLE_BASIC, aliased("before"), { url: harness.db.url, schema: SCHEMA }), {
    logger: quietLogger,
  });
  return snapshotRows(harness.admin, SCHEMA, sourceUuid);
}

beforeAll(async () => {
  await ensureBuilt();
  harness = await startHarness();
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
  // Every ranged read waits 2 s: the child is certainly still reading when it is killed.
  slowProxy = await startFaultyProxy(s3.endpoint, [
    { fault: { kind: "delay", ms: 2_000 }, times: Number.POSITIVE_INFINITY, method: "GET", ranged: true },
  ]);
  await runCliToEnd("after", "org_killed_clean");
  cleanAfter = await snapshotRows(harness.admin, "org_killed_clean", sourceUuid);
});
afterAll(async () => {
  await slowProxy?.stop();
  await s3?.stop();
  await harness?.stop();
});

describe("SIGKILL of the CLI mid-run", () => {
  it("killed while reading (S3 reads stalled): previous rows kept; a re-run equals a clean run", async () => {
    const before = await storeBefore();
    const { args, env } = aggregateArgs(`s3://${s3.bucket}/koku`, aliased("after"), {
      url: harness.db.url,
      schema: SCHEMA,
    });
    const cli = startCli(args, {
      ...env,
      OCP_AGG_S3_ENDPOINT: slowProxy.endpoint,
      OCP_AGG_S3_ACCESS_KEY_ID: s3.accessKeyId,
      OCP_AGG_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      OCP_AGG_S3_FORCE_PATH_STYLE: "true",
    });
    try {
      await waitForBackend(harness.admin, () => true);
      const deadline = Date.now() + 20_000;
      while (!slowProxy.requests.some((r) => r.method === "GET" && r.range) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(slowProxy.requests.some((r) => r.method === "GET" && r.range)).toBe(true);
    } finally {
      cli.child.kill("SIGKILL");
    }
    expect((await cli.done).signal).toBe("SIGKILL");
    await waitForNoJobBackends(harness.admin);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);

    await runCliToEnd("after");
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });

  it("killed in the middle of its COPY: the transaction rolls back, the lock is freed, a re-run equals a clean run", async () => {
    const before = await storeBefore();
    const key = 83_001;
    await blockCopyOnLock(harness.admin, SCHEMA, key);
    const release = await holdLock(harness.admin, key);
    const { args, env } = aggregateArgs(SAMPLE_BASIC, aliased("after"), {
      url: harness.db.url,
      schema: SCHEMA,
    });
    const cli = startCli(args, env);
    try {
      await waitForBackend(harness.admin, copyWaitingOnLock);
      // The old rows are already deleted inside the open transaction; the kill must not let that through.
    } finally {
      cli.child.kill("SIGKILL");
      // The backend notices the dead client once its lock wait ends, then aborts the transaction. (In the
      // finally block, so that a failure here leaves no trigger or lock to the tests after it.)
      await cli.done;
      await release();
      await waitForNoJobBackends(harness.admin);
      await removeFaultTrigger(harness.admin, SCHEMA);
    }
    expect((await cli.done).signal).toBe("SIGKILL");
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);

    await runCliToEnd("after");
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });

  it("killed mid-swap (staging month built, waiting for the exchange's lock behind a reader): old month kept, no staging table left", async () => {
    const before = await storeBefore();
    const relationsBefore = await relationsOf(SCHEMA);
    // A reader holds the month open; the swap may wait a minute for it (the default would fall back after 2 s).
    const reader = new pg.Client({
      connectionString: harness.db.url,
      application_name: "reliability-reader",
    });
    await reader.connect();
    await reader.query("BEGIN");
    await reader.query(`SELECT count(*) FROM "${SCHEMA}".reporting_ocpusagelineitem_daily_summary`);
    const { args, env } = aggregateArgs(SAMPLE_BASIC, aliased("after"), {
      url: harness.db.url,
      schema: SCHEMA,
    });
    const cli = startCli(args, { ...env, OCP_AGG_SWAP_LOCK_TIMEOUT_MS: "60000" });
    try {
      await waitForBackend(harness.admin, swapWaitingForLock);
    } finally {
      cli.child.kill("SIGKILL");
      await reader.query("ROLLBACK").catch(() => {});
      await reader.end().catch(() => {});
    }
    expect((await cli.done).signal).toBe("SIGKILL");
    await waitForNoJobBackends(harness.admin);
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
    expect(await relationsOf(SCHEMA)).toEqual(relationsBefore);

    await runCliToEnd("after");
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  });
});

async function relationsOf(schema: string): Promise<string[]> {
  const result = await harness.admin.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'i', 'I') ORDER BY 1`,
    [schema],
  );
  return result.rows.map((r) => r.relname as string);
}
