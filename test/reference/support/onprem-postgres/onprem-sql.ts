/**
 * Koku's self-hosted (onprem) summary SQL, rendered for a real PostgreSQL, as a cross-check of the
 * DuckDB emulation of PostgreSQL semantics (jsonb `||`, LIKE's backslash escape, greatest() skipping
 * NULLs, COALESCE defaults). Statement structure as in
 * koku/masu/database/self_hosted_sql/openshift/reporting_ocpusagelineitem_daily_summary.sql; written
 * here in our own words. `:name` placeholders become `$n` parameters (bind-params.ts).
 *
 * Differences from Koku's text, none changing results:
 * - `filter_json_by_keys` returns jsonb straight from jsonb_object_agg (Koku: json text cast to jsonb;
 *   both keep the last of duplicate keys and string values).
 * - Partition predicates on source/year/month are implied: the tables hold one run.
 * - Output columns are cast to text/double for reading back (dates as YYYY-MM-DD, jsonb as text).
 */

export const FILTER_FUNCTION_SQL = `
CREATE FUNCTION filter_json_by_keys(label_text text, keys text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
    FROM jsonb_each_text(coalesce(nullif(btrim(label_text), ''), '{}')::jsonb) AS e
    WHERE e.key = ANY(keys)
$$`;

const LABEL_CTES = `
cte_pg_enabled_keys AS (
    SELECT array['vm_kubevirt_io_name'] || array_agg(key ORDER BY key) AS keys
    FROM reporting_enabledtagkeys
    WHERE enabled = true AND provider_type = 'OCP'
),
cte_ocp_node_label_line_item_daily AS (
    SELECT nli.usage_start, nli.node, filter_json_by_keys(nli.node_labels, pek.keys) AS node_labels
    FROM openshift_node_labels_line_items_daily AS nli
    CROSS JOIN cte_pg_enabled_keys AS pek
    WHERE nli.usage_start >= :start_date AND nli.usage_start < :end_date + 1
    GROUP BY nli.usage_start, nli.node, 3
),
cte_ocp_namespace_label_line_item_daily AS (
    SELECT nli.usage_start, nli.namespace, filter_json_by_keys(nli.namespace_labels, pek.keys) AS namespace_labels
    FROM openshift_namespace_labels_line_items_daily AS nli
    CROSS JOIN cte_pg_enabled_keys AS pek
    WHERE nli.usage_start >= :start_date AND nli.usage_start < :end_date + 1
    GROUP BY nli.usage_start, nli.namespace, 3
)`;

const CAPACITY_AND_VOLUME_CTES = `
cte_ocp_node_capacity AS (
    SELECT nc.usage_start, nc.node,
        sum(nc.node_capacity_cpu_core_seconds) AS node_capacity_cpu_core_seconds,
        sum(nc.node_capacity_memory_byte_seconds) AS node_capacity_memory_byte_seconds
    FROM (
        SELECT li.usage_start, li.interval_start, li.node,
            max(li.node_capacity_cpu_core_seconds) AS node_capacity_cpu_core_seconds,
            max(li.node_capacity_memory_byte_seconds) AS node_capacity_memory_byte_seconds
        FROM openshift_pod_usage_line_items AS li
        WHERE li.usage_start >= :start_date AND li.usage_start < :end_date + 1
        GROUP BY li.usage_start, li.interval_start, li.node
    ) AS nc
    GROUP BY nc.usage_start, nc.node
),
cte_ocp_cluster_capacity AS (
    SELECT nc.usage_start,
        sum(nc.node_capacity_cpu_core_seconds) AS cluster_capacity_cpu_core_seconds,
        sum(nc.node_capacity_memory_byte_seconds) AS cluster_capacity_memory_byte_seconds
    FROM cte_ocp_node_capacity AS nc
    GROUP BY nc.usage_start
),
cte_volume_nodes AS (
    SELECT sli.usage_start, sli.persistentvolumeclaim, sli.persistentvolume, sli.pod, sli.namespace,
        uli.node, uli.resource_id
    FROM openshift_storage_usage_line_items_daily AS sli
    JOIN openshift_pod_usage_line_items_daily AS uli
        ON uli.namespace = sli.namespace AND uli.pod = sli.pod AND uli.usage_start = sli.usage_start
    WHERE sli.usage_start >= :start_date AND sli.usage_start < :end_date + 1
    GROUP BY sli.usage_start, sli.persistentvolumeclaim, sli.persistentvolume, sli.pod, sli.namespace,
        uli.node, uli.resource_id
),
cte_shared_volume_node_count AS (
    SELECT usage_start, persistentvolume, count(DISTINCT node) AS node_count
    FROM cte_volume_nodes
    GROUP BY usage_start, persistentvolume
)`;

