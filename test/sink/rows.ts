/** Summary rows for sink tests: a complete Pod row, overridable field by field. */
import type { SummaryRow } from "../../src/model.js";

export const SOURCE_A = "5a74472b-8173-5647-939c-3a4cc520570f";
export const SOURCE_B = "0b7c2c4e-1d5f-4f3a-9a8b-2c6e7d8f9a01";

export function podRow(overrides: Partial<SummaryRow> = {}): SummaryRow {
  return {
    report_period_id: 7,
    cluster_id: "my-cluster",
    cluster_alias: "My Cluster",
    data_source: "Pod",
    usage_start: "2025-10-30",
    usage_end: "2025-10-30",
    namespace: "ns-1",
    node: "node-1",
    resource_id: "i-0123",
    pod_labels: '{"app":"web"}',
    pod_usage_cpu_core_hours: 1.5,
    pod_request_cpu_core_hours: 2,
    pod_effective_usage_cpu_core_hours: 2,
    pod_limit_cpu_core_hours: 4,
    pod_usage_memory_gigabyte_hours: 0.123456789012345,
    pod_request_memory_gigabyte_hours: 1,
    pod_effective_usage_memory_gigabyte_hours: 1,
    pod_limit_memory_gigabyte_hours: 2,
    node_capacity_cpu_cores: 8,
    node_capacity_cpu_core_hours: 192,
    node_capacity_memory_gigabytes: 32,
    node_capacity_memory_gigabyte_hours: 768,
    cluster_capacity_cpu_core_hours: 384,
    cluster_capacity_memory_gigabyte_hours: 1536,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    volume_labels: null,
    all_labels: '{"app":"web"}',
    persistentvolumeclaim_capacity_gigabyte: null,
    persistentvolumeclaim_capacity_gigabyte_months: null,
    volume_request_storage_gigabyte_months: null,
    persistentvolumeclaim_usage_gigabyte_months: null,
    source_uuid: SOURCE_A,
    infrastructure_usage_cost: null,
    cost_category_id: null,
    csi_volume_handle: null,
    ...overrides,
  };
}

/** `count` distinct pod rows spread over the given days (namespace varies). */
export function* manyRows(
  count: number,
  days: string[],
  overrides: Partial<SummaryRow> = {},
): Generator<SummaryRow> {
  for (let i = 0; i < count; i++) {
    const day = days[i % days.length] as string;
    yield podRow({
      usage_start: day,
      usage_end: day,
      namespace: `ns-${i}`,
      pod_usage_cpu_core_hours: i / 7,
      ...overrides,
    });
  }
}
