/** Builds engine input batches straight from row objects (no Parquet), for engine unit tests. */
import type { SummaryEngine } from "../../src/engine/summary-engine.js";
import type { DecodedColumn, RowGroupBatch } from "../../src/parquet/reader.js";

type Value = string | number | null | undefined;

export function batchOf(
  engine: SummaryEngine,
  rows: Record<string, Value>[],
  kinds: Record<string, "string" | "double" | "timestamp">,
  location = "test-batch",
): RowGroupBatch {
  const columns = new Map<string, DecodedColumn>();
  for (const [name, kind] of Object.entries(kinds)) {
    const values = rows.map((r) => r[name] ?? null);
    if (kind === "string") {
      columns.set(name, {
        kind,
        ids: Int32Array.from(values, (v) => (v === null ? -1 : engine.interner.intern(String(v)))),
      });
    } else if (kind === "timestamp") {
      columns.set(name, {
        kind,
        millis: Float64Array.from(values, (v) => (v === null ? Number.NaN : Date.parse(`${String(v)}Z`))),
      });
    } else {
      const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
      columns.set(name, {
        kind,
        values: Float64Array.from(values, (v) => (v === null ? 0 : Number(v))),
        nulls: nulls.some((x) => x === 1) ? nulls : null,
      });
    }
  }
  return { location, rowGroup: 0, numRows: rows.length, columns, bytes: 0 };
}

export const POD_KINDS = {
  interval_start: "timestamp",
  namespace: "string",
  node: "string",
  pod: "string",
  resource_id: "string",
  pod_labels: "string",
  node_role: "string",
  pod_usage_cpu_core_seconds: "double",
  pod_request_cpu_core_seconds: "double",
  pod_limit_cpu_core_seconds: "double",
  pod_usage_memory_byte_seconds: "double",
  pod_request_memory_byte_seconds: "double",
  pod_limit_memory_byte_seconds: "double",
  pod_effective_usage_cpu_core_seconds: "double",
  pod_effective_usage_memory_byte_seconds: "double",
  node_capacity_cpu_cores: "double",
  node_capacity_cpu_core_seconds: "double",
  node_capacity_memory_bytes: "double",
  node_capacity_memory_byte_seconds: "double",
} as const;

export const STORAGE_KINDS = {
  interval_start: "timestamp",
  namespace: "string",
  pod: "string",
  persistentvolumeclaim: "string",
  persistentvolume: "string",
  storageclass: "string",
  csi_volume_handle: "string",
  persistentvolume_labels: "string",
  persistentvolumeclaim_labels: "string",
  persistentvolumeclaim_capacity_bytes: "double",
  persistentvolumeclaim_capacity_byte_seconds: "double",
  volume_request_storage_byte_seconds: "double",
  persistentvolumeclaim_usage_byte_seconds: "double",
} as const;

export const NODE_LABEL_KINDS = {
  interval_start: "timestamp",
  node: "string",
  node_labels: "string",
} as const;
export const NAMESPACE_LABEL_KINDS = {
  interval_start: "timestamp",
  namespace: "string",
  namespace_labels: "string",
} as const;
