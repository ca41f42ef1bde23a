/**
 * Koku's second INSERT (unallocated capacity per node and day, computed from the pod rows just
 * staged) and the final INSERT's `all_labels`, rendered for DuckDB. Identical in both flavors
 * except through koku_like (cost-category LIKE).
 *
 * Translation notes:
 * - `cte_node_role` reads `reporting_ocp_nodes`, loaded from the run's reference data or, when absent,
 *   filled by node-roles.ts the way Koku fills it.
 * - The `source`/`year`/`month` predicates on the staging table are implied (one run per database).
 * - `lids.namespace != '…'` keeps SQL three-valued logic: a NULL namespace drops the row, as in Koku.
 * - The unallocated rows are a separate INSERT (no UNION): they repeat once per matching cost-category
 *   pattern (spec §9.2).
 */

export const UNALLOCATED_INSERT_SQL = `
INSERT INTO reporting_ocpusagelineitem_daily_summary_staging (
    uuid, report_period_id, cluster_id, cluster_alias, usage_start, usage_end, namespace, node, resource_id,
    pod_usage_cpu_core_hours, pod_request_cpu_core_hours, pod_effective_usage_cpu_core_hours,
    pod_usage_memory_gigabyte_hours, pod_request_memory_gigabyte_hours, pod_effective_usage_memory_gigabyte_hours,
    node_capacity_cpu_cores, node_capacity_cpu_core_hours, node_capacity_memory_gigabytes,
    node_capacity_memory_gigabyte_hours, cluster_capacity_cpu_core_hours, cluster_capacity_memory_gigabyte_hours,
    data_source, source_uuid, cost_category_id
)
WITH cte_node_role AS (
    SELECT max(node_role) AS node_role,
        node,
        resource_id
    FROM reporting_ocp_nodes
    GROUP BY node, resource_id
),
cte_unallocated_capacity AS (
    SELECT CAST(NULL AS VARCHAR) AS uuid,
        CAST($report_period_id AS INTEGER) AS report_period_id,
        CAST($cluster_id AS VARCHAR) AS cluster_id,
        CAST($cluster_alias AS VARCHAR) AS cluster_alias,
        max(lids.usage_start) AS usage_start,
        max(lids.usage_end) AS usage_end,
        CASE max(nodes.node_role)
            WHEN 'master' THEN 'Platform unallocated'
            WHEN 'infra' THEN 'Platform unallocated'
            WHEN 'worker' THEN 'Worker unallocated'
        END AS namespace,
        lids.node,
        max(lids.resource_id) AS resource_id,
        (max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_usage_cpu_core_hours)) AS pod_usage_cpu_core_hours,
        (max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_request_cpu_core_hours)) AS pod_request_cpu_core_hours,
        (max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_effective_usage_cpu_core_hours))
            AS pod_effective_usage_cpu_core_hours,
        (max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_usage_memory_gigabyte_hours))
            AS pod_usage_memory_gigabyte_hours,
        (max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_request_memory_gigabyte_hours))
            AS pod_request_memory_gigabyte_hours,
        (max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_effective_usage_memory_gigabyte_hours))
            AS pod_effective_usage_memory_gigabyte_hours,
        max(lids.node_capacity_cpu_cores) AS node_capacity_cpu_cores,
        max(lids.node_capacity_cpu_core_hours) AS node_capacity_cpu_core_hours,
        max(lids.node_capacity_memory_gigabytes) AS node_capacity_memory_gigabytes,
        max(lids.node_capacity_memory_gigabyte_hours) AS node_capacity_memory_gigabyte_hours,
        max(lids.cluster_capacity_cpu_core_hours) AS cluster_capacity_cpu_core_hours,
        max(lids.cluster_capacity_memory_gigabyte_hours) AS cluster_capacity_memory_gigabyte_hours,
        max(lids.data_source) AS data_source,
        lids.source_uuid
    FROM reporting_ocpusagelineitem_daily_summary_staging AS lids
    LEFT JOIN cte_node_role AS nodes
        ON lids.node = nodes.node
        AND lids.resource_id = nodes.resource_id
    WHERE lids.usage_start >= CAST($start_date AS DATE)
        AND lids.usage_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
        AND lids.namespace != 'Platform unallocated'
        AND lids.namespace != 'Worker unallocated'
        AND lids.namespace != 'Network unattributed'
        AND lids.namespace != 'Storage unattributed'
        AND lids.node IS NOT NULL
        AND lids.data_source = 'Pod'
    GROUP BY lids.node, lids.usage_start, lids.source_uuid
)
SELECT uuid, report_period_id, cluster_id, cluster_alias, usage_start, usage_end, uc.namespace, node, resource_id,
    pod_usage_cpu_core_hours, pod_request_cpu_core_hours, pod_effective_usage_cpu_core_hours,
    pod_usage_memory_gigabyte_hours, pod_request_memory_gigabyte_hours, pod_effective_usage_memory_gigabyte_hours,
    node_capacity_cpu_cores, node_capacity_cpu_core_hours, node_capacity_memory_gigabytes,
    node_capacity_memory_gigabyte_hours, cluster_capacity_cpu_core_hours, cluster_capacity_memory_gigabyte_hours,
    data_source, source_uuid, cat_ns.cost_category_id AS cost_category_id
FROM cte_unallocated_capacity AS uc
LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns
    ON koku_like(uc.namespace, cat_ns.namespace)`;

/**
 * The final INSERT into PostgreSQL, as a SELECT: `all_labels` = pod_labels merged with volume_labels,
 * each NULL read as `{}` (Trino map_concat of coalesced maps; PostgreSQL jsonb ||, the same here).
 * csi_volume_handle is dropped (not a column of Koku's PostgreSQL table).
 */
export const FINAL_SELECT_SQL = `
SELECT report_period_id, cluster_id, cluster_alias, data_source,
    strftime(usage_start, '%Y-%m-%d') AS usage_start,
    strftime(usage_end, '%Y-%m-%d') AS usage_end,
    namespace, node, resource_id, pod_labels,
    pod_usage_cpu_core_hours, pod_request_cpu_core_hours, pod_effective_usage_cpu_core_hours,
    pod_limit_cpu_core_hours, pod_usage_memory_gigabyte_hours, pod_request_memory_gigabyte_hours,
    pod_effective_usage_memory_gigabyte_hours, pod_limit_memory_gigabyte_hours,
    node_capacity_cpu_cores, node_capacity_cpu_core_hours, node_capacity_memory_gigabytes,
    node_capacity_memory_gigabyte_hours, cluster_capacity_cpu_core_hours, cluster_capacity_memory_gigabyte_hours,
    persistentvolumeclaim, persistentvolume, storageclass, volume_labels,
    koku_labels_json(map_concat(
        koku_parse_labels(coalesce(pod_labels, '{}')),
        koku_parse_labels(coalesce(volume_labels, '{}'))
    )) AS all_labels,
    persistentvolumeclaim_capacity_gigabyte, persistentvolumeclaim_capacity_gigabyte_months,
    volume_request_storage_gigabyte_months, persistentvolumeclaim_usage_gigabyte_months,
    source_uuid, infrastructure_usage_cost, cost_category_id
FROM reporting_ocpusagelineitem_daily_summary_staging`;
