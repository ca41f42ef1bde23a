/**
 * Loads the run's Parquet files into DuckDB tables named like Koku's Hive tables, casting each column
 * to the type Koku's tables have. Only the file list is shared with the engine; the reading is DuckDB's.
 */
import { type DuckDBConnection, LIST, listValue, VARCHAR } from "@duckdb/node-api";
import {
  type AnyReportType,
  type Granularity,
  REPORT_TYPES,
  type ReportType,
  type StepReportType,
} from "../model.js";
import { type ColumnSpec, inputColumns, KOKU_TABLE } from "./input-schema.js";
import { DAILY_DERIVATION_SQL } from "./sql/daily-derivation.js";

export type ReferenceFiles = Record<ReportType, { hourly: string[]; daily: string[] }> &
  Partial<Record<StepReportType, { hourly: string[]; daily: string[] }>>;

/** Adds one file to its report type's list (creating the list for gpu_usage / vm_usage). */
export function addReferenceFile(
  files: ReferenceFiles,
  reportType: AnyReportType,
  granularity: Granularity,
  path: string,
): void {
  let lists = files[reportType];
  if (!lists) {
    lists = { hourly: [], daily: [] };
    files[reportType] = lists;
  }
  lists[granularity].push(path);
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Column names present in the union of the files' schemas. */
async function presentColumns(con: DuckDBConnection, files: string[]): Promise<Set<string>> {
  const probe = await con.prepare(
    "SELECT * FROM read_parquet($files, union_by_name = true, hive_partitioning = false) LIMIT 0",
  );
  probe.bind({ files: listValue(files) }, { files: LIST(VARCHAR) });
  const result = await probe.run();
  return new Set(result.columnNames());
}

/**
 * Creates `table` from `files`: every spec'd column cast to its type, optional columns that no file
 * has as typed NULLs. Timestamps with a time zone become UTC wall-clock time (the session is UTC).
 */
async function loadTable(
  con: DuckDBConnection,
  table: string,
  files: string[],
  columns: ColumnSpec[],
): Promise<void> {
  if (files.length === 0) {
    const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
    await con.run(`CREATE TABLE ${table} (${ddl})`);
    return;
  }
  const present = await presentColumns(con, files);
  const projection = columns.map((c) => {
    if (present.has(c.name)) return `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`;
    if (c.optional) return `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`;
    throw new Error(
      `reference: required column ${c.name} is missing from ${table} files (${files.join(", ")})`,
    );
  });
  const create = await con.prepare(
    `CREATE TABLE ${table} AS SELECT ${projection.join(", ")}
     FROM read_parquet($files, union_by_name = true, hive_partitioning = false)`,
  );
  create.bind({ files: listValue(files) }, { files: LIST(VARCHAR) });
  await create.run();
}

/**
 * Loads hourly tables (`openshift_<type>_line_items`) and daily tables (`…_daily`). Where a type has
 * daily files, Koku's summary reads them; where it has only hourly files, the daily rows are derived
 * from the hourly ones in SQL the way Koku's ingest would have written them (spec §2.4).
 */
export async function loadInputs(con: DuckDBConnection, files: ReferenceFiles): Promise<void> {
  for (const reportType of REPORT_TYPES) {
    const hourlyTable = KOKU_TABLE[reportType];
    const dailyTable = `${hourlyTable}_daily`;
    const { hourly, daily } = files[reportType] ?? { hourly: [], daily: [] };
    await loadTable(con, hourlyTable, hourly, inputColumns(reportType, "hourly" satisfies Granularity));
    if (daily.length > 0) {
      await loadTable(con, dailyTable, daily, inputColumns(reportType, "daily"));
    } else {
      await con.run(`CREATE TABLE ${dailyTable} AS ${DAILY_DERIVATION_SQL[reportType]}`);
    }
  }
}
