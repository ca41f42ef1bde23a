/**
 * Shared set-up of the reliability tests: a throw-away PostgreSQL, job configs for a dataset folder,
 * copies of the Koku samples to damage, exact snapshots of the stored rows, and the DuckDB reference
 * as the oracle for inputs whose behaviour the spec defines.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createLogger } from "../../../src/cli/logger.js";
import { loadConfig } from "../../../src/config/index.js";
import type { AppConfig } from "../../../src/config/schema.js";
import { type DatasetParams, loadDatasetParams } from "../../../src/generate/params-file.js";
import type { Granularity, ReportType, SummaryRow } from "../../../src/model.js";
import { SUMMARY_COLUMNS } from "../../../src/model.js";
import { type ReferenceFiles, ReferenceRunner } from "../../../src/reference/duckdb-reference.js";
import { addReferenceFile } from "../../../src/reference/load-inputs.js";
import { datasetOverrides } from "../../../src/run/dataset-config.js";
import { LocalSource } from "../../../src/source/local.js";
import { startTestPostgres, type TestPostgres } from "../../helpers/postgres.js";

export const SAMPLES = join(import.meta.dirname, "..", "..", "fixtures", "koku-samples");
export const SAMPLE_BASIC = join(SAMPLES, "sample-basic");
export const SAMPLE_RANDOM = join(SAMPLES, "sample-random");

/** A logger that drops everything below error (tests that inspect logs make their own). */
export const quietLogger = createLogger({ level: "error", format: "json" });

export interface Harness {
  db: TestPostgres;
  /** A second connection, for inspecting and for injecting faults. */
  admin: pg.Client;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const db = await startTestPostgres();
  const admin = new pg.Client({ connectionString: db.url, application_name: "reliability-admin" });
  admin.on("error", () => {});
  await admin.connect();
  return {
    db,
    admin,
    async stop() {
      await admin.end().catch(() => {});
      await db.stop();
    },
  };
}

/** A config for running `params` from `input` into `url`/`schema`, like the CLI would build it. */
export function jobConfig(
  input: string,
  params: DatasetParams,
  database: { url: string; schema: string; statementTimeoutMs?: number },
  extra: Record<string, unknown> = {},
): AppConfig {
  return loadConfig({
    env: {},
    overrides: {
      ...datasetOverrides(params, input),
      database: {
        url: database.url,
        schema: database.schema,
        ...(database.statementTimeoutMs === undefined
          ? {}
          : { statementTimeoutMs: String(database.statementTimeoutMs) }),
      },
      ...extra,
    },
  });
}

export interface DatasetCopy {
  dir: string;
  params: DatasetParams;
  remove(): void;
}

/**
 * A private copy of a sample to damage. `hourlyOnly` drops Koku's daily tree, so that both the engine and
 * the reference derive the daily rows from the (modified) hourly files.
 */
export function copySample(sample: string, options: { hourlyOnly?: boolean } = {}): DatasetCopy {
  const dir = mkdtempSync(join(tmpdir(), "ocp-agg-reliability-"));
  cpSync(sample, dir, { recursive: true });
  if (options.hourlyOnly) rmSync(join(dir, "data", "parquet", "daily"), { recursive: true, force: true });
  return { dir, params: loadDatasetParams(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The folder of one report type's files in Koku's layout (spec §2.1). */
export function partitionDir(
  root: string,
  params: DatasetParams,
  type: ReportType,
  granularity: Granularity = "hourly",
): string {
  const { run } = params;
  return join(
    root,
    "data",
    "parquet",
    ...(granularity === "daily" ? ["daily"] : []),
    run.orgId ?? "",
    "OCP",
    type,
    `source=${run.sourceUuid}`,
    `year=${run.year}`,
    `month=${String(run.month).padStart(2, "0")}`,
  );
}

/** The single Parquet file of a report type's folder (the samples have one per folder). */
export function onlyFile(
  root: string,
  params: DatasetParams,
  type: ReportType,
  granularity: Granularity = "hourly",
) {
  const dir = partitionDir(root, params, type, granularity);
  const files = readdirSync(dir).filter((f) => f.endsWith(".parquet"));
  if (files.length !== 1) throw new Error(`expected one file in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

/**
 * Every stored row of the source as exact text (the database's own rounding), sorted: two snapshots are
 * equal exactly when the table holds the same rows (uuids aside).
 */
export async function snapshotRows(client: pg.Client, schema: string, sourceUuid: string): Promise<string[]> {
  const table = `${quoteIdent(schema)}.reporting_ocpusagelineitem_daily_summary`;
  const exists = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  if (!exists.rows[0].present) return [];
  const columns = SUMMARY_COLUMNS.map((c) => `coalesce(${c}::text, '∅')`).join(" || '|' || ");
  const result = await client.query(`SELECT ${columns} AS line FROM ${table} WHERE source_uuid = $1`, [
    sourceUuid,
  ]);
  return result.rows.map((r) => r.line as string).sort();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

let sharedRunner: Promise<ReferenceRunner> | null = null;

/** The DuckDB reference's rows for the dataset in `dir` (its own reading of the same files). */
export async function referenceRows(dir: string, params: DatasetParams): Promise<SummaryRow[]> {
  sharedRunner ??= ReferenceRunner.create();
  const runner = await sharedRunner;
  const { run } = params;
  const listed = await new LocalSource(dir).list({
    orgId: run.orgId,
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
  });
  const files: ReferenceFiles = {
    pod_usage: { hourly: [], daily: [] },
    storage_usage: { hourly: [], daily: [] },
    node_labels: { hourly: [], daily: [] },
    namespace_labels: { hourly: [], daily: [] },
  };
  for (const file of listed) addReferenceFile(files, file.reportType, file.granularity, file.location);
  return runner.run({ files, run, reference: params.reference });
}

export function closeReference(): void {
  if (!sharedRunner) return;
  const pending = sharedRunner;
  sharedRunner = null;
  void pending.then((r) => r.close());
}