const POD_PART = `
SELECT 'Pod'::text AS data_source, pua.usage_start, pua.namespace, pua.node, pua.resource_id,
    pua.pod_labels::text AS pod_labels,
    pua.pod_usage_cpu_core_hours, pua.pod_request_cpu_core_hours, pua.pod_effective_usage_cpu_core_hours,
    pua.pod_limit_cpu_core_hours, pua.pod_usage_memory_gigabyte_hours, pua.pod_request_memory_gigabyte_hours,
    pua.pod_effective_usage_memory_gigabyte_hours, pua.pod_limit_memory_gigabyte_hours,
    pua.node_capacity_cpu_cores, pua.node_capacity_cpu_core_hours, pua.node_capacity_memory_gigabytes,
    pua.node_capacity_memory_gigabyte_hours, pua.cluster_capacity_cpu_core_hours,
    pua.cluster_capacity_memory_gigabyte_hours,
    NULL::text AS persistentvolumeclaim, NULL::text AS persistentvolume, NULL::text AS storageclass,
    NULL::text AS volume_labels,
    NULL::float8 AS persistentvolumeclaim_capacity_gigabyte,
    NULL::float8 AS persistentvolumeclaim_capacity_gigabyte_months,
    NULL::float8 AS volume_request_storage_gigabyte_months,
    NULL::float8 AS persistentvolumeclaim_usage_gigabyte_months,
    '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}'::text AS infrastructure_usage_cost,
    NULL::text AS csi_volume_handle,
    pua.cost_category_id
FROM (
    SELECT li.usage_start, li.namespace, li.node,
        max(cat_ns.cost_category_id) AS cost_category_id,
        coalesce(
            coalesce(nli.node_labels, '{}'::jsonb)
            || coalesce(nsli.namespace_labels, '{}'::jsonb)
            || coalesce(filter_json_by_keys(li.pod_labels, pek.keys), '{}'::jsonb),
            '{}'::jsonb) AS pod_labels,
        max(li.resource_id) AS resource_id,
        sum(li.pod_usage_cpu_core_seconds) / 3600.0 AS pod_usage_cpu_core_hours,
        sum(li.pod_request_cpu_core_seconds) / 3600.0 AS pod_request_cpu_core_hours,
        sum(coalesce(li.pod_effective_usage_cpu_core_seconds,
            greatest(li.pod_usage_cpu_core_seconds, li.pod_request_cpu_core_seconds))) / 3600.0
            AS pod_effective_usage_cpu_core_hours,
        sum(li.pod_limit_cpu_core_seconds) / 3600.0 AS pod_limit_cpu_core_hours,
        sum(li.pod_usage_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_usage_memory_gigabyte_hours,
        sum(li.pod_request_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_request_memory_gigabyte_hours,
        sum(coalesce(li.pod_effective_usage_memory_byte_seconds,
            greatest(li.pod_usage_memory_byte_seconds, li.pod_request_memory_byte_seconds))) / 3600.0
            * power(2, -30) AS pod_effective_usage_memory_gigabyte_hours,
        sum(li.pod_limit_memory_byte_seconds) / 3600.0 * power(2, -30) AS pod_limit_memory_gigabyte_hours,
        max(li.node_capacity_cpu_cores) AS node_capacity_cpu_cores,
        coalesce(max(nc.node_capacity_cpu_core_seconds), 0) / 3600.0 AS node_capacity_cpu_core_hours,
        max(li.node_capacity_memory_bytes) * power(2, -30) AS node_capacity_memory_gigabytes,
        coalesce(max(nc.node_capacity_memory_byte_seconds), 0) / 3600.0 * power(2, -30)
            AS node_capacity_memory_gigabyte_hours,
        coalesce(max(cc.cluster_capacity_cpu_core_seconds), 0) / 3600.0 AS cluster_capacity_cpu_core_hours,
        coalesce(max(cc.cluster_capacity_memory_byte_seconds), 0) / 3600.0 * power(2, -30)
            AS cluster_capacity_memory_gigabyte_hours
    FROM openshift_pod_usage_line_items_daily AS li
    CROSS JOIN cte_pg_enabled_keys AS pek
    LEFT JOIN cte_ocp_node_label_line_item_daily AS nli
        ON nli.node = li.node AND nli.usage_start = li.usage_start
    LEFT JOIN cte_ocp_namespace_label_line_item_daily AS nsli
        ON nsli.namespace = li.namespace AND nsli.usage_start = li.usage_start
    LEFT JOIN cte_ocp_node_capacity AS nc ON nc.usage_start = li.usage_start AND nc.node = li.node
    LEFT JOIN cte_ocp_cluster_capacity AS cc ON cc.usage_start = li.usage_start
    LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns ON li.namespace LIKE cat_ns.namespace
    WHERE li.usage_start >= :start_date AND li.usage_start < :end_date + 1
        AND li.node != ''
    GROUP BY li.usage_start, li.namespace, li.node, 5
) AS pua`;

