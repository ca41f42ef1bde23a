/**
 * Which files feed the engine and which columns to read from each (column projection), per report type.
 * Hourly files are preferred (node capacity needs them, and daily rows are derivable from them, spec §2.4);
 * a type with only daily files is read from those.
 */
import type { InputFile, ReportType } from "../model.js";
import {
  NAMESPACE_LABELS_COLUMNS,
  NODE_LABELS_COLUMNS,
  POD_USAGE_COLUMNS,
  STORAGE_USAGE_COLUMNS,
} from "../model.js";
import type { ColumnKind, ColumnRequest } from "../parquet/reader.js";

/** Engine order: label maps first, then storage (so the pod pass knows which pods claims reference), then pods. */
export const READ_ORDER: readonly ReportType[] = [
  "node_labels",
  "namespace_labels",
  "storage_usage",
  "pod_usage",
];

export interface PlannedFile {
  file: InputFile;
  hourly: boolean;
  columns: ColumnRequest[];
}

export function planFiles(files: readonly InputFile[], options: { deriveNodeRoles: boolean }): PlannedFile[] {
  const planned: PlannedFile[] = [];
  for (const type of READ_ORDER) {
    const ofType = files.filter((f) => f.reportType === type);
    const hourly = ofType.filter((f) => f.granularity === "hourly");
    const chosen = hourly.length > 0 ? hourly : ofType.filter((f) => f.granularity === "daily");
    const columns = columnsFor(type, options.deriveNodeRoles);
    for (const file of [...chosen].sort((a, b) =>
      a.location < b.location ? -1 : a.location > b.location ? 1 : 0,
    )) {
      planned.push({ file, hourly: file.granularity === "hourly", columns });
    }
  }
  return planned;
}

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
