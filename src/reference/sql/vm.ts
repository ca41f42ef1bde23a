/**
 * Koku's VM statements rendered for DuckDB (see ../vm-reference.ts for the sources and the translation notes):
 * the temporary table's two fillings, and reporting_ocp_vm_summary_p.sql statement by statement.
 * SQL paraphrased from Koku (Apache-2.0, Red Hat). `start`, `end`, `source` are SQL literals.
 */
import type { KokuSqlFlavor } from "../../model.js";
export const VM_KEY = `'$."vm_kubevirt_io_name"'`;

/**
 * json_extract_scalar(text, '$.vm_kubevirt_io_name') (trino: NULL for a non-scalar value or unparsable text)
 * and `text::jsonb->>'vm_kubevirt_io_name'` (self-hosted: a non-scalar value as JSON text; unparsable text
 * fails the statement — DuckDB's CAST to JSON fails the same way).
 */
export function vmNameMacro(flavor: KokuSqlFlavor): string {
  return flavor === "trino"
    ? `CREATE OR REPLACE MACRO koku_vm_name(t) AS
         CASE WHEN json_valid(t) AND json_type(t, ${VM_KEY}) NOT IN ('OBJECT', 'ARRAY', 'NULL')
              THEN json_extract_string(t, ${VM_KEY}) END`
    : `CREATE OR REPLACE MACRO koku_vm_name(t) AS json_extract_string(CAST(t AS JSON), ${VM_KEY})`;
}

export const VM_SUMMARY_DDL = `CREATE TABLE reporting_ocp_vm_summary_p (
  id UUID, cluster_alias VARCHAR, cluster_id VARCHAR, namespace VARCHAR, node VARCHAR, vm_name VARCHAR,
  cost_model_cpu_cost DOUBLE, cost_model_memory_cost DOUBLE, cost_model_rate_type VARCHAR,
  cost_model_volume_cost DOUBLE, cost_model_gpu_cost DOUBLE, distributed_cost DOUBLE, pod_labels JSON,
  pod_request_cpu_core_hours DOUBLE, pod_request_memory_gigabyte_hours DOUBLE, persistentvolumeclaim VARCHAR,
  storageclass VARCHAR, persistentvolumeclaim_usage_gigabyte_months DOUBLE,
  persistentvolumeclaim_capacity_gigabyte_months DOUBLE, infrastructure_markup_cost DOUBLE,
  infrastructure_raw_cost DOUBLE, raw_currency VARCHAR, resource_ids VARCHAR[], usage_end DATE NOT NULL,
  usage_start DATE NOT NULL, cost_category_id INTEGER, source_uuid VARCHAR)`;

/** populate_vm_tmp_table_with_vm_report.sql: the VMs at the partition's latest instant, with every claim name. */
export const VM_REPORT_SELECT = `
SELECT latest.vm_name, latest.node, pvc.vm_persistentvolumeclaim_name AS pvc_name,
       max(latest.cpu_request) AS cpu_request, max(latest.mem_request) AS mem_request
  FROM (SELECT vm.vm_name, vm.node,
               max(vm.vm_cpu_request_cores) * 24 AS cpu_request,
               max(vm.vm_memory_request_bytes) * power(2, -30) * 24 AS mem_request
          FROM vm_hourly AS vm
         WHERE vm.interval_start = (SELECT max(interval_start) FROM vm_hourly)
         GROUP BY vm.vm_name, vm.node) AS latest
  JOIN vm_hourly AS pvc ON pvc.vm_name = latest.vm_name
 GROUP BY latest.vm_name, latest.node, pvc.vm_persistentvolumeclaim_name`;

/** The `pvc` subquery of populate_vm_tmp_table.sql: daily pod and storage line items joined on the pod name. */
export const POD_CLAIMS_SELECT = `
SELECT storage.persistentvolumeclaim AS pvc_name, koku_vm_name(pod_usage.pod_labels) AS vm_name
  FROM pod_daily AS pod_usage JOIN storage_daily AS storage ON pod_usage.pod = storage.pod
 WHERE storage.persistentvolumeclaim IS NOT NULL AND storage.persistentvolumeclaim != ''
   AND koku_vm_name(pod_usage.pod_labels) IS NOT NULL
 GROUP BY storage.persistentvolumeclaim, koku_vm_name(pod_usage.pod_labels)`;

