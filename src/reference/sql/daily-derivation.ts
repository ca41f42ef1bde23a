/**
 * Daily rows derived from hourly rows, as Koku's ingest writes its `data/parquet/daily` tree
 * (masu/util/ocp/common.py POD_GROUP_BY/POD_AGG …, spec §2.4). Used only for report types that have
 * hourly files but no daily files.
 *
 * Translation notes:
 * - Koku groups with pandas per uploaded file; regrouping a day's rows across files gives the same
 *   summary (sums of sums, maxima of maxima), so this groups the whole hourly table at once.
 * - pandas drops null group keys; the spec (§2.4) keeps nulls as a value — DuckDB GROUP BY does that.
 * - `pod_effective_usage_*` is pandas `max(axis=1)` of (usage, request) per hour, which skips a
 *   missing value: DuckDB's `greatest` also skips NULL (only both NULL gives NULL). Sums are SQL sums
 *   (NULLs skipped, all-NULL gives NULL), as the spec asks; pandas would give 0 there.
 * - `interval_start` of a daily row is that day's midnight.
 */
import type { ReportType } from "../../model.js";

const DAY = "CAST(date_trunc('day', interval_start) AS TIMESTAMP)";

const POD = `
SELECT namespace, node, pod, pod_labels,
    ${DAY} AS interval_start,
    max(resource_id) AS resource_id,
    sum(pod_usage_cpu_core_seconds) AS pod_usage_cpu_core_seconds,
    sum(pod_request_cpu_core_seconds) AS pod_request_cpu_core_seconds,
    sum(greatest(pod_usage_cpu_core_seconds, pod_request_cpu_core_seconds)) AS pod_effective_usage_cpu_core_seconds,
    sum(pod_limit_cpu_core_seconds) AS pod_limit_cpu_core_seconds,
    sum(pod_usage_memory_byte_seconds) AS pod_usage_memory_byte_seconds,
    sum(pod_request_memory_byte_seconds) AS pod_request_memory_byte_seconds,
    sum(greatest(pod_usage_memory_byte_seconds, pod_request_memory_byte_seconds)) AS pod_effective_usage_memory_byte_seconds,
    sum(pod_limit_memory_byte_seconds) AS pod_limit_memory_byte_seconds,
    max(node_capacity_cpu_cores) AS node_capacity_cpu_cores,
    sum(node_capacity_cpu_core_seconds) AS node_capacity_cpu_core_seconds,
    max(node_capacity_memory_bytes) AS node_capacity_memory_bytes,
    sum(node_capacity_memory_byte_seconds) AS node_capacity_memory_byte_seconds,
    max(node_role) AS node_role
FROM openshift_pod_usage_line_items
GROUP BY namespace, node, pod, pod_labels, ${DAY}`;

const STORAGE = `
SELECT namespace, node, pod, persistentvolumeclaim, persistentvolume, storageclass,
    csi_driver, csi_volume_handle, persistentvolume_labels, persistentvolumeclaim_labels,
    ${DAY} AS interval_start,
    max(persistentvolumeclaim_capacity_bytes) AS persistentvolumeclaim_capacity_bytes,
    sum(persistentvolumeclaim_capacity_byte_seconds) AS persistentvolumeclaim_capacity_byte_seconds,
    sum(volume_request_storage_byte_seconds) AS volume_request_storage_byte_seconds,
    sum(persistentvolumeclaim_usage_byte_seconds) AS persistentvolumeclaim_usage_byte_seconds
FROM openshift_storage_usage_line_items
GROUP BY namespace, node, pod, persistentvolumeclaim, persistentvolume, storageclass,
    csi_driver, csi_volume_handle, persistentvolume_labels, persistentvolumeclaim_labels, ${DAY}`;

const NODE_LABELS = `
SELECT node, node_labels, ${DAY} AS interval_start
FROM openshift_node_labels_line_items
GROUP BY node, node_labels, ${DAY}`;

const NAMESPACE_LABELS = `
SELECT namespace, namespace_labels, ${DAY} AS interval_start
FROM openshift_namespace_labels_line_items
GROUP BY namespace, namespace_labels, ${DAY}`;

export const DAILY_DERIVATION_SQL: Record<ReportType, string> = {
  pod_usage: POD,
  storage_usage: STORAGE,
  node_labels: NODE_LABELS,
  namespace_labels: NAMESPACE_LABELS,
};
