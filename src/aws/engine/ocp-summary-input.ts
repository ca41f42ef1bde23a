/** Our OCP daily summary rows as F2 reads Koku's Parquet copy of them (spec §2.1). */
import type { OcpSummaryInput } from "../model.js";
import type { SummaryInputRow } from "../parquet/ocp-summary-copy.js";

export function toOcpSummaryInput(
  row: SummaryInputRow,
  csiHandle: (
    day: string,
    namespace: string | null,
    claim: string | null,
    volume: string | null,
  ) => string | null,
): OcpSummaryInput {
  return {
    sourceUuid: row.source_uuid,
    clusterId: row.cluster_id,
    clusterAlias: row.cluster_alias,
    dataSource: row.data_source,
    usageStart: row.usage_start,
    namespace: row.namespace,
    node: row.node,
    resourceId: row.resource_id,
    podLabels: row.data_source === "Pod" ? row.pod_labels : null,
    volumeLabels: row.data_source === "Storage" ? row.volume_labels : null,
    podEffectiveUsageCpuCoreHours: row.pod_effective_usage_cpu_core_hours,
    podEffectiveUsageMemoryGigabyteHours: row.pod_effective_usage_memory_gigabyte_hours,
    nodeCapacityCpuCoreHours: row.node_capacity_cpu_core_hours,
    nodeCapacityMemoryGigabyteHours: row.node_capacity_memory_gigabyte_hours,
    persistentvolumeclaim: row.persistentvolumeclaim,
    persistentvolume: row.persistentvolume,
    storageclass: row.storageclass,
    persistentvolumeclaimCapacityGigabyte: row.persistentvolumeclaim_capacity_gigabyte,
    costCategoryId: row.cost_category_id,
    csiVolumeHandle:
      row.data_source === "Storage"
        ? csiHandle(row.usage_start, row.namespace, row.persistentvolumeclaim, row.persistentvolume)
        : null,
  };
}