/** Koku's "second most recent day with such rows, or the only one" (several statements use it). */
export function secondToLastDay(
  start: string,
  end: string,
  source: string,
  condition: string,
  sourceText = false,
) {
  const sourceTest = sourceText ? `CAST(source_uuid AS VARCHAR) = ${source}` : `source_uuid = ${source}`;
  return `SELECT day FROM (
      SELECT DISTINCT CAST(usage_start AS DATE) AS day FROM reporting_ocpusagelineitem_daily_summary
       WHERE usage_start >= DATE ${start} AND usage_start <= DATE ${end} AND ${sourceTest} AND ${condition}
       ORDER BY day DESC LIMIT 2) AS latest_days
    ORDER BY day LIMIT 1`;
}

export const NOT_UNALLOCATED = `namespace IS DISTINCT FROM 'Worker unallocated'
    AND namespace IS DISTINCT FROM 'Platform unallocated'
    AND namespace IS DISTINCT FROM 'Network unattributed'
    AND namespace IS DISTINCT FROM 'Storage unattributed'`;

/** The statements of one chunk after the temporary table is filled: reporting_ocp_vm_summary_p.sql. */
export function vmSummaryStatements(start: string, end: string, source: string): string[] {
  const inRange = `usage_start >= DATE ${start} AND usage_start <= DATE ${end}`;
  const summary = "reporting_ocpusagelineitem_daily_summary";
  const deleteRange = `DELETE FROM reporting_ocp_vm_summary_p WHERE ${inRange} AND source_uuid = ${source}`;
  // PostgreSQL resolves `GROUP BY vm_name` to the input column latest.vm_name (the FROM side wins).
  const compute = `INSERT INTO reporting_ocp_vm_summary_p (id, cluster_alias, cluster_id, namespace, node, vm_name,
    cost_model_cpu_cost, cost_model_memory_cost, cost_model_rate_type, cost_model_volume_cost, cost_model_gpu_cost,
    distributed_cost, pod_labels, pod_request_cpu_core_hours, pod_request_memory_gigabyte_hours,
    infrastructure_markup_cost, infrastructure_raw_cost, raw_currency, resource_ids, usage_start, usage_end,
    cost_category_id, source_uuid)
  WITH cte_latest_pod_labels AS (
    SELECT DISTINCT ON (vm_name) json_extract_string(all_labels, ${VM_KEY}) AS vm_name, pod_labels
      FROM ${summary}
     WHERE CAST(usage_start AS DATE) = (${secondToLastDay(start, end, source, "pod_request_cpu_core_hours IS NOT NULL")})
       AND pod_request_cpu_core_hours IS NOT NULL AND json_exists(all_labels, ${VM_KEY})
     ORDER BY vm_name, usage_start DESC, CAST(pod_labels AS VARCHAR)
  ),
  cte_latest_resources AS (
    SELECT latest.vm_name AS vm_name, max(latest.cpu_request) AS cpu_request_hours,
           max(latest.mem_request) AS memory_request_hours, max(latest.node) AS node_name, labels.pod_labels AS labels
      FROM cte_latest_pod_labels AS labels JOIN tmp_virt AS latest ON labels.vm_name = latest.vm_name
     GROUP BY latest.vm_name, labels.pod_labels
  )
  SELECT uuid(), ocp.cluster_alias, ocp.cluster_id, ocp.namespace, max(latest.node_name),
         json_extract_string(latest.labels, ${VM_KEY}), sum(cost_model_cpu_cost), sum(cost_model_memory_cost),
         ocp.cost_model_rate_type, sum(cost_model_volume_cost), sum(cost_model_gpu_cost), sum(distributed_cost),
         latest.labels, max(latest.cpu_request_hours), max(latest.memory_request_hours),
         sum(infrastructure_markup_cost), sum(infrastructure_raw_cost), max(raw_currency),
         list(DISTINCT ocp.resource_id ORDER BY ocp.resource_id), min(usage_start), max(usage_start),
         max(cost_category_id), ${source}
    FROM ${summary} AS ocp
    JOIN cte_latest_resources AS latest ON latest.vm_name = json_extract_string(ocp.pod_labels, ${VM_KEY})
   WHERE ${inRange} AND ocp.source_uuid = ${source} AND data_source = 'Pod'
     AND json_exists(ocp.pod_labels, ${VM_KEY}) AND ${NOT_UNALLOCATED}
     AND (COALESCE(cost_model_cpu_cost, 0) + COALESCE(cost_model_memory_cost, 0) + COALESCE(cost_model_volume_cost, 0)
          + COALESCE(distributed_cost, 0) + COALESCE(infrastructure_raw_cost, 0)
          + COALESCE(infrastructure_markup_cost, 0)) != 0
   GROUP BY ocp.cluster_alias, ocp.cluster_id, ocp.namespace, latest.node_name, latest.vm_name,
            ocp.cost_model_rate_type, latest.labels`;
  // Platform distribution: the cost-model tables are empty here (no cost model → 'cpu'), and the summary rows
  // carry no distributed_cost, so `distributed_cost != 0` keeps nothing; rendered for completeness.
  const distribution = `INSERT INTO reporting_ocp_vm_summary_p (id, cluster_alias, cluster_id, namespace, node,
    vm_name, cost_model_rate_type, distributed_cost, pod_labels, raw_currency, resource_ids, usage_start, usage_end,
    source_uuid)
  WITH cte_distribution_type AS (
    SELECT ${source} AS source_uuid, coalesce(max(cm.distribution), 'cpu') AS dt
      FROM cost_model_map AS cmm JOIN cost_model AS cm ON cmm.cost_model_id = cm.uuid
     WHERE cmm.provider_uuid = ${source}
  ),
  cte_node_usage AS (
    SELECT namespace, node, usage_start, sum(pod_effective_usage_cpu_core_hours) AS cpu_usage,
           sum(pod_effective_usage_memory_gigabyte_hours) AS mem_usage
      FROM ${summary} WHERE ${inRange} AND source_uuid = ${source}
     GROUP BY namespace, node, usage_start
  ),
  cte_latest_resources AS (
    SELECT json_extract_string(ocp.pod_labels, ${VM_KEY}) AS vm_name,
           CASE WHEN cte_distribution_type.dt = 'cpu'
                THEN sum(pod_effective_usage_cpu_core_hours) / sum(cte_node_usage.cpu_usage)
                ELSE sum(pod_effective_usage_memory_gigabyte_hours) / sum(cte_node_usage.mem_usage) END AS ratio,
           cte_node_usage.node AS node_name, cte_node_usage.namespace AS namespace_name, ocp.pod_labels AS labels,
           cte_node_usage.usage_start
      FROM ${summary} AS ocp
      JOIN cte_distribution_type ON cte_distribution_type.source_uuid = ocp.source_uuid
      JOIN cte_node_usage ON cte_node_usage.namespace = ocp.namespace AND cte_node_usage.node = ocp.node
                         AND cte_node_usage.usage_start = ocp.usage_start
     WHERE json_exists(ocp.pod_labels, ${VM_KEY}) AND pod_effective_usage_cpu_core_hours != 0
       AND pod_effective_usage_memory_gigabyte_hours != 0
     GROUP BY json_extract_string(ocp.pod_labels, ${VM_KEY}), cte_distribution_type.dt, cte_node_usage.usage_start,
              cte_node_usage.node, cte_node_usage.namespace, ocp.pod_labels
  )
  SELECT uuid(), ocp.cluster_alias, ocp.cluster_id, ocp.namespace, ocp.node, latest.vm_name, ocp.cost_model_rate_type,
         sum(distributed_cost * latest.ratio), ocp.pod_labels, max(raw_currency),
         list(DISTINCT ocp.resource_id ORDER BY ocp.resource_id), min(latest.usage_start), max(latest.usage_start),
         ${source}
    FROM ${summary} AS ocp
    JOIN cte_latest_resources AS latest ON latest.node_name = ocp.node AND latest.namespace_name = ocp.namespace
                                       AND latest.usage_start = ocp.usage_start
   WHERE ocp.source_uuid = ${source} AND distributed_cost != 0
   GROUP BY ocp.cluster_alias, ocp.cluster_id, ocp.namespace, ocp.node, latest.vm_name, ocp.pod_labels,
            ocp.cost_model_rate_type`;
  const storage = `INSERT INTO reporting_ocp_vm_summary_p (id, pod_labels, cluster_alias, cluster_id, namespace, node,
    vm_name, cost_model_cpu_cost, cost_model_memory_cost, cost_model_rate_type, cost_model_volume_cost,
    cost_model_gpu_cost, distributed_cost, infrastructure_markup_cost, infrastructure_raw_cost, raw_currency,
    resource_ids, usage_start, usage_end, cost_category_id, source_uuid, persistentvolumeclaim,
    persistentvolumeclaim_capacity_gigabyte_months, persistentvolumeclaim_usage_gigabyte_months, storageclass)
  WITH latest_vm_pod_labels AS (
    SELECT DISTINCT vm_name, pod_labels FROM reporting_ocp_vm_summary_p
     WHERE pod_labels IS NOT NULL AND ${inRange} AND source_uuid = ${source}
  ),
  latest_storage_data AS (
    SELECT DISTINCT ON (ocp.persistentvolumeclaim) ocp.persistentvolumeclaim,
           CASE WHEN ocp.volume_labels IS NOT NULL AND vm_labels.pod_labels IS NOT NULL
                THEN json_merge_patch(ocp.volume_labels, vm_labels.pod_labels)
                ELSE COALESCE(ocp.volume_labels, vm_labels.pod_labels) END AS combined_labels,
           map.vm_name AS vm_name
      FROM ${summary} AS ocp
      JOIN tmp_virt AS map ON map.pvc_name = ocp.persistentvolumeclaim
      LEFT JOIN latest_vm_pod_labels AS vm_labels ON map.vm_name = vm_labels.vm_name
     WHERE CAST(ocp.usage_start AS DATE) = (${secondToLastDay(start, end, source, "persistentvolumeclaim IS NOT NULL")})
       AND ocp.persistentvolumeclaim IS NOT NULL AND map.pvc_name IS NOT NULL
     ORDER BY ocp.persistentvolumeclaim, ocp.usage_start DESC, map.vm_name, ocp.namespace
  )
  SELECT uuid(), storage.combined_labels, ocp.cluster_alias, ocp.cluster_id, ocp.namespace, max(ocp.node),
         storage.vm_name, sum(cost_model_cpu_cost), sum(cost_model_memory_cost), ocp.cost_model_rate_type,
         sum(cost_model_volume_cost), sum(cost_model_gpu_cost), sum(distributed_cost),
         sum(infrastructure_markup_cost), sum(infrastructure_raw_cost), max(raw_currency),
         list(DISTINCT ocp.resource_id ORDER BY ocp.resource_id), min(usage_start), max(usage_start),
         max(cost_category_id), ${source}, max(ocp.persistentvolumeclaim),
         max(ocp.persistentvolumeclaim_capacity_gigabyte_months), max(ocp.persistentvolumeclaim_usage_gigabyte_months),
         max(ocp.storageclass)
    FROM ${summary} AS ocp
    JOIN latest_storage_data AS storage ON storage.persistentvolumeclaim = ocp.persistentvolumeclaim
   WHERE ${inRange} AND ocp.source_uuid = ${source} AND data_source = 'Storage' AND ocp.node IS NOT NULL
     AND ocp.resource_id IS NOT NULL AND ocp.persistentvolumeclaim IS NOT NULL AND ${NOT_UNALLOCATED}
   GROUP BY storage.combined_labels, ocp.cluster_alias, ocp.cluster_id, ocp.namespace, storage.vm_name,
            ocp.cost_model_rate_type, ocp.persistentvolumeclaim`;
  return [deleteRange, compute, distribution, storage];
}

