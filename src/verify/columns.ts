import type { SummaryColumn } from "../model.js";

/** Summary columns holding numbers (integers or doubles); everything else is text or JSON text. */
export const NUMERIC_COLUMNS: ReadonlySet<SummaryColumn> = new Set<SummaryColumn>([
  "report_period_id",
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
  "cost_category_id",
]);

/** Summary columns holding JSON text (jsonb in PostgreSQL): compared as parsed values, key order irrelevant. */
export const JSON_COLUMNS: ReadonlySet<SummaryColumn> = new Set<SummaryColumn>([
  "pod_labels",
  "volume_labels",
  "all_labels",
  "infrastructure_usage_cost",
]);

/** A summary row as compared: SummaryRow is one, so are rows parsed from CSV or read back from PostgreSQL. */
export type Row = Record<SummaryColumn, string | number | null>;