/** Gigabyte-months: byte-seconds / (86400 × days in the month of usage_start) × 2^-30. */
const gbMonths = (expr: string) => `(${expr} / (86400 *
    extract(day FROM (date_trunc('month', sua.usage_start) + interval '1 month - 1 day'))::integer) * power(2, -30))`;

const STORAGE_PART = `
SELECT 'Storage'::text AS data_source, sua.usage_start, sua.namespace, sua.node, sua.resource_id,
    NULL::text AS pod_labels,
    NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8,
    NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8, NULL::float8,
    sua.persistentvolumeclaim, sua.persistentvolume, sua.storageclass,
    sua.volume_labels::text AS volume_labels,
    sua.persistentvolumeclaim_capacity_bytes * power(2, -30),
    ${gbMonths("sua.persistentvolumeclaim_capacity_byte_seconds")},
    ${gbMonths("sua.volume_request_storage_byte_seconds")},
    ${gbMonths("sua.persistentvolumeclaim_usage_byte_seconds")},
    '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}'::text,
    sua.csi_volume_handle,
    sua.cost_category_id
FROM (
    SELECT sli.namespace, vn.node, vn.resource_id, sli.persistentvolumeclaim, sli.persistentvolume,
        sli.storageclass, sli.usage_start,
        coalesce(
            coalesce(nli.node_labels, '{}'::jsonb)
            || coalesce(nsli.namespace_labels, '{}'::jsonb)
            || coalesce(filter_json_by_keys(sli.persistentvolume_labels, pek.keys), '{}'::jsonb)
            || coalesce(filter_json_by_keys(sli.persistentvolumeclaim_labels, pek.keys), '{}'::jsonb),
            '{}'::jsonb) AS volume_labels,
        sli.csi_volume_handle,
        max(cat_ns.cost_category_id) AS cost_category_id,
        max(sli.persistentvolumeclaim_capacity_bytes) AS persistentvolumeclaim_capacity_bytes,
        sum(sli.persistentvolumeclaim_capacity_byte_seconds) AS persistentvolumeclaim_capacity_byte_seconds,
        sum(sli.volume_request_storage_byte_seconds) / coalesce(max(nc.node_count), 1)
            AS volume_request_storage_byte_seconds,
        sum(sli.persistentvolumeclaim_usage_byte_seconds) / coalesce(max(nc.node_count), 1)
            AS persistentvolumeclaim_usage_byte_seconds
    FROM openshift_storage_usage_line_items_daily AS sli
    CROSS JOIN cte_pg_enabled_keys AS pek
    LEFT JOIN cte_volume_nodes AS vn
        ON vn.usage_start = sli.usage_start AND vn.persistentvolumeclaim = sli.persistentvolumeclaim
            AND vn.pod = sli.pod AND vn.namespace = sli.namespace
    LEFT JOIN cte_shared_volume_node_count AS nc
        ON nc.usage_start = sli.usage_start AND nc.persistentvolume = sli.persistentvolume
    LEFT JOIN cte_ocp_node_label_line_item_daily AS nli
        ON nli.node = vn.node AND nli.usage_start = vn.usage_start
    LEFT JOIN cte_ocp_namespace_label_line_item_daily AS nsli
        ON nsli.namespace = sli.namespace AND nsli.usage_start = sli.usage_start
    LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns ON sli.namespace LIKE cat_ns.namespace
    WHERE sli.usage_start >= :start_date AND sli.usage_start < :end_date + 1
    GROUP BY sli.namespace, vn.node, vn.resource_id, sli.persistentvolumeclaim, sli.persistentvolume,
        sli.storageclass, sli.csi_volume_handle, sli.usage_start, 8
) AS sua`;

