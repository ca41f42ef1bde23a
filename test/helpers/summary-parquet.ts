/**
 * Reads the Parquet copy of the summary (a local table folder) back with two independent readers, DuckDB and
 * hyparquet, in the comparison shape of the PostgreSQL rows (readSummaryRows): the Hive table has no
 * all_labels, so it is null on both sides; uuid and csi_volume_handle are returned beside the row.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type pg from "pg";
import { NUMERIC_SUMMARY_COLUMNS, SUMMARY_COLUMNS } from "../../src/model.js";
import type { Row } from "../../src/verify/compare.js";
import { readSummaryRows } from "./summary-db.js";

export interface CopyRow {
  row: Row;
  uuid: string | null;
  csi_volume_handle: string | null;
  /** The Hive partition values from the path (source, year, month, day). */
  partition: Record<string, string>;
}

const COMPARED = SUMMARY_COLUMNS.filter((c) => c !== "all_labels");

export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

export const copyFiles = (root: string) => `read_parquet('${root}/**/*.parquet', hive_partitioning = true)`;

function toRow(values: Record<string, unknown>): Row {
  const row = { all_labels: null } as Row;
  for (const c of COMPARED) {
    const v = values[c];
    if (v === null || v === undefined) row[c] = null;
    else if (v instanceof Date) row[c] = v.toISOString().slice(0, 10);
    else row[c] = NUMERIC_SUMMARY_COLUMNS.has(c) ? Number(v) : String(v);
  }
  return row;
}

/** DuckDB over every file below `root`, with Hive partitioning. */
export async function readCopyWithDuckDB(root: string): Promise<CopyRow[]> {
  const columns = [...COMPARED, "uuid", "csi_volume_handle", "source", "year", "month", "day"];
  const raw = await duckRows(
    `SELECT ${columns.map((c) => `${c}::varchar AS ${c}`).join(", ")} FROM ${copyFiles(root)}`,
  );
  return raw.map((r) => ({
    row: toRow(r),
    uuid: r.uuid as string | null,
    csi_volume_handle: r.csi_volume_handle as string | null,
    partition: { source: `${r.source}`, year: `${r.year}`, month: `${r.month}`, day: `${r.day}` },
  }));
}

/** hyparquet, file by file, the partition values parsed from each file's folders. */
export async function readCopyWithHyparquet(root: string): Promise<CopyRow[]> {
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith(".parquet") && !p.split("/").some((part) => part.startsWith(".")));
  const out: CopyRow[] = [];
  for (const file of files) {
    const partition = Object.fromEntries(
      file
        .split("/")
        .slice(0, -1)
        .map((part) => part.split("=") as [string, string]),
    );
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(join(root, file)), compressors });
    for (const r of rows) {
      out.push({
        row: toRow(r),
        uuid: (r.uuid as string | null) ?? null,
        csi_volume_handle: (r.csi_volume_handle as string | null) ?? null,
        partition,
      });
    }
  }
  return out;
}

/** The source's PostgreSQL rows in the same shape (all_labels dropped). */
export async function postgresCopyShape(
  client: pg.Client,
  schema: string,
  sourceUuid: string,
): Promise<Row[]> {
  return (await readSummaryRows(client, schema, sourceUuid)).map((r) => ({ ...r, all_labels: null }));
}
