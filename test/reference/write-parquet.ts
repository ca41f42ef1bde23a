/** Test helper: writes small Koku-shaped Parquet files with hyparquet-writer. */
import { writeFileSync } from "node:fs";
import { parquetWriteBuffer } from "hyparquet-writer";

export type Cell = string | number | Date | null;

const TIMESTAMP_COLUMNS = new Set([
  "interval_start",
  "interval_end",
  "report_period_start",
  "report_period_end",
]);
const TEXT_COLUMNS = new Set([
  "namespace",
  "node",
  "pod",
  "resource_id",
  "pod_labels",
  "node_role",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "persistentvolume_labels",
  "persistentvolumeclaim_labels",
  "csi_driver",
  "csi_volume_handle",
  "node_labels",
  "namespace_labels",
  "vm_name",
  "vm_persistentvolumeclaim_name",
]);

/** Writes `rows` to `path`; column types follow Koku's schema by name (so all-null columns keep their type). */
export function writeRowsParquet(path: string, rows: Record<string, Cell>[], columns?: string[]): void {
  const names = columns ?? Object.keys(rows[0] ?? {});
  const columnData = names.map((name) => {
    const data = rows.map((r) => r[name] ?? null);
    if (TIMESTAMP_COLUMNS.has(name)) return { name, data, type: "TIMESTAMP" as const };
    return { name, data, type: TEXT_COLUMNS.has(name) ? ("STRING" as const) : ("DOUBLE" as const) };
  });
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData })));
}

/** A UTC timestamp for day `day` (YYYY-MM-DD) and `hour`. */
export function utc(day: string, hour = 0): Date {
  return new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
}