/** Staging table of pod and storage rows (Koku's first INSERT). */
export const STAGING_SQL = `
CREATE TABLE summary_staging AS
WITH ${LABEL_CTES},
${CAPACITY_AND_VOLUME_CTES}
${POD_PART}
UNION
${STORAGE_PART}`;

/** Unallocated capacity rows (Koku's second INSERT), appended to the staging table. */
export const UNALLOCATED_SQL = `
INSERT INTO summary_staging (data_source, usage_start, namespace, node, resource_id,
    pod_usage_cpu_core_hours, pod_request_cpu_core_hours, pod_effective_usage_cpu_core_hours,
    pod_usage_memory_gigabyte_hours, pod_request_memory_gigabyte_hours, pod_effective_usage_memory_gigabyte_hours,
    node_capacity_cpu_cores, node_capacity_cpu_core_hours, node_capacity_memory_gigabytes,
    node_capacity_memory_gigabyte_hours, cluster_capacity_cpu_core_hours, cluster_capacity_memory_gigabyte_hours,
    cost_category_id)
WITH cte_node_role AS (
    SELECT max(node_role) AS node_role, node, resource_id FROM reporting_ocp_nodes GROUP BY node, resource_id
),
cte_unallocated_capacity AS (
    SELECT max(lids.data_source) AS data_source, lids.usage_start,
        CASE max(nodes.node_role)
            WHEN 'master' THEN 'Platform unallocated'
            WHEN 'infra' THEN 'Platform unallocated'
            WHEN 'worker' THEN 'Worker unallocated'
        END AS namespace,
        lids.node, max(lids.resource_id) AS resource_id,
        max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_usage_cpu_core_hours) AS pod_usage_cpu_core_hours,
        max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_request_cpu_core_hours) AS pod_request_cpu_core_hours,
        max(lids.node_capacity_cpu_core_hours) - sum(lids.pod_effective_usage_cpu_core_hours)
            AS pod_effective_usage_cpu_core_hours,
        max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_usage_memory_gigabyte_hours)
            AS pod_usage_memory_gigabyte_hours,
        max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_request_memory_gigabyte_hours)
            AS pod_request_memory_gigabyte_hours,
        max(lids.node_capacity_memory_gigabyte_hours) - sum(lids.pod_effective_usage_memory_gigabyte_hours)
            AS pod_effective_usage_memory_gigabyte_hours,
        max(lids.node_capacity_cpu_cores) AS node_capacity_cpu_cores,
        max(lids.node_capacity_cpu_core_hours) AS node_capacity_cpu_core_hours,
        max(lids.node_capacity_memory_gigabytes) AS node_capacity_memory_gigabytes,
        max(lids.node_capacity_memory_gigabyte_hours) AS node_capacity_memory_gigabyte_hours,
        max(lids.cluster_capacity_cpu_core_hours) AS cluster_capacity_cpu_core_hours,
        max(lids.cluster_capacity_memory_gigabyte_hours) AS cluster_capacity_memory_gigabyte_hours
    FROM summary_staging AS lids
    LEFT JOIN cte_node_role AS nodes ON lids.node = nodes.node AND lids.resource_id = nodes.resource_id
    WHERE lids.usage_start >= :start_date AND lids.usage_start < :end_date + 1
        AND lids.namespace != 'Platform unallocated' AND lids.namespace != 'Worker unallocated'
        AND lids.namespace != 'Network unattributed' AND lids.namespace != 'Storage unattributed'
        AND lids.node IS NOT NULL AND lids.data_source = 'Pod'
    GROUP BY lids.node, lids.usage_start
)
SELECT uc.data_source, uc.usage_start, uc.namespace, uc.node, uc.resource_id,
    uc.pod_usage_cpu_core_hours, uc.pod_request_cpu_core_hours, uc.pod_effective_usage_cpu_core_hours,
    uc.pod_usage_memory_gigabyte_hours, uc.pod_request_memory_gigabyte_hours,
    uc.pod_effective_usage_memory_gigabyte_hours, uc.node_capacity_cpu_cores, uc.node_capacity_cpu_core_hours,
    uc.node_capacity_memory_gigabytes, uc.node_capacity_memory_gigabyte_hours,
    uc.cluster_capacity_cpu_core_hours, uc.cluster_capacity_memory_gigabyte_hours, cat_ns.cost_category_id
FROM cte_unallocated_capacity AS uc
LEFT JOIN reporting_ocp_cost_category_namespace AS cat_ns ON uc.namespace LIKE cat_ns.namespace`;

