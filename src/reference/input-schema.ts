/**
 * The columns the reference loads from each report type's Parquet files, with the DuckDB type each is
 * cast to. Written out here (not taken from model.ts column lists) so the reference states its own
 * reading of the spec §2.2/§2.4: the daily files carry the extra `pod_effective_usage_*` sums.
 */
import type { Granularity, ReportType } from "../model.js";

export interface ColumnSpec {
  name: string;
  type: "TIMESTAMP" | "VARCHAR" | "DOUBLE";
  /** Optional columns read as all-null when no file has them (spec §2.2, §10). */
  optional?: boolean;
}

const text = (name: string, optional = false): ColumnSpec => ({ name, type: "VARCHAR", optional });
const measure = (name: string, optional = false): ColumnSpec => ({ name, type: "DOUBLE", optional });
const INTERVAL_START: ColumnSpec = { name: "interval_start", type: "TIMESTAMP" };

const POD_MEASURES = [
  "pod_usage_cpu_core_seconds",
  "pod_request_cpu_core_seconds",
  "pod_limit_cpu_core_seconds",
  "pod_usage_memory_byte_seconds",
  "pod_request_memory_byte_seconds",
  "pod_limit_memory_byte_seconds",
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_seconds",
  "node_capacity_memory_bytes",
  "node_capacity_memory_byte_seconds",
].map((n) => measure(n));

const POD_COLUMNS: ColumnSpec[] = [
  INTERVAL_START,
  text("namespace"),
  text("node"),
  text("pod"),
  text("resource_id"),
  ...POD_MEASURES,
  text("pod_labels"),
  text("node_role", true),
];

const STORAGE_COLUMNS: ColumnSpec[] = [
  INTERVAL_START,
  text("namespace"),
  text("pod"),
  text("persistentvolumeclaim"),
  text("persistentvolume"),
  text("storageclass"),
  measure("persistentvolumeclaim_capacity_bytes"),
  measure("persistentvolumeclaim_capacity_byte_seconds"),
  measure("volume_request_storage_byte_seconds"),
  measure("persistentvolumeclaim_usage_byte_seconds"),
  text("persistentvolume_labels"),
  text("persistentvolumeclaim_labels"),
  text("node", true),
  text("csi_driver", true),
  text("csi_volume_handle", true),
];

const NODE_LABEL_COLUMNS: ColumnSpec[] = [INTERVAL_START, text("node"), text("node_labels")];
const NAMESPACE_LABEL_COLUMNS: ColumnSpec[] = [INTERVAL_START, text("namespace"), text("namespace_labels")];

/** Columns per report type and granularity; daily pod files add the effective-usage sums (optional). */
export function inputColumns(reportType: ReportType, granularity: Granularity): ColumnSpec[] {
  switch (reportType) {
    case "pod_usage":
      return granularity === "hourly"
        ? POD_COLUMNS
        : [
            ...POD_COLUMNS,
            measure("pod_effective_usage_cpu_core_seconds", true),
            measure("pod_effective_usage_memory_byte_seconds", true),
          ];
    case "storage_usage":
      return STORAGE_COLUMNS;
    case "node_labels":
      return NODE_LABEL_COLUMNS;
    case "namespace_labels":
      return NAMESPACE_LABEL_COLUMNS;
  }
}

/** Koku's Hive table names for each report type (hourly; the daily ones add `_daily`). */
export const KOKU_TABLE: Record<ReportType, string> = {
  pod_usage: "openshift_pod_usage_line_items",
  storage_usage: "openshift_storage_usage_line_items",
  node_labels: "openshift_node_labels_line_items",
  namespace_labels: "openshift_namespace_labels_line_items",
};
