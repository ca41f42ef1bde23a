/**
 * PostgreSQL faults during the job (issue 8): connection refused, the backend terminated mid-COPY from a
 * second connection, a statement timeout, a disk-full error. Each time the transaction rolls back, the rows of
 * the previous run stay exactly as they were, the error says what happened, no connection is left behind,
 * and a re-run afterwards succeeds with the rows a clean run gives.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetParams } from "../../src/generate/params-file.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import {
  blockCopyOnLock,
  copyWaitingOnLock,
  failCopyWith,
  holdLock,
  removeFaultTrigger,
  slowCopy,
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

const SCHEMA = "org_pg_faults";
const params = loadDatasetParams(SAMPLE_BASIC);
const sourceUuid = params.run.sourceUuid;
let harness: Harness;
/** Rows of a clean run with the "after" alias, stored in a schema of their own. */
let cleanAfter: string[];

/** The sample with another cluster alias: a failed "after" run that leaked rows would show them. */
function aliased(alias: string): DatasetParams {
  return { ...params, run: { ...params.run, clusterAlias: alias } };
}

function runJob(
  alias: string,
  database: { url?: string; schema?: string; statementTimeoutMs?: number } = {},
) {
  const config = jobConfig(SAMPLE_BASIC, aliased(alias), {
    url: database.url ?? harness.db.url,
    schema: database.schema ?? SCHEMA,
    statementTimeoutMs: database.statementTimeoutMs,
  });
  return runAggregateJob(config, { logger: quietLogger });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e as Error,
  );
  if (outcome === null) throw new Error("the run should have failed");
  return outcome;
}

/** Stores the "before" rows, lets `fault` break an "after" run, then checks rows, error and a clean re-run. */
async function faultCase(
  inject: () => Promise<void>,
  failingRun: () => Promise<Error>,
  cleanup: () => Promise<void>,
): Promise<Error> {
  await removeFaultTrigger(harness.admin, SCHEMA);
  await runJob("before");
  const before = await snapshotRows(harness.admin, SCHEMA, sourceUuid);
  expect(before.length).toBeGreaterThan(0);
  await inject();
  let error: Error;
  try {
    error = await failingRun();
  } finally {
    await cleanup();
  }
  expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(before);
  await waitForNoJobBackends(harness.admin);
  await runJob("after");
  expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(cleanAfter);
  if (process.env.RELIABILITY_SHOW_ERRORS) console.log(error.message);
  return error;
}

beforeAll(async () => {
  harness = await startHarness();
  await runJob("after", { schema: "org_pg_clean" });
  cleanAfter = await snapshotRows(harness.admin, "org_pg_clean", sourceUuid);
  // A first run creates the table the triggers attach to.
  await runJob("before");
});
afterAll(async () => {
  await harness?.stop();
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("PostgreSQL faults roll back, keep the previous rows and say what happened", () => {
  it("connection refused: clear error without the password, nothing written", async () => {
    const port = await closedPort();
    const password = "refused-Secret-42";
    const started = Date.now();
    const error = await faultCase(
      async () => {},
      () => failureOf(runJob("after", { url: `postgres://postgres:${password}@127.0.0.1:${port}/ocp` })),
      async () => {},
    );
    expect(error.message).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/,
    );
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain(password);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("backend terminated mid-COPY (pg_terminate_backend from a second connection)", async () => {
    const key = 81_001;
    let release: () => Promise<void> = async () => {};
    const error = await faultCase(
      async () => {
        await blockCopyOnLock(harness.admin, SCHEMA, key);
        release = await holdLock(harness.admin, key);
      },
      async () => {
        const running = failureOf(runJob("after"));
        const backend = await waitForBackend(harness.admin, copyWaitingOnLock);
        await harness.admin.query("SELECT pg_terminate_backend($1)", [backend.pid]);
        return running;
      },
      async () => {
        await release();
        await removeFaultTrigger(harness.admin, SCHEMA);
      },
    );
    expect(error.message).toMatch(/during copy/);
    expect(error.message).toMatch(/terminat/i);
  });

  it("statement timeout during the COPY", async () => {
    const error = await faultCase(
      () => slowCopy(harness.admin, SCHEMA, 3),
      () => failureOf(runJob("after", { statementTimeoutMs: 300 })),
      () => removeFaultTrigger(harness.admin, SCHEMA),
    );
    expect(error.message).toMatch(/statement timeout/);
    expect(error.message).toMatch(/sqlstate 57014/);
    expect(error.message).toMatch(/rolled back; existing rows unchanged/);
  });

  it("disk full (SQLSTATE 53100) in the middle of the COPY", async () => {
    const error = await faultCase(
      () =>
        failCopyWith(
          harness.admin,
          SCHEMA,
          "53100",
          'could not extend file "base/16384/2619": No space left on device',
        ),
      () => failureOf(runJob("after")),
      () => removeFaultTrigger(harness.admin, SCHEMA),
    );
    expect(error.message).toMatch(/No space left on device/);
    expect(error.message).toMatch(/sqlstate 53100/);
    expect(error.message).toMatch(/rolled back; existing rows unchanged/);
  });
});
