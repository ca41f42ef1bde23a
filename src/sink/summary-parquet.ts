/**
 * The Parquet copy of the run's daily summary rows, as Koku's Trino statement writes them into
 * `hive.<schema>.reporting_ocpusagelineitem_daily_summary` (trino_sql/openshift/
 * reporting_ocpusagelineitem_daily_summary.sql:6-48): Hive partitions `source=<uuid>/year=<yyyy>/month=<m>/day=<d>`
 * (month and day without leading zero: `cast(month(usage_start) as varchar)`), the table's column types
 * (varchar, int, date, double), partition columns not stored in the files.
 *
 * Rows are written into a staging folder while the COPY streams them; `publish` then replaces the run's day
 * partitions (every day of the range, as Koku deletes them before inserting) — called inside the run's
 * transaction, just before COMMIT. Local directories only (see docs/spec-notes.md P1).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type ColumnSource, fileWriter, ParquetWriter } from "hyparquet-writer";
import type { SummaryRow } from "../model.js";

type Kind = "varchar" | "int" | "date" | "double";

/** Koku's Hive table columns (without the partition columns), in its order. */
export const SUMMARY_PARQUET_COLUMNS: readonly (readonly [string, Kind])[] = [
  ["uuid", "varchar"],
  ["report_period_id", "int"],
  ["cluster_id", "varchar"],
  ["cluster_alias", "varchar"],
  ["data_source", "varchar"],
  ["usage_start", "date"],
  ["usage_end", "date"],
  ["namespace", "varchar"],
  ["node", "varchar"],
  ["resource_id", "varchar"],
  ["pod_labels", "varchar"],
  ...[
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
  ].map((name) => [name, "double"] as const),
  ["persistentvolumeclaim", "varchar"],
  ["persistentvolume", "varchar"],
  ["storageclass", "varchar"],
  ["volume_labels", "varchar"],
  ...[
    "persistentvolumeclaim_capacity_gigabyte",
    "persistentvolumeclaim_capacity_gigabyte_months",
    "volume_request_storage_gigabyte_months",
    "persistentvolumeclaim_usage_gigabyte_months",
  ].map((name) => [name, "double"] as const),
  ["source_uuid", "varchar"],
  ["infrastructure_usage_cost", "varchar"],
  ["csi_volume_handle", "varchar"],
  ["cost_category_id", "int"],
];

const ROWS_PER_GROUP = 100_000;
const MS_PER_DAY = 86_400_000;

export interface SummaryParquetTarget {
  /** The Hive table's location: a local directory. */
  root: string;
  sourceUuid: string;
  startDate: string;
  endDate: string;
}

/** `source=<uuid>/year=<yyyy>/month=<m>/day=<d>` of a `YYYY-MM-DD` day. */
export function dayPartition(sourceUuid: string, day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return `source=${sourceUuid}/year=${y}/month=${m}/day=${d}`;
}

export class SummaryParquetCopy {
  private readonly staging: string;
  private readonly writers = new Map<string, DayWriter>();
  rows = 0;

  constructor(private readonly target: SummaryParquetTarget) {
    if (target.root.startsWith("s3://")) {
      throw new Error("--summary-parquet: only a local directory is supported so far (not s3://)");
    }
    this.staging = join(target.root, `.ocp-aggregator-staging-${randomUUID()}`);
  }

  add(row: SummaryRow): void {
    let writer = this.writers.get(row.usage_start);
    if (!writer) {
      const dir = join(this.staging, dayPartition(this.target.sourceUuid, row.usage_start));
      writer = new DayWriter(join(dir, `${randomUUID()}.parquet`));
      this.writers.set(row.usage_start, writer);
    }
    writer.add(row);
    this.rows++;
  }

  /** Closes the files and replaces every day partition of the range with the new ones. */
  publish(): { days: number; files: number; rows: number } {
    for (const writer of this.writers.values()) writer.close();
    let days = 0;
    const first = Date.parse(`${this.target.startDate}T00:00:00Z`);
    const last = Date.parse(`${this.target.endDate}T00:00:00Z`);
    for (let ms = first; ms <= last; ms += MS_PER_DAY) {
      const day = new Date(ms).toISOString().slice(0, 10);
      const partition = dayPartition(this.target.sourceUuid, day);
      const live = join(this.target.root, partition);
      rmSync(live, { recursive: true, force: true });
      const staged = join(this.staging, partition);
      if (existsSync(staged)) {
        mkdirSync(join(live, ".."), { recursive: true });
        renameSync(staged, live);
      }
      days++;
    }
    this.discard();
    return { days, files: this.writers.size, rows: this.rows };
  }

  /** Removes the staging folder (after publish, or when the run fails). */
  discard(): void {
    for (const writer of this.writers.values()) writer.close();
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/** One day's file, written a row group at a time. */
class DayWriter {
  private readonly writer: ParquetWriter;
  private buffer: SummaryRow[] = [];
  private closed = false;

  constructor(path: string) {
    mkdirSync(join(path, ".."), { recursive: true });
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: [
        { name: "schema", repetition_type: "REQUIRED", num_children: SUMMARY_PARQUET_COLUMNS.length },
        ...SUMMARY_PARQUET_COLUMNS.map(([name, kind]) => schemaElement(name, kind)),
      ],
      codec: "SNAPPY",
      createdBy: "ocp-aggregator",
    });
  }

  add(row: SummaryRow): void {
    this.buffer.push(row);
    if (this.buffer.length >= ROWS_PER_GROUP) this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.writer.finish();
    this.closed = true;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const columnData: ColumnSource[] = SUMMARY_PARQUET_COLUMNS.map(([name, kind]) => ({
      name,
      data: rows.map((row) => cell(row, name, kind)),
    }));
    this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}

function cell(row: SummaryRow, name: string, kind: Kind): string | number | Date | null {
  // Koku's Trino statement gives every row a fresh uuid(); the PostgreSQL rows get their own.
  if (name === "uuid") return randomUUID();
  const value = (row as unknown as Record<string, unknown>)[name];
  if (value === null || value === undefined) return null;
  if (kind === "date") return new Date(`${value as string}T00:00:00Z`);
  return value as string | number;
}

function schemaElement(name: string, kind: Kind) {
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

/** The day folders of a table root (for tests and reports). */
export function listDayPartitions(root: string, sourceUuid: string): string[] {
  const base = join(root, `source=${sourceUuid}`);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((p) => /^year=\d+\/month=\d+\/day=\d+$/.test(p))
    .sort();
}
