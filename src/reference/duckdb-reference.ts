/**
 * The independent reference: Koku's summary SQL rendered for DuckDB, run on the same Parquet files as
 * the engine. It shares nothing with src/engine or src/parquet; only the file list comes from outside.
 * Used by tests (differential comparison) and by `ocp-aggregator verify`.
 */
import { type DuckDBConnection, DuckDBInstance, INTEGER, VARCHAR } from "@duckdb/node-api";
import { type ReferenceData, type RunParams, SUMMARY_COLUMNS, type SummaryRow } from "../model.js";
import { loadInputs, type ReferenceFiles } from "./load-inputs.js";
import { loadReferenceData } from "./load-reference-data.js";
import { flavorMacros } from "./sql/flavor-macros.js";
import { DERIVE_NODE_ROLES_SQL } from "./sql/node-roles.js";
import { SUMMARY_STAGING_SQL } from "./sql/summary.js";
import { FINAL_SELECT_SQL, UNALLOCATED_INSERT_SQL } from "./sql/unallocated.js";

export type { ReferenceFiles } from "./load-inputs.js";

export interface ReferenceInput {
  /** Local Parquet paths per report type and granularity (the run's month). */
  files: ReferenceFiles;
  run: RunParams;
  reference: ReferenceData;
}

type ParamValue = string | number | null;

/** The template parameters of Koku's SQL (`{{start_date}}`, `{{cluster_id}}`, …), bound, never inlined. */
function runParameters(
  run: RunParams,
): Record<string, { value: ParamValue; type: typeof VARCHAR | typeof INTEGER }> {
  return {
    source_uuid: { value: run.sourceUuid, type: VARCHAR },
    start_date: { value: run.startDate, type: VARCHAR },
    end_date: { value: run.endDate, type: VARCHAR },
    cluster_id: { value: run.clusterId, type: VARCHAR },
    cluster_alias: { value: run.clusterAlias, type: VARCHAR },
    report_period_id: { value: run.reportPeriodId, type: INTEGER },
  };
}

/** Prepares `sql` and binds, by name, the run parameters it uses. */
async function runWithParameters(
  con: DuckDBConnection,
  sql: string,
  params: ReturnType<typeof runParameters>,
): Promise<void> {
  const statement = await con.prepare(sql);
  const values: Record<string, ParamValue> = {};
  const types: Record<string, typeof VARCHAR | typeof INTEGER> = {};
  for (let i = 1; i <= statement.parameterCount; i++) {
    const name = statement.parameterName(i);
    const param = params[name];
    if (!param) throw new Error(`reference SQL uses unknown parameter $${name}`);
    values[name] = param.value;
    types[name] = param.type;
  }
  statement.bind(values, types);
  await statement.run();
}

function toSummaryRow(record: Record<string, unknown>): SummaryRow {
  const row = {} as Record<string, unknown>;
  for (const column of SUMMARY_COLUMNS) {
    const value = record[column];
    // INTEGER arrives as number; guard against BIGINT in case DuckDB widens a type.
    row[column] = typeof value === "bigint" ? Number(value) : (value ?? null);
  }
  return row as unknown as SummaryRow;
}

/** Runs the statements of one reference run on `con`, whose current schema is empty. */
async function computeSummary(con: DuckDBConnection, input: ReferenceInput): Promise<SummaryRow[]> {
  // Koku's timestamps are UTC; a TIMESTAMPTZ column is converted to UTC wall-clock time.
  await con.run("SET TimeZone = 'UTC'");
  for (const statement of flavorMacros(input.run.kokuSql)) await con.run(statement);
  await loadReferenceData(con, input.reference);
  await loadInputs(con, input.files);
  const params = runParameters(input.run);
  if (input.reference.nodeRoles === null) await runWithParameters(con, DERIVE_NODE_ROLES_SQL, params);
  await runWithParameters(con, SUMMARY_STAGING_SQL, params);
  await runWithParameters(con, UNALLOCATED_INSERT_SQL, params);
  const result = await con.runAndReadAll(FINAL_SELECT_SQL);
  return result.getRowObjectsJS().map((r) => toSummaryRow(r as Record<string, unknown>));
}

/**
 * A DuckDB instance reused across runs (tests run hundreds of small cases; creating an instance costs
 * more than a small run). Each run gets its own schema, dropped afterwards.
 */
export class ReferenceRunner {
  private runs = 0;

  private constructor(private readonly instance: DuckDBInstance) {}

  static async create(): Promise<ReferenceRunner> {
    return new ReferenceRunner(await DuckDBInstance.create(":memory:"));
  }

  async run(input: ReferenceInput): Promise<SummaryRow[]> {
    const schema = `reference_run_${++this.runs}`;
    const con = await this.instance.connect();
    try {
      await con.run(`CREATE SCHEMA ${schema}`);
      await con.run(`USE memory.${schema}`);
      return await computeSummary(con, input);
    } finally {
      await con.run("USE memory.main");
      await con.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      con.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** Computes the run's summary rows (pod, storage and unallocated) with DuckDB, in a fresh instance. */
export async function runReference(input: ReferenceInput): Promise<SummaryRow[]> {
  const runner = await ReferenceRunner.create();
  try {
    return await runner.run(input);
  } finally {
    runner.close();
  }
}
