/** What the finish step of the engine shares between pod, storage and unallocated rows. */
import type { ReferenceData, RunParams, SummaryRow } from "../model.js";
import type { Interner } from "./interner.js";
import type { LabelCatalog } from "./labels.js";
import { dayString } from "./values.js";

export interface FinishContext {
  run: RunParams;
  reference: ReferenceData;
  interner: Interner;
  catalog: LabelCatalog;
  /** Filtered label map id of a label text id (filled when the text was first read). */
  filteredText: (textId: number) => number;
  /** Distinct filtered node label maps of (day, node); undefined when the node has no label row that day. */
  nodeMaps: (day: number, node: number) => readonly number[] | undefined;
  namespaceMaps: (day: number, namespace: number) => readonly number[] | undefined;
  /** Cost-category ids whose pattern the namespace matches (one entry per matching pattern). */
  categories: (namespace: string | null) => readonly number[];
}

export const INFRASTRUCTURE_USAGE_COST =
  '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

const dayStrings = new Map<number, string>();
export function dayText(day: number): string {
  let s = dayStrings.get(day);
  if (s === undefined) {
    s = dayString(day);
    dayStrings.set(day, s);
  }
  return s;
}

/** A row with every column null but the run constants. */
export function baseRow(run: RunParams, dataSource: "Pod" | "Storage", day: number): SummaryRow {
  const date = dayText(day);
  return {
    report_period_id: run.reportPeriodId,
    cluster_id: run.clusterId,
    cluster_alias: run.clusterAlias,
    data_source: dataSource,
    usage_start: date,
    usage_end: date,
    namespace: null,
    node: null,
    resource_id: null,
    pod_labels: null,
    pod_usage_cpu_core_hours: null,
    pod_request_cpu_core_hours: null,
    pod_effective_usage_cpu_core_hours: null,
    pod_limit_cpu_core_hours: null,
    pod_usage_memory_gigabyte_hours: null,
    pod_request_memory_gigabyte_hours: null,
    pod_effective_usage_memory_gigabyte_hours: null,
    pod_limit_memory_gigabyte_hours: null,
    node_capacity_cpu_cores: null,
    node_capacity_cpu_core_hours: null,
    node_capacity_memory_gigabytes: null,
    node_capacity_memory_gigabyte_hours: null,
    cluster_capacity_cpu_core_hours: null,
    cluster_capacity_memory_gigabyte_hours: null,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    volume_labels: null,
    all_labels: null,
    persistentvolumeclaim_capacity_gigabyte: null,
    persistentvolumeclaim_capacity_gigabyte_months: null,
    volume_request_storage_gigabyte_months: null,
    persistentvolumeclaim_usage_gigabyte_months: null,
    source_uuid: run.sourceUuid,
    infrastructure_usage_cost: INFRASTRUCTURE_USAGE_COST,
    cost_category_id: null,
    csi_volume_handle: null,
  };
}

export const GIB = 2 ** -30;

export function mul(x: number | null, factor: number): number | null {
  return x === null ? null : x * factor;
}

export function div(x: number | null, d: number): number | null {
  return x === null ? null : x / d;
}