/** populate_vm_tmp_table.sql for one chunk: the VM pods of the chunk's day D, each with its claims. */
export function podFallbackInsert(start: string, end: string, source: string): string {
  const summary = "reporting_ocpusagelineitem_daily_summary";
  const vmName = `json_extract_string(summary.pod_labels, ${VM_KEY})`; // PostgreSQL table: jsonb ->> in both
  return `INSERT INTO tmp_virt (vm_name, node, pvc_name, cpu_request, mem_request)
  WITH cte_second_to_last_day AS (${secondToLastDay(start, end, source, "pod_request_cpu_core_hours IS NOT NULL", true)})
  SELECT latest.vm_name, latest.node_name, pvc.pvc_name, latest.cpu_request_hours, latest.memory_request_hours
    FROM (SELECT ${vmName} AS vm_name, pod_request_cpu_core_hours AS cpu_request_hours,
                 pod_request_memory_gigabyte_hours AS memory_request_hours, node AS node_name, usage_start,
                 ROW_NUMBER() OVER (PARTITION BY ${vmName} ORDER BY usage_start DESC, node, namespace) AS rn
            FROM ${summary} AS summary
            JOIN cte_second_to_last_day AS stld ON CAST(summary.usage_start AS DATE) = stld.day
           WHERE summary.usage_start >= DATE ${start} AND summary.usage_start <= DATE ${end}
             AND pod_request_cpu_core_hours IS NOT NULL AND ${vmName} IS NOT NULL) AS latest
    LEFT JOIN (${POD_CLAIMS_SELECT}) AS pvc ON pvc.vm_name = latest.vm_name
   WHERE latest.rn = 1`;
}
