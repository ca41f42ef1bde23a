/**
 * SummaryRow → one line of PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash escapes for
 * backslash, tab, newline and carriage return. Numbers keep full double precision (String(x)); the
 * database rounds to numeric(33,15).
 */
import { SUMMARY_COLUMNS, type SummaryColumn, type SummaryRow } from "../model.js";

type ColumnKind = "text" | "number";

const NUMBER_COLUMNS = new Set<SummaryColumn>([
  "report_period_id",
  "cost_category_id",
  "pod_usage_cpu_core_hours",
  "pod_request_cpu_core_hours",
  "pod_effective_usage_cpu_core_hours",
  "pod_limit_cpu_core_hours",
  "pod_usage_memory_gigabyte_hours",
  "pod_request_memory_gigabyte_hours",
  "pod_effective_usage_memory_gigabyte_hours",
  "pod_limit_memory_gigabyte_hours",
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_hours",
  "node_capacity_memory_gigabytes",
  "node_capacity_memory_gigabyte_hours",
  "cluster_capacity_cpu_core_hours",
  "cluster_capacity_memory_gigabyte_hours",
  "persistentvolumeclaim_capacity_gigabyte",
  "persistentvolumeclaim_capacity_gigabyte_months",
  "volume_request_storage_gigabyte_months",
  "persistentvolumeclaim_usage_gigabyte_months",
]);

const KINDS: readonly ColumnKind[] = SUMMARY_COLUMNS.map((c) => (NUMBER_COLUMNS.has(c) ? "number" : "text"));

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export class CopyEncodingError extends Error {}

export function escapeCopyText(value: string, column: string, rowIndex: number): string {
  if (!SPECIAL.test(value)) return value;
  if (value.includes("\0")) {
    throw new CopyEncodingError(
      `row ${rowIndex}, column ${column}: text contains a NUL character, which PostgreSQL cannot store`,
    );
  }
  return value.replace(SPECIAL_ALL, (ch) => ESCAPES[ch] as string);
}

/**
 * NaN is a valid numeric value in PostgreSQL; ±Infinity is not storable in numeric(33,15) (PostgreSQL
 * rejects it with a bare "numeric field overflow"), so we refuse it here with the row and column named.
 */
export function encodeCopyNumber(value: number | null, column: string, rowIndex: number): string {
  if (value === null || value === undefined) return "\\N";
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return "NaN";
  throw new CopyEncodingError(
    `row ${rowIndex}, column ${column}: value is ${value}; numeric(33,15) cannot store infinite values`,
  );
}

/** The COPY column list matching encodeCopyRow's output. */
export function copyColumns(withUuid: boolean): string[] {
  return withUuid ? ["uuid", ...SUMMARY_COLUMNS] : [...SUMMARY_COLUMNS];
}

/** One COPY line, ending in `\n`; `uuid` is prepended when the table has no default for it. */
export function encodeCopyRow(row: SummaryRow, rowIndex: number, uuid?: string): string {
  let line = uuid === undefined ? "" : `${uuid}\t`;
  for (let i = 0; i < SUMMARY_COLUMNS.length; i++) {
    const column = SUMMARY_COLUMNS[i] as SummaryColumn;
    const value = row[column];
    let field: string;
    if (value === null || value === undefined) field = "\\N";
    else if (KINDS[i] === "number") field = encodeCopyNumber(value as number, column, rowIndex);
    else field = escapeCopyText(value as string, column, rowIndex);
    line += i === 0 ? field : `\t${field}`;
  }
  return `${line}\n`;
}
