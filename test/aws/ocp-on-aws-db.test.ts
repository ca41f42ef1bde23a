/**
 * The OCP-on-AWS run against a real PostgreSQL: the project rows equal the engine's, the back-populated OCP rows
 * equal the DuckDB rendering of Koku's back-populate, re-runs are idempotent, and a failed run changes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import { PROJECT_COLUMNS, PROJECT_NUMERIC_COLUMNS } from "../../src/aws/model.js";
import { compareRowSets } from "../../src/aws/reference/compare-project.js";
import { runOcpOnAwsJob } from "../../src/aws/run/ocp-on-aws-job.js";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { runAggregateJob } from "../../src/run/job.js";
import { connect } from "../../src/sink/connection.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import {
  configFor,
  engineRows,
  generateOcpOnAwsDataset,
  quietLogger,
  referenceRows,
  sharedSources,
} from "./helpers.js";

const SCHEMA = "org1234567";
let server: TestPostgres;
let client: pg.Client;
let workDir: string;
let ds: OcpOnAwsDataset;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
  workDir = mkdtempSync(join(tmpdir(), "aws-db-"));
  ds = await generateOcpOnAwsDataset({ scenario: "storage-ebs", out: join(workDir, "ds"), seed: 3 });
}, 120_000);
afterAll(async () => {
  await client?.end();
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const dbConfig = () => configFor(ds, { database: { url: server.url, schema: SCHEMA } });

async function runJob() {
  return runOcpOnAwsJob(dbConfig(), {
    params: ds.params,
    awsEnabledKeys: ds.aws.enabledTagKeys,
    accountAliases: ds.aws.accountAliases,
    sharedOcpSources: sharedSources(ds, ds.params),
    logger: quietLogger(),
  });
}

async function projectRows(): Promise<Record<string, unknown>[]> {
  const result = await client.query(
    `SELECT ${PROJECT_COLUMNS.map((c) => `${c}::text AS ${c}`).join(", ")}
       FROM "${SCHEMA}".reporting_ocpawscostlineitem_project_daily_summary_p`,
  );
  return result.rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const c of PROJECT_COLUMNS) {
      const v = raw[c] as string | null;
      row[c] = v === null ? null : PROJECT_NUMERIC_COLUMNS.has(c) ? Number(v) : v;
    }
    return row;
  });
}

const BACK_COLUMNS = [
  "report_period_id",
  "usage_start",
  "cluster_id",
  "cluster_alias",
  "namespace",
  "data_source",
  "node",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "resource_id",
  "pod_labels",
  "volume_labels",
  "all_labels",
  "infrastructure_raw_cost",
  "infrastructure_project_raw_cost",
  "infrastructure_data_in_gigabytes",
  "infrastructure_data_out_gigabytes",
  "raw_currency",
  "cost_category_id",
];
const BACK_NUMERIC = new Set([
  "report_period_id",
  "cost_category_id",
  "infrastructure_raw_cost",
  "infrastructure_project_raw_cost",
  "infrastructure_data_in_gigabytes",
  "infrastructure_data_out_gigabytes",
]);

async function backPopulatedRows(): Promise<Record<string, unknown>[]> {
  const result = await client.query(
    `SELECT ${BACK_COLUMNS.map((c) => `${c}::text AS ${c}`).join(", ")}
       FROM "${SCHEMA}".reporting_ocpusagelineitem_daily_summary
      WHERE node_capacity_cpu_cores = 0 AND persistentvolumeclaim_capacity_gigabyte = 0`,
  );
  return result.rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const c of BACK_COLUMNS) {
      const v = raw[c] as string | null;
      row[c] = v === null ? null : BACK_NUMERIC.has(c) ? Number(v) : v;
    }
    return row;
  });
}

async function counts() {
  const q = async (table: string) => {
    const exists = (await client.query("SELECT to_regclass($1) AS t", [`"${SCHEMA}".${table}`])).rows[0].t;
    if (exists === null) return 0;
    return (await client.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".${table}`)).rows[0].n as number;
  };
  return {
    project: await q("reporting_ocpawscostlineitem_project_daily_summary_p"),
    summary: await q("reporting_ocpusagelineitem_daily_summary"),
  };
}

describe("ocp-on-aws into PostgreSQL", () => {
  it("writes the engine's project rows and Koku's back-populate, idempotently", {
    timeout: 120_000,
  }, async () => {
    // The OCP summary of the cluster first, as Koku's flow has it.
    const ocp = ds.clusters[0];
    await runAggregateJob(
      configFor(ds, {
        database: { url: server.url, schema: SCHEMA },
        run: {
          sourceUuid: ocp.run.sourceUuid,
          year: String(ocp.run.year),
          month: String(ocp.run.month),
          startDate: ocp.run.startDate,
          endDate: ocp.run.endDate,
          clusterId: ocp.run.clusterId ?? undefined,
          clusterAlias: ocp.run.clusterAlias ?? undefined,
          reportPeriodId: String(ocp.run.reportPeriodId),
          orgId: ocp.run.orgId ?? undefined,
        },
      }),
      { logger: quietLogger() },
    );
    const ocpOnly = await counts();

    const first = await runJob();
    expect(first.projectRows).toBeGreaterThan(0);
    expect(first.backPopulatedRows).toBeGreaterThan(0);
    const stored = await projectRows();
    const engine = await engineRows(ds);
    const same = compareRowSets(stored, engine as unknown as Record<string, unknown>[]);
    expect(same.equal, same.report).toBe(true);

    const runner = await ReferenceRunner.create();
    try {
      const reference = await referenceRows(ds, runner);
      const back = compareRowSets(
        await backPopulatedRows(),
        reference.backPopulated,
        BACK_COLUMNS,
        BACK_NUMERIC,
      );
      expect(back.equal, back.report).toBe(true);
    } finally {
      runner.close();
    }
    const afterFirst = await counts();
    expect(afterFirst.summary).toBe(ocpOnly.summary + first.backPopulatedRows);

    const second = await runJob();
    expect(second.deletedProjectRows).toBe(first.projectRows);
    expect(second.deletedSummaryRows).toBe(first.backPopulatedRows);
    expect(await counts()).toEqual(afterFirst);
    const again = compareRowSets(await projectRows(), stored);
    expect(again.equal, again.report).toBe(true);
  });

  it("a run failing in its last statement changes nothing", { timeout: 120_000 }, async () => {
    const before = { counts: await counts(), project: await projectRows(), back: await backPopulatedRows() };
    expect(before.counts.project).toBeGreaterThan(0);
    await client.query(`CREATE FUNCTION "${SCHEMA}".refuse_back_populate() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`);
    await client.query(`CREATE TRIGGER refuse BEFORE INSERT ON "${SCHEMA}".reporting_ocpusagelineitem_daily_summary
      FOR EACH ROW WHEN (NEW.infrastructure_raw_cost IS NOT NULL) EXECUTE FUNCTION "${SCHEMA}".refuse_back_populate()`);
    try {
      await expect(runJob()).rejects.toThrow(/back-populate.*refused by test.*rolled back/s);
    } finally {
      await client.query(`DROP TRIGGER refuse ON "${SCHEMA}".reporting_ocpusagelineitem_daily_summary`);
      await client.query(`DROP FUNCTION "${SCHEMA}".refuse_back_populate()`);
    }
    expect(await counts()).toEqual(before.counts);
    expect(compareRowSets(await projectRows(), before.project).equal).toBe(true);
    expect(compareRowSets(await backPopulatedRows(), before.back, BACK_COLUMNS, BACK_NUMERIC).equal).toBe(
      true,
    );
  });
});
