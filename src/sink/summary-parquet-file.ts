/**
 * One Parquet file of the Hive table `reporting_ocpusagelineitem_daily_summary`: the columns of
 * summary-parquet-columns.ts with Koku's Trino types (varchar → UTF8 byte array, int → INT32, date → DATE,
 * double → DOUBLE), all nullable, Snappy-compressed, a row group per ROWS_PER_GROUP rows.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type ColumnSource, fileWriter, ParquetWriter } from "hyparquet-writer";
import type { SummaryRow } from "../model.js";
import { type HiveColumn, type HiveKind, SUMMARY_PARQUET_COLUMNS } from "./summary-parquet-columns.js";

const ROWS_PER_GROUP = 100_000;

/** Writes `rows` (at least one) to a new file at `path`. */
export function writeSummaryParquetFile(path: string, rows: readonly SummaryRow[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: [
      { name: "schema", repetition_type: "REQUIRED", num_children: SUMMARY_PARQUET_COLUMNS.length },
      ...SUMMARY_PARQUET_COLUMNS.map(schemaElement),
    ],
    codec: "SNAPPY",
    createdBy: "ocp-aggregator",
  });
  for (let start = 0; start < rows.length; start += ROWS_PER_GROUP) {
    const group = rows.slice(start, start + ROWS_PER_GROUP);
    const columnData: ColumnSource[] = SUMMARY_PARQUET_COLUMNS.map(({ name, kind }) => ({
      name,
      data: group.map((row) => cell(row, name, kind)),
    }));
    writer.write({ columnData, rowGroupSize: group.length });
  }
  writer.finish();
}

function cell(row: SummaryRow, name: string, kind: HiveKind): string | number | Date | null {
  // Koku's Trino statement writes `null as uuid` into the Hive table; only its copy into PostgreSQL calls uuid().
  if (name === "uuid") return null;
  const value = (row as unknown as Record<string, unknown>)[name];
  if (value === null || value === undefined) return null;
  if (kind === "date") return new Date(`${value as string}T00:00:00Z`);
  return value as string | number;
}

function schemaElement({ name, kind }: HiveColumn) {
  switch (kind) {
    case "varchar":
      return {
        name,
        type: "BYTE_ARRAY" as const,
        repetition_type: "OPTIONAL" as const,
        converted_type: "UTF8" as const,
        logical_type: { type: "STRING" as const },
      };
    case "int":
      return { name, type: "INT32" as const, repetition_type: "OPTIONAL" as const };
    case "date":
      return {
        name,
        type: "INT32" as const,
        repetition_type: "OPTIONAL" as const,
        converted_type: "DATE" as const,
        logical_type: { type: "DATE" as const },
      };
    case "double":
      return { name, type: "DOUBLE" as const, repetition_type: "OPTIONAL" as const };
  }
}
