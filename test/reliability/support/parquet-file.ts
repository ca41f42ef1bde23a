/**
 * Reading and rewriting test Parquet files with explicit physical types, so a test can turn a real Koku
 * file into a variant: other measure types (INT32/INT64/FLOAT), other timestamp units, dropped or extra
 * columns, nulls/NaN/empty strings, zero rows.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { SchemaElement } from "hyparquet";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { parquetWriteBuffer } from "hyparquet-writer";

export type CellType =
  | "string"
  | "double"
  | "float"
  | "int32"
  | "int64"
  | "ts-millis"
  | "ts-micros"
  | "ts-nanos"
  | "int64-plain"; // INT64 without a timestamp annotation

export interface ColumnDef {
  name: string;
  type: CellType;
}

export type Cell = string | number | bigint | Date | null;
export type Rows = Record<string, Cell>[];

/** A file's rows (timestamps as Date, text as string, measures as number) and its column types. */
export interface ParquetTable {
  columns: ColumnDef[];
  rows: Rows;
}

export async function readTable(path: string): Promise<ParquetTable> {
  const bytes = readFileSync(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(buffer);
  const columns = metadata.schema.slice(1).map((e) => ({ name: e.name, type: cellTypeOf(e) }));
  const rows = (await parquetReadObjects({ file: buffer, compressors })) as Rows;
  return { columns, rows };
}

function cellTypeOf(element: SchemaElement): CellType {
  if (element.type === "BYTE_ARRAY") return "string";
  if (element.type === "DOUBLE") return "double";
  if (element.type === "INT64") return "ts-micros";
  throw new Error(`test helper: unexpected column type ${element.type} of ${element.name}`);
}

const TIMESTAMP_SCALE: Record<string, bigint> = {
  "ts-millis": 1n,
  "ts-micros": 1000n,
  "ts-nanos": 1_000_000n,
};

function schemaElement(column: ColumnDef): SchemaElement {
  const base = { name: column.name, repetition_type: "OPTIONAL" as const };
  switch (column.type) {
    case "string":
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "double":
      return { ...base, type: "DOUBLE" };
    case "float":
      return { ...base, type: "FLOAT" };
    case "int32":
      return { ...base, type: "INT32" };
    case "int64":
    case "int64-plain":
      return { ...base, type: "INT64" };
    case "ts-millis":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MILLIS" },
      };
    case "ts-micros":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
      };
    case "ts-nanos":
      return {
        ...base,
        type: "INT64",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "NANOS" },
      };
  }
}

/** The raw values hyparquet-writer expects for a column of `type` (BigInt for INT64, numbers otherwise). */
function columnValues(type: CellType, values: Cell[]): unknown[] {
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    if (type in TIMESTAMP_SCALE) {
      const millis = v instanceof Date ? BigInt(v.getTime()) : BigInt(v as number);
      return millis * TIMESTAMP_SCALE[type];
    }
    if (type === "int64" || type === "int64-plain") {
      return typeof v === "bigint" ? v : BigInt(Math.round(v instanceof Date ? v.getTime() : Number(v)));
    }
    if (type === "int32") return Math.round(Number(v));
    if (type === "double" || type === "float") return typeof v === "bigint" ? Number(v) : v;
    return typeof v === "string" ? v : String(v);
  });
}

/** Writes `table` with exactly the given column types; `rowGroupSize` splits rows into several row groups. */
export function writeTable(path: string, table: ParquetTable, options: { rowGroupSize?: number } = {}): void {
  const { columns, rows } = table;
  const schema: SchemaElement[] = [
    { name: "schema", repetition_type: "REQUIRED", num_children: columns.length },
    ...columns.map(schemaElement),
  ];
  const columnData = columns.map((c) => ({
    name: c.name,
    data: columnValues(
      c.type,
      rows.map((r) => r[c.name] ?? null),
    ) as never,
  }));
  const buffer = parquetWriteBuffer({ columnData, schema, rowGroupSize: options.rowGroupSize });
  writeFileSync(path, new Uint8Array(buffer));
}

/** Same table with some column types changed. */
export function retype(table: ParquetTable, types: Record<string, CellType>): ParquetTable {
  return { ...table, columns: table.columns.map((c) => ({ name: c.name, type: types[c.name] ?? c.type })) };
}

/** Same table without the named columns. */
export function dropColumns(table: ParquetTable, names: readonly string[]): ParquetTable {
  return {
    columns: table.columns.filter((c) => !names.includes(c.name)),
    rows: table.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !names.includes(k)))),
  };
}