/** Node roles when the run has none (Koku's get_nodes query, PostgreSQL accessor). */
export const DERIVE_NODE_ROLES_SQL = `
INSERT INTO reporting_ocp_nodes (node, resource_id, node_role)
SELECT ocp.node, ocp.resource_id,
    coalesce(max(ocp.node_role), CASE
        WHEN 'openshift-kube-apiserver' = ANY(array_agg(DISTINCT ocp.namespace)) THEN 'master'
        WHEN bool_or(nl.node_labels LIKE '%"node_role_kubernetes_io": "infra"%') THEN 'infra'
        ELSE 'worker'
    END)
FROM openshift_pod_usage_line_items_daily AS ocp
LEFT JOIN openshift_node_labels_line_items_daily AS nl ON ocp.node = nl.node
WHERE ocp.usage_start >= :start_date AND ocp.usage_start < :end_date + 1
    AND nl.usage_start >= :start_date AND nl.usage_start < :end_date + 1
GROUP BY ocp.node, ocp.resource_id`;

/** The final INSERT's values, read back as text and doubles. */
export const FINAL_SELECT_SQL = `
SELECT :report_period_id::integer AS report_period_id, :cluster_id::text AS cluster_id,
    :cluster_alias::text AS cluster_alias, data_source,
    to_char(usage_start, 'YYYY-MM-DD') AS usage_start, to_char(usage_start, 'YYYY-MM-DD') AS usage_end,
    namespace, node, resource_id, pod_labels,
    pod_usage_cpu_core_hours, pod_request_cpu_core_hours, pod_effective_usage_cpu_core_hours,
    pod_limit_cpu_core_hours, pod_usage_memory_gigabyte_hours, pod_request_memory_gigabyte_hours,
    pod_effective_usage_memory_gigabyte_hours, pod_limit_memory_gigabyte_hours,
    node_capacity_cpu_cores, node_capacity_cpu_core_hours, node_capacity_memory_gigabytes,
    node_capacity_memory_gigabyte_hours, cluster_capacity_cpu_core_hours, cluster_capacity_memory_gigabyte_hours,
    persistentvolumeclaim, persistentvolume, storageclass, volume_labels,
    (coalesce(pod_labels::jsonb, '{}'::jsonb) || coalesce(volume_labels::jsonb, '{}'::jsonb))::text AS all_labels,
    persistentvolumeclaim_capacity_gigabyte, persistentvolumeclaim_capacity_gigabyte_months,
    volume_request_storage_gigabyte_months, persistentvolumeclaim_usage_gigabyte_months,
    :source_uuid::text AS source_uuid, infrastructure_usage_cost, cost_category_id
FROM summary_staging`;
