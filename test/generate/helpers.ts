/** Test helpers of the generator tests: an independent Parquet reader (DuckDB) and temporary folders. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { AnyReportType as ReportType } from "../../src/model.js";

let connection: DuckDBConnection | undefined;

async function duck(): Promise<DuckDBConnection> {
  if (!connection) connection = await (await DuckDBInstance.create()).connect();
  return connection;
}

/** Rows as JSON-friendly objects (bigints as strings, timestamps as text). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await (await duck()).runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A glob over one report type's files of a dataset root (hourly or daily tree). */
export function filesOf(root: string, type: ReportType, granularity: "hourly" | "daily" = "hourly"): string {
  const tree = granularity === "daily" ? "data/parquet/daily" : "data/parquet";
  return join(root, tree, "*", "OCP", type, "*", "*", "*", "*.parquet");
}

/** `read_parquet` of one report type, without hive partition columns. */
export function table(root: string, type: ReportType, granularity: "hourly" | "daily" = "hourly"): string {
  return `read_parquet(${sqlString(filesOf(root, type, granularity))}, hive_partitioning = false)`;
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
