/**
 * Koku's first summary INSERT (pod rows UNION storage rows) rendered for DuckDB, in the statement
 * structure of masu/database/trino_sql/openshift/reporting_ocpusagelineitem_daily_summary.sql and its
 * self_hosted_sql twin. Flavor differences live in the koku_* macros (flavor-macros.ts).
 *
 * Translation notes (beyond the macros):
 * - `{{schema}}.x` / `hive.`, `postgres.` prefixes → plain DuckDB tables loaded for this run.
 * - The `source`/`year`/`month` partition predicates are implied: only this run's files are loaded.
 *   The `interval_start` range predicates are kept, with bound parameters for the dates.
 * - PostgreSQL's `usage_start` column of its line-item tables is `koku_day(interval_start)` here, as in Trino.
 * - Trino `GROUP BY …, 3` / `6` / `8` (the label expression's ordinal) → grouping on the key-ordered map.
 * - `{% if storage_exists %}`: always rendered; with no storage rows it adds nothing.
 * - The UNION is SQL UNION (distinct) as in Koku, over the Hive column list including
 *   `csi_volume_handle` (so rows differing only by it stay apart, spec §3).
 * - `3600.0` is a DECIMAL literal in Trino, DuckDB and PostgreSQL; double / decimal is double in all.
 * - NULL select-list literals get explicit types so the UNION has one column type.
 * - `max()` of text (resource_id, node_role) compares by code point in DuckDB and Trino; PostgreSQL
 *   (onprem) uses the database collation, which is the same for the ASCII ids Koku sees but could
 *   differ for mixed-case or non-ASCII ids under a linguistic collation (en_US.UTF-8).
 * - Division by a node count of 0 (a claim whose pods all have a NULL node): DuckDB and Trino give
 *   ±Infinity/NaN; PostgreSQL (onprem) raises "division by zero" and Koku's statement fails.
 */

/** Shared CTEs: enabled keys, daily label maps, node and cluster capacity, volume nodes. */
const CTES = `
WITH cte_pg_enabled_keys AS (
    SELECT koku_enabled_keys(list(key ORDER BY key)) AS keys
    FROM reporting_enabledtagkeys
    WHERE enabled = true
      AND provider_type = 'OCP'
),
cte_ocp_node_label_line_item_daily AS (
    SELECT koku_day(nli.interval_start) AS usage_start,
        nli.node,
        koku_canonical_labels(koku_filter_labels(nli.node_labels, pek.keys)) AS node_labels
    FROM openshift_node_labels_line_items_daily AS nli
    CROSS JOIN cte_pg_enabled_keys AS pek
    WHERE nli.interval_start >= CAST($start_date AS TIMESTAMP)
      AND nli.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
    GROUP BY koku_day(nli.interval_start), nli.node, 3
),
cte_ocp_namespace_label_line_item_daily AS (
    SELECT koku_day(nli.interval_start) AS usage_start,
        nli.namespace,
        koku_canonical_labels(koku_filter_labels(nli.namespace_labels, pek.keys)) AS namespace_labels
    FROM openshift_namespace_labels_line_items_daily AS nli
    CROSS JOIN cte_pg_enabled_keys AS pek
    WHERE nli.interval_start >= CAST($start_date AS TIMESTAMP)
      AND nli.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
    GROUP BY koku_day(nli.interval_start), nli.namespace, 3
),
cte_ocp_node_capacity AS (
    SELECT koku_day(nc.interval_start) AS usage_start,
        nc.node,
        sum(nc.node_capacity_cpu_core_seconds) AS node_capacity_cpu_core_seconds,
        sum(nc.node_capacity_memory_byte_seconds) AS node_capacity_memory_byte_seconds
    FROM (
        SELECT li.interval_start,
            li.node,
            max(li.node_capacity_cpu_core_seconds) AS node_capacity_cpu_core_seconds,
            max(li.node_capacity_memory_byte_seconds) AS node_capacity_memory_byte_seconds
        FROM openshift_pod_usage_line_items AS li
        WHERE li.interval_start >= CAST($start_date AS TIMESTAMP)
          AND li.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
        GROUP BY li.interval_start, li.node
    ) AS nc
    GROUP BY koku_day(nc.interval_start), nc.node
),
cte_ocp_cluster_capacity AS (
    SELECT nc.usage_start,
        sum(nc.node_capacity_cpu_core_seconds) AS cluster_capacity_cpu_core_seconds,
        sum(nc.node_capacity_memory_byte_seconds) AS cluster_capacity_memory_byte_seconds
    FROM cte_ocp_node_capacity AS nc
    GROUP BY nc.usage_start
),
cte_volume_nodes AS (
    SELECT koku_day(sli.interval_start) AS usage_start,
        sli.persistentvolumeclaim,
        sli.persistentvolume,
        sli.pod,
        sli.namespace,
        uli.node,
        uli.resource_id
    FROM openshift_storage_usage_line_items_daily AS sli
    JOIN openshift_pod_usage_line_items_daily AS uli
        ON uli.namespace = sli.namespace
            AND uli.pod = sli.pod
            AND koku_day(uli.interval_start) = koku_day(sli.interval_start)
    WHERE sli.interval_start >= CAST($start_date AS TIMESTAMP)
      AND sli.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
    GROUP BY koku_day(sli.interval_start), sli.persistentvolumeclaim, sli.persistentvolume,
        sli.pod, sli.namespace, uli.node, uli.resource_id
),
cte_shared_volume_node_count AS (
    SELECT usage_start,
        persistentvolume,
        count(DISTINCT node) AS node_count
    FROM cte_volume_nodes
    GROUP BY usage_start, persistentvolume
)`;

