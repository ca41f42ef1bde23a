/**
 * Which files feed the engine and which columns to read from each (column projection), per report type.
 */
import type { ColumnKind, ColumnRequest, EngineInput, InputFile, ReportType } from "../model.js";
import {
  NAMESPACE_LABELS_COLUMNS,
  NODE_LABELS_COLUMNS,
  POD_USAGE_COLUMNS,
  STORAGE_USAGE_COLUMNS,
} from "../model.js";

/** Engine order: label maps first, then storage (so the pod pass knows which pods claims reference), then pods. */
export const READ_ORDER: readonly ReportType[] = [
  "node_labels",
  "namespace_labels",
  "storage_usage",
  "pod_usage",
];

export interface PlannedFile {
  file: InputFile;
  input: EngineInput;
  hourly: boolean;
  columns: ColumnRequest[];
}

/** A file's day span from its row-group statistics (null when unknown). */
export type DaySpan = { first: number; last: number } | null;

/**
 * Chooses, per report type, the files to read (spec §2.4). Like Koku's SQL, the daily files are read when
 * they cover the hourly ones — 24× fewer rows, the same sums — and node capacity alone comes from the hourly
 * pod files (few columns, no label text). Without (covering) daily files the hourly ones give everything.
 */
export function planFiles(
  files: readonly InputFile[],
  options: { deriveNodeRoles: boolean; spanOf?: (file: InputFile) => DaySpan },
): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const byLocation = (a: InputFile, b: InputFile) =>
    a.location < b.location ? -1 : a.location > b.location ? 1 : 0;
  for (const type of READ_ORDER) {
    const hourly = files.filter((f) => f.reportType === type && f.granularity === "hourly").sort(byLocation);
    const daily = files.filter((f) => f.reportType === type && f.granularity === "daily").sort(byLocation);
    const columns = columnsFor(type, options.deriveNodeRoles);
    const useDaily = daily.length > 0 && (hourly.length === 0 || covers(daily, hourly, options.spanOf));
    for (const file of useDaily ? daily : hourly) {
      planned.push({ file, input: type, hourly: file.granularity === "hourly", columns });
    }
    if (type === "pod_usage" && useDaily) {
      for (const file of hourly)
        planned.push({ file, input: "pod_capacity", hourly: true, columns: CAPACITY_COLUMNS });
    }
  }
  return planned;
}

/** Whether the daily files span at least the days of the hourly ones (unknown spans count as covering). */
function covers(daily: InputFile[], hourly: InputFile[], spanOf?: (file: InputFile) => DaySpan): boolean {
  if (!spanOf) return true;
  const span = (list: InputFile[]) => {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const f of list) {
      const s = spanOf(f);
      if (s === null) return null;
      first = Math.min(first, s.first);
      last = Math.max(last, s.last);
    }
    return { first, last };
  };
  const d = span(daily);
  const h = span(hourly);
  if (d === null || h === null) return true;
  return d.first <= h.first && d.last >= h.last;
}

const CAPACITY_COLUMNS: ColumnRequest[] = [
  { name: "interval_start", kind: "timestamp", required: true },
  { name: "node", kind: "string", required: true },
  { name: "node_capacity_cpu_core_seconds", kind: "double", required: true },
  { name: "node_capacity_memory_byte_seconds", kind: "double", required: true },
];

function kindOf(name: string): ColumnKind {
  if (name === "interval_start") return "timestamp";
  if (/_(seconds|bytes|cores)$/.test(name)) return "double";
  return "string";
}

function requests(required: readonly string[], optional: readonly string[]): ColumnRequest[] {
  return [
    ...required.map((name) => ({ name, kind: kindOf(name), required: true })),
    ...optional.map((name) => ({ name, kind: kindOf(name), required: false })),
  ];
}

export function columnsFor(type: ReportType, deriveNodeRoles: boolean): ColumnRequest[] {
  switch (type) {
    case "pod_usage":
      return requests(POD_USAGE_COLUMNS.required, [
        "pod_effective_usage_cpu_core_seconds",
        "pod_effective_usage_memory_byte_seconds",
        ...(deriveNodeRoles ? ["node_role"] : []),
      ]);
    case "storage_usage":
      // storage `node` and `csi_driver` play no part in the summary (the node comes from the pod rows)
      return requests(STORAGE_USAGE_COLUMNS.required, ["csi_volume_handle"]);
    case "node_labels":
      return requests(NODE_LABELS_COLUMNS.required, NODE_LABELS_COLUMNS.optional);
    case "namespace_labels":
      return requests(NAMESPACE_LABELS_COLUMNS.required, NAMESPACE_LABELS_COLUMNS.optional);
  }
}
