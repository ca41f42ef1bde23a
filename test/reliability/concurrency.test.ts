/**
 * Concurrent runs for the same source and month (issue 8): they serialize on the run's advisory lock, so the
 * table ends with exactly one run's rows — never a mix, never duplicates. Runs of another schema (another
 * tenant) are not held up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetParams } from "../../src/generate/params-file.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import {
  blockCopyOnLock,
  copyWaitingOnLock,
  holdLock,
  jobBackends,
  removeFaultTrigger,
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

const SCHEMA = "org_concurrent";
const params = loadDatasetParams(SAMPLE_BASIC);
const sourceUuid = params.run.sourceUuid;
let harness: Harness;
const clean = new Map<string, string[]>();

function aliased(alias: string): DatasetParams {
  return { ...params, run: { ...params.run, clusterAlias: alias } };
}

function runJob(alias: string, schema = SCHEMA) {
  return runAggregateJob(jobConfig(SAMPLE_BASIC, aliased(alias), { url: harness.db.url, schema }), {
    logger: quietLogger,
  });
}

async function aliasesStored(): Promise<Record<string, number>> {
  const result = await harness.admin.query(
    `SELECT cluster_alias, count(*)::int AS n FROM ${SCHEMA}.reporting_ocpusagelineitem_daily_summary
      WHERE source_uuid = $1 GROUP BY cluster_alias`,
    [sourceUuid],
  );
  return Object.fromEntries(result.rows.map((r) => [r.cluster_alias, r.n]));
}

beforeAll(async () => {
  harness = await startHarness();
  for (const alias of ["A", "B", "C", "D", "before"]) {
    await runJob(alias, "org_concurrent_clean");
    clean.set(alias, await snapshotRows(harness.admin, "org_concurrent_clean", sourceUuid));
  }
  await runJob("before");
});
afterAll(async () => {
  await harness?.stop();
});

describe("concurrent runs of one source and month", () => {
  it("the second run waits on the advisory lock until the first commits; the last one's rows remain", async () => {
    const key = 82_001;
    await blockCopyOnLock(harness.admin, SCHEMA, key);
    const release = await holdLock(harness.admin, key);
    let runs: Promise<unknown>[] = [];
    try {
      const first = runJob("A");
      runs.push(first);
      const copying = await waitForBackend(harness.admin, copyWaitingOnLock);
      const second = runJob("B");
      runs.push(second);
      // B reaches its run lock and waits there: A holds it for the whole transaction.
      const waiting = await waitForBackend(
        harness.admin,
        (b) => b.pid !== copying.pid && b.waitEvent === "advisory" && /pg_advisory_xact_lock/.test(b.query),
      );
      expect(waiting.pid).not.toBe(copying.pid);
      // Nothing of either run is visible yet: A has not committed, B has not deleted.
      expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(clean.get("before"));

      // Another tenant's run of the same source is not held up by this lock.
      await runJob("C", "org_concurrent_other");
      expect(await snapshotRows(harness.admin, "org_concurrent_other", sourceUuid)).toEqual(clean.get("C"));
      expect((await jobBackends(harness.admin)).map((b) => b.pid).sort()).toEqual(
        [copying.pid, waiting.pid].sort(),
      );
    } finally {
      await release();
      await Promise.allSettled(runs);
      runs = [];
      await removeFaultTrigger(harness.admin, SCHEMA);
    }
    expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(clean.get("B"));
    await waitForNoJobBackends(harness.admin);
  });

  it("four runs started together: each commits whole, the table holds exactly one run's rows", async () => {
    for (let round = 0; round < 3; round++) {
      const aliases = ["A", "B", "C", "D"];
      const reports = await Promise.all(aliases.map((alias) => runJob(alias)));
      const stored = await aliasesStored();
      const winners = Object.keys(stored);
      expect(winners).toHaveLength(1);
      expect(await snapshotRows(harness.admin, SCHEMA, sourceUuid)).toEqual(clean.get(winners[0]));
      // Every run replaced exactly the rows of the one before it (nothing doubled, nothing left over).
      for (const report of reports) expect(report.deletedRows).toBe(report.outputRows.total);
    }
    await waitForNoJobBackends(harness.admin);
  });
});
