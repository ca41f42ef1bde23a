/**
 * Storage rows carry their CSI volume handle (spec §3, §6.2): a grouping key that Koku's Trino statement also
 * writes into the Hive copy of the summary (`sli.csi_volume_handle`, reporting_ocpusagelineitem_daily_summary.sql
 * storage SELECT), though PostgreSQL's table has no such column. Two storage rows that differ only by it stay two
 * rows, each with its own handle; null and '' are kept as read; Pod and unallocated rows have none.
 */
import { describe, expect, it } from "vitest";
import { SummaryEngine } from "../../src/engine/summary-engine.js";
import type { ReferenceData, RunParams } from "../../src/model.js";
import { batchOf, POD_KINDS, STORAGE_KINDS } from "../helpers/batches.js";

const GIB = 2 ** 30;
const run: RunParams = {
  sourceUuid: "11111111-2222-3333-4444-555555555555",
  year: 2025,
  month: 11,
  startDate: "2025-11-01",
  endDate: "2025-11-30",
  clusterId: "c1",
  clusterAlias: "Cluster 1",
  reportPeriodId: 3,
  orgId: "org1",
  kokuSql: "trino",
};
const reference: ReferenceData = {
  enabledTagKeys: [],
  costCategories: [],
  nodeRoles: [{ node: "n1", resource_id: "i-1", node_role: "worker" }],
};

const pod = {
  interval_start: "2025-11-01T00:00:00",
  namespace: "ns1",
  node: "n1",
  pod: "p1",
  resource_id: "i-1",
  pod_labels: "{}",
  pod_usage_cpu_core_seconds: 1800,
  pod_request_cpu_core_seconds: 3600,
  pod_limit_cpu_core_seconds: 3600,
  pod_usage_memory_byte_seconds: GIB * 3600,
  pod_request_memory_byte_seconds: GIB * 3600,
  pod_limit_memory_byte_seconds: GIB * 3600,
  node_capacity_cpu_cores: 4,
  node_capacity_cpu_core_seconds: 4 * 3600,
  node_capacity_memory_bytes: 16 * GIB,
  node_capacity_memory_byte_seconds: 16 * GIB * 3600,
};

function volume(claim: string, handle: string | null, hour = "00") {
  return {
    interval_start: `2025-11-01T${hour}:00:00`,
    namespace: "ns1",
    pod: "p1",
    persistentvolumeclaim: claim,
    persistentvolume: `pv-${claim}`,
    storageclass: "gp3",
    csi_volume_handle: handle,
    persistentvolume_labels: "{}",
    persistentvolumeclaim_labels: "{}",
    persistentvolumeclaim_capacity_bytes: 10 * GIB,
    persistentvolumeclaim_capacity_byte_seconds: 10 * GIB * 3600,
    volume_request_storage_byte_seconds: 5 * GIB * 3600,
    persistentvolumeclaim_usage_byte_seconds: 2 * GIB * 3600,
  };
}

describe("csi_volume_handle on summary rows", () => {
  for (const flavor of ["trino", "onprem"] as const) {
    it(`is carried on Storage rows, one row per handle, null elsewhere (${flavor})`, () => {
      const engine = new SummaryEngine({ ...run, kokuSql: flavor }, reference);
      const storage = [
        volume("data", "vol-a", "00"),
        volume("data", "vol-a", "01"),
        volume("data", "vol-b", "02"), // the same claim and volume with another handle: its own row
        volume("scratch", null),
        volume("cache", ""),
      ];
      engine.add("storage_usage", batchOf(engine, storage, STORAGE_KINDS), true);
      // Storage comes first (it names the pods whose nodes the pod pass keeps for the volume-node join).
      engine.add("pod_usage", batchOf(engine, [pod], POD_KINDS), true);
      const rows = engine.finish().rows;

      const storageRows = rows
        .filter((r) => r.data_source === "Storage")
        .map((r) => [
          r.persistentvolumeclaim,
          r.csi_volume_handle,
          r.node,
          r.persistentvolumeclaim_capacity_gigabyte_months,
        ])
        .sort((a, b) => `${a[0]}|${a[1]}`.localeCompare(`${b[0]}|${b[1]}`));
      const months = (hours: number) => (10 * 3600 * hours) / (86400 * 30);
      expect(storageRows).toEqual([
        ["cache", "", "n1", months(1)],
        ["data", "vol-a", "n1", months(2)],
        ["data", "vol-b", "n1", months(1)],
        ["scratch", null, "n1", months(1)],
      ]);
      const others = rows.filter((r) => r.data_source === "Pod");
      expect(others.length).toBeGreaterThanOrEqual(2); // the pod's row and the node's unallocated row
      for (const r of others) expect(r.csi_volume_handle).toBeNull();
    });
  }
});