const POD = `
SELECT CAST(NULL AS VARCHAR) AS uuid,
    CAST($report_period_id AS INTEGER) AS report_period_id,
    CAST($cluster_id AS VARCHAR) AS cluster_id,
    CAST($cluster_alias AS VARCHAR) AS cluster_alias,
    'Pod' AS data_source,
    pua.usage_start,
    pua.usage_start AS usage_end,
    pua.namespace,
    pua.node,
    pua.resource_id,
    koku_labels_json(pua.pod_labels) AS pod_labels,
    pua.pod_usage_cpu_core_hours,
    pua.pod_request_cpu_core_hours,
    pua.pod_effective_usage_cpu_core_hours,
    pua.pod_limit_cpu_core_hours,
    pua.pod_usage_memory_gigabyte_hours,
    pua.pod_request_memory_gigabyte_hours,
    pua.pod_effective_usage_memory_gigabyte_hours,
    pua.pod_limit_memory_gigabyte_hours,
    pua.node_capacity_cpu_cores,
    pua.node_capacity_cpu_core_hours,
    pua.node_capacity_memory_gigabytes,
    pua.node_capacity_memory_gigabyte_hours,
    pua.cluster_capacity_cpu_core_hours,
    pua.cluster_capacity_memory_gigabyte_hours,
    CAST(NULL AS VARCHAR) AS persistentvolumeclaim,
    CAST(NULL AS VARCHAR) AS persistentvolume,
    CAST(NULL AS VARCHAR) AS storageclass,
    CAST(NULL AS VARCHAR) AS volume_labels,
    CAST(NULL AS DOUBLE) AS persistentvolumeclaim_capacity_gigabyte,
    CAST(NULL AS DOUBLE) AS persistentvolumeclaim_capacity_gigabyte_months,
    CAST(NULL AS DOUBLE) AS volume_request_storage_gigabyte_months,
    CAST(NULL AS DOUBLE) AS persistentvolumeclaim_usage_gigabyte_months,
    pua.source_uuid,
    '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}' AS infrastructure_usage_cost,
    CAST(NULL AS VARCHAR) AS csi_volume_handle,
    pua.cost_category_id
FROM (
    SELECT koku_day(li.interval_start) AS usage_start,
        li.namespace,
        li.node,
        max(cat_ns.cost_category_id) AS cost_category_id,
        CAST($source_uuid AS VARCHAR) AS source_uuid,
        koku_canonical_labels(koku_merge3(
            coalesce(nli.node_labels, koku_empty_labels()),
            coalesce(nsli.namespace_labels, koku_empty_labels()),
            koku_filter_labels(li.pod_labels, pek.keys)
        )) AS pod_labels,
        max(li.resource_id) AS resource_id,
        sum(li.pod_usage_cpu_core_seconds) / 3600.0 AS pod_usage_cpu_core_hours,
        sum(li.pod_request_cpu_core_seconds) / 3600.0 AS pod_request_cpu_core_hours,
        sum(coalesce(li.pod_effective_usage_cpu_core_seconds,
            koku_greatest(li.pod_usage_cpu_core_seconds, li.pod_request_cpu_core_seconds))) / 3600.0
            AS pod_effective_usage_cpu_core_hours,
        sum(li.pod_limit_cpu_core_seconds) / 3600.0 AS pod_limit_cpu_core_hours,
        sum(li.pod_usage_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_usage_memory_gigabyte_hours,
        sum(li.pod_request_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_request_memory_gigabyte_hours,
        sum(coalesce(li.pod_effective_usage_memory_byte_seconds,
            koku_greatest(li.pod_usage_memory_byte_seconds, li.pod_request_memory_byte_seconds))) / 3600.0
            * power(2, -30) AS pod_effective_usage_memory_gigabyte_hours,
        sum(li.pod_limit_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_limit_memory_gigabyte_hours,
        max(li.node_capacity_cpu_cores) AS node_capacity_cpu_cores,
        koku_capacity(max(nc.node_capacity_cpu_core_seconds)) / 3600.0 AS node_capacity_cpu_core_hours,
        max(li.node_capacity_memory_bytes) * power(2, -30) AS node_capacity_memory_gigabytes,
        koku_capacity(max(nc.node_capacity_memory_byte_seconds)) / 3600.0 * power(2, -30)
            AS node_capacity_memory_gigabyte_hours,
        koku_capacity(max(cc.cluster_capacity_cpu_core_seconds)) / 3600.0 AS cluster_capacity_cpu_core_hours,
        koku_capacity(max(cc.cluster_capacity_memory_byte_seconds)) / 3600.0 * power(2, -30)
            AS cluster_capacity_memory_gigabyte_hours
    FROM openshift_pod_usage_line_items_daily AS li
    CROSS JOIN cte_pg_enabled_keys AS pek
    LEFT JOIN cte_ocp_node_label_line_item_daily AS nli
        ON nli.node = li.node
            AND nli.usage_start = koku_day(li.interval_start)
    LEFT JOIN cte_ocp_namespace_label_line_item_daily AS nsli
        ON nsli.namespace = li.namespace
            AND nsli.usage_start = koku_day(li.interval_start)
    LEFT JOIN cte_ocp_node_capacity AS nc
        ON nc.usage_start = koku_day(li.interval_start)
            AND nc.node = li.node
    LEFT JOIN cte_ocp_cluster_capacity AS cc
        ON cc.usage_start = koku_day(li.interval_start)
    LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns
        ON koku_like(li.namespace, cat_ns.namespace)
    WHERE li.interval_start >= CAST($start_date AS TIMESTAMP)
        AND li.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
        AND li.node != ''
    GROUP BY koku_day(li.interval_start), li.namespace, li.node, 6
) AS pua`;

