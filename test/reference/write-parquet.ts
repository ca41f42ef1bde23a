/** Test helper: writes small Koku-shaped Parquet files with hyparquet-writer. */
import { writeFileSync } from "node:fs";
import { parquetWriteBuffer } from "hyparquet-writer";

type Cell = string | number | Date | null;

const TIMESTAMP_COLUMNS = new Set([
  "interval_start",
  "interval_end",
  "report_period_start",
  "report_period_end",
]);

/** Writes `rows` (all with the same keys) to `path`: timestamps, doubles and strings by column name. */
export function writeRowsParquet(path: string, rows: Record<string, Cell>[], columns?: string[]): void {
  const names = columns ?? Object.keys(rows[0] ?? {});
  const columnData = names.map((name) => {
    const data = rows.map((r) => r[name] ?? null);
    if (TIMESTAMP_COLUMNS.has(name)) return { name, data, type: "TIMESTAMP" as const };
    const numeric = data.some((v) => typeof v === "number");
    return { name, data, type: numeric ? ("DOUBLE" as const) : ("STRING" as const) };
  });
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData })));
}

/** A UTC timestamp for day `day` (YYYY-MM-DD) and `hour`. */
export function utc(day: string, hour = 0): Date {
  return new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
}