/** Storage gigabyte-months: byte-seconds / (86400 × days in month) × 2^-30. */
const gbMonths = (expr: string) =>
  `(${expr} / (86400 * koku_days_in_month(sua.usage_start)) * power(2, -30))`;

const STORAGE = `
SELECT CAST(NULL AS VARCHAR) AS uuid,
    CAST($report_period_id AS INTEGER) AS report_period_id,
    CAST($cluster_id AS VARCHAR) AS cluster_id,
    CAST($cluster_alias AS VARCHAR) AS cluster_alias,
    'Storage' AS data_source,
    sua.usage_start,
    sua.usage_start AS usage_end,
    sua.namespace,
    sua.node,
    sua.resource_id,
    CAST(NULL AS VARCHAR) AS pod_labels,
    CAST(NULL AS DOUBLE) AS pod_usage_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS pod_request_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS pod_effective_usage_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS pod_limit_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS pod_usage_memory_gigabyte_hours,
    CAST(NULL AS DOUBLE) AS pod_request_memory_gigabyte_hours,
    CAST(NULL AS DOUBLE) AS pod_effective_usage_memory_gigabyte_hours,
    CAST(NULL AS DOUBLE) AS pod_limit_memory_gigabyte_hours,
    CAST(NULL AS DOUBLE) AS node_capacity_cpu_cores,
    CAST(NULL AS DOUBLE) AS node_capacity_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS node_capacity_memory_gigabytes,
    CAST(NULL AS DOUBLE) AS node_capacity_memory_gigabyte_hours,
    CAST(NULL AS DOUBLE) AS cluster_capacity_cpu_core_hours,
    CAST(NULL AS DOUBLE) AS cluster_capacity_memory_gigabyte_hours,
    sua.persistentvolumeclaim,
    sua.persistentvolume,
    sua.storageclass,
    koku_labels_json(sua.volume_labels) AS volume_labels,
    (sua.persistentvolumeclaim_capacity_bytes * power(2, -30)) AS persistentvolumeclaim_capacity_gigabyte,
    ${gbMonths("sua.persistentvolumeclaim_capacity_byte_seconds")} AS persistentvolumeclaim_capacity_gigabyte_months,
    ${gbMonths("sua.volume_request_storage_byte_seconds")} AS volume_request_storage_gigabyte_months,
    ${gbMonths("sua.persistentvolumeclaim_usage_byte_seconds")} AS persistentvolumeclaim_usage_gigabyte_months,
    sua.source_uuid,
    '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}' AS infrastructure_usage_cost,
    sua.csi_volume_handle,
    sua.cost_category_id
FROM (
    SELECT sli.namespace,
        vn.node,
        vn.resource_id,
        sli.persistentvolumeclaim,
        sli.persistentvolume,
        sli.storageclass,
        koku_day(sli.interval_start) AS usage_start,
        koku_canonical_labels(koku_merge4(
            coalesce(nli.node_labels, koku_empty_labels()),
            coalesce(nsli.namespace_labels, koku_empty_labels()),
            koku_filter_labels(sli.persistentvolume_labels, pek.keys),
            koku_filter_labels(sli.persistentvolumeclaim_labels, pek.keys)
        )) AS volume_labels,
        CAST($source_uuid AS VARCHAR) AS source_uuid,
        sli.csi_volume_handle AS csi_volume_handle,
        max(cat_ns.cost_category_id) AS cost_category_id,
        max(sli.persistentvolumeclaim_capacity_bytes) AS persistentvolumeclaim_capacity_bytes,
        sum(sli.persistentvolumeclaim_capacity_byte_seconds) AS persistentvolumeclaim_capacity_byte_seconds,
        -- Divide volume usage and requests by the number of nodes that volume is mounted on
        sum(sli.volume_request_storage_byte_seconds) / koku_node_divisor(max(nc.node_count))
            AS volume_request_storage_byte_seconds,
        sum(sli.persistentvolumeclaim_usage_byte_seconds) / koku_node_divisor(max(nc.node_count))
            AS persistentvolumeclaim_usage_byte_seconds
    FROM openshift_storage_usage_line_items_daily AS sli
    CROSS JOIN cte_pg_enabled_keys AS pek
    LEFT JOIN cte_volume_nodes AS vn
        ON vn.usage_start = koku_day(sli.interval_start)
            AND vn.persistentvolumeclaim = sli.persistentvolumeclaim
            AND vn.pod = sli.pod
            AND vn.namespace = sli.namespace
    LEFT JOIN cte_shared_volume_node_count AS nc
        ON nc.usage_start = koku_day(sli.interval_start)
            AND nc.persistentvolume = sli.persistentvolume
    LEFT JOIN cte_ocp_node_label_line_item_daily AS nli
        ON nli.node = vn.node
            AND nli.usage_start = vn.usage_start
    LEFT JOIN cte_ocp_namespace_label_line_item_daily AS nsli
        ON nsli.namespace = sli.namespace
            AND nsli.usage_start = koku_day(sli.interval_start)
    LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns
        ON koku_like(sli.namespace, cat_ns.namespace)
    WHERE sli.interval_start >= CAST($start_date AS TIMESTAMP)
        AND sli.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
    GROUP BY sli.namespace, vn.node, vn.resource_id, sli.persistentvolumeclaim, sli.persistentvolume,
        sli.storageclass, sli.csi_volume_handle, koku_day(sli.interval_start), 8
) AS sua`;

/** Creates the staging table (Koku's Hive `reporting_ocpusagelineitem_daily_summary`) with pod and storage rows. */
export const SUMMARY_STAGING_SQL = `
CREATE TABLE reporting_ocpusagelineitem_daily_summary_staging AS
${CTES}
${POD}
UNION
${STORAGE}`;
