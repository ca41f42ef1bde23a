/**
 * Koku's OCP-on-AWS SQL rendered for DuckDB (paraphrased from koku/masu/database/trino_sql/aws/openshift/
 * populate_daily_summary/1..3_*.sql, trino_sql/aws/openshift/reporting_ocpaws_matched_tags.sql,
 * trino_sql/openshift/ocp_special_matched_tags.sql and sql/aws/openshift/reporting_ocpaws_ocp_infrastructure_back_populate.sql).
 * Statement for statement as Koku's, on tables the runner loads: aws_daily, aws_hourly, pod_usage, storage_usage,
 * ocp_summary (every OCP source), enabled_keys, account_alias, matched_tag_array. Parameters: $start_date,
 * $end_date (one Koku chunk), $markup, $hours_in_month, $aws_source, $ocp_source, $bill_id, $report_period_id.
 */

/** JSON text ↔ map helpers standing in for Trino's json_parse/cast/map_filter/json_format. */
export const MACROS_SQL = [
  "CREATE OR REPLACE MACRO tag_map(t) AS CAST(json(t) AS MAP(VARCHAR, VARCHAR))",
  "CREATE OR REPLACE MACRO map_text(m) AS CASE WHEN m IS NULL THEN NULL ELSE CAST(to_json(map_from_entries(list_sort(map_entries(m)))) AS VARCHAR) END",
  "CREATE OR REPLACE MACRO filter_text(t, ks) AS map_text(map_from_entries(list_filter(map_entries(tag_map(t)), e -> list_contains(ks, e.key))))",
  "CREATE OR REPLACE MACRO concat_text(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE map_text(map_concat(tag_map(a), tag_map(b))) END",
];

const IN_RANGE = (column: string) =>
  `${column} >= CAST($start_date AS DATE) AND ${column} < CAST($end_date AS DATE) + INTERVAL 1 DAY`;

/** reporting_ocpaws_matched_tags.sql (Trino): '{"key": "value"}' texts, AWS spelling. */
export const GENERIC_MATCHED_TAGS_SQL = `
WITH both_keys AS (
  SELECT list(key) AS key_array FROM (
    SELECT key, count(provider_type) AS p_count FROM enabled_keys GROUP BY key) c WHERE c.p_count > 1
),
aws_tags AS (
  SELECT DISTINCT e.key, e.value
  FROM aws_daily AS aws
  CROSS JOIN both_keys AS etk
  CROSS JOIN (SELECT unnest(map_entries(tag_map(aws.resourcetags))) AS e)
  WHERE len(list_filter(etk.key_array, x -> strpos(aws.resourcetags, x) != 0)) > 0
    AND ${IN_RANGE("aws.lineitem_usagestartdate")}
),
ocp_tags AS (
  SELECT DISTINCT e.key, e.value
  FROM ocp_summary AS ocp
  CROSS JOIN both_keys AS etk
  CROSS JOIN (SELECT unnest(map_entries(tag_map(ocp.pod_labels))) AS e
              UNION ALL SELECT unnest(map_entries(tag_map(ocp.volume_labels))) AS e)
  WHERE ocp.source = $ocp_source
    AND (len(list_filter(etk.key_array, x -> strpos(ocp.pod_labels, x) != 0)) > 0
      OR len(list_filter(etk.key_array, x -> strpos(ocp.volume_labels, x) != 0)) > 0)
    AND ${IN_RANGE("ocp.usage_start")}
)
SELECT DISTINCT aws.key, aws.value
FROM aws_tags AS aws JOIN ocp_tags AS ocp ON lower(aws.key) = lower(ocp.key) AND lower(aws.value) = lower(ocp.value)
ORDER BY 1, 2`;

/** ocp_special_matched_tags.sql: nodes and namespaces of the pod rows of the chunk. */
export const SPECIAL_TAG_VALUES_SQL = `
SELECT DISTINCT 'node' AS kind, node AS value FROM pod_usage WHERE ${IN_RANGE("interval_start")} AND node IS NOT NULL
UNION
SELECT DISTINCT 'namespace', namespace FROM pod_usage WHERE ${IN_RANGE("interval_start")} AND namespace IS NOT NULL`;

/** F1: managed_aws_openshift_daily_temp. */
export const F1_SQL = `
CREATE OR REPLACE TABLE daily_temp AS
WITH cte_aws_resource_names AS (
  SELECT DISTINCT lineitem_resourceid FROM aws_daily WHERE ${IN_RANGE("lineitem_usagestartdate")}
),
cte_nodes AS (
  SELECT DISTINCT resource_id FROM pod_usage WHERE resource_id != '' AND ${IN_RANGE("interval_start")}
),
cte_volumes AS (
  SELECT DISTINCT persistentvolume, csi_volume_handle FROM storage_usage
  WHERE persistentvolume != '' AND ${IN_RANGE("interval_start")}
),
cte_matchable_resource_names AS (
  SELECT r.lineitem_resourceid FROM cte_aws_resource_names AS r
  JOIN cte_nodes AS n ON substr(r.lineitem_resourceid, -length(n.resource_id)) = n.resource_id
  UNION
  SELECT r.lineitem_resourceid FROM cte_aws_resource_names AS r
  JOIN cte_volumes AS v ON (
    substr(r.lineitem_resourceid, -length(v.persistentvolume)) = v.persistentvolume
    OR (v.csi_volume_handle != '' AND substr(r.lineitem_resourceid, -length(v.csi_volume_handle)) = v.csi_volume_handle))
),
cte_agg_tags AS (SELECT list(matched_tag) AS matched_tags FROM matched_tag_array),
cte_enabled_tag_keys AS (
  SELECT list_distinct(['openshift_cluster', 'openshift_node', 'openshift_project'] || coalesce(list(key), [])) AS enabled_keys
  FROM enabled_keys WHERE provider_type = 'AWS'
)
SELECT
  aws.row_uuid,
  nullif(aws.lineitem_resourceid, '') AS resource_id,
  CASE WHEN aws.bill_billingentity = 'AWS Marketplace'
       THEN coalesce(nullif(aws.product_productname, ''), nullif(aws.lineitem_productcode, ''))
       ELSE nullif(aws.lineitem_productcode, '') END AS product_code,
  CAST(aws.lineitem_usagestartdate AS DATE) AS usage_start,
  aws.lineitem_usageaccountid AS usage_account_id,
  nullif(aws.lineitem_availabilityzone, '') AS availability_zone,
  nullif(aws.product_productfamily, '') AS product_family,
  nullif(aws.product_instancetype, '') AS instance_type,
  nullif(aws.product_region, '') AS region,
  nullif(aws.pricing_unit, '') AS unit,
  filter_text(aws.resourcetags, etk.enabled_keys) AS tags,
  nullif(aws.costcategory, '') AS aws_cost_category,
  aws.lineitem_usageamount AS usage_amount,
  CASE WHEN aws.lineitem_productcode = 'AmazonEC2' AND aws.product_productfamily = 'Data Transfer' THEN
    CASE
      WHEN strpos(lower(aws.lineitem_usagetype), 'in-bytes') > 0 THEN 'IN'
      WHEN strpos(lower(aws.lineitem_usagetype), 'out-bytes') > 0 THEN 'OUT'
      WHEN strpos(lower(aws.lineitem_usagetype), 'regional-bytes') > 0 AND strpos(lower(aws.lineitem_operation), '-in') > 0 THEN 'IN'
      WHEN strpos(lower(aws.lineitem_usagetype), 'regional-bytes') > 0 AND strpos(lower(aws.lineitem_operation), '-out') > 0 THEN 'OUT'
      ELSE NULL END
  END AS data_transfer_direction,
  nullif(aws.lineitem_currencycode, '') AS currency_code,
  CASE WHEN aws.lineitem_lineitemtype = 'SavingsPlanCoveredUsage' THEN 0.0 ELSE aws.lineitem_unblendedcost END AS unblended_cost,
  CASE WHEN aws.lineitem_lineitemtype = 'SavingsPlanCoveredUsage' THEN 0.0 ELSE aws.lineitem_blendedcost END AS blended_cost,
  aws.savingsplan_savingsplaneffectivecost AS savingsplan_effective_cost,
  CASE WHEN aws.lineitem_lineitemtype = 'Tax' OR aws.lineitem_lineitemtype = 'Usage'
       THEN aws.lineitem_unblendedcost ELSE aws.savingsplan_savingsplaneffectivecost END AS calculated_amortized_cost,
  m.lineitem_resourceid IS NOT NULL AS resource_id_matched,
  array_to_string(list_filter(t.matched_tags, x -> strpos(aws.resourcetags, x) != 0), ',') AS matched_tag
FROM aws_daily AS aws
LEFT JOIN cte_matchable_resource_names AS m ON m.lineitem_resourceid = aws.lineitem_resourceid
LEFT JOIN cte_agg_tags AS t
  ON len(list_filter(t.matched_tags, x -> strpos(aws.resourcetags, x) != 0)) > 0 AND m.lineitem_resourceid IS NULL
CROSS JOIN cte_enabled_tag_keys AS etk
WHERE ${IN_RANGE("aws.lineitem_usagestartdate")}
  AND (m.lineitem_resourceid IS NOT NULL OR t.matched_tags IS NOT NULL)`;

/** F2:11-65 disk capacities. */
export const F2_DISK_SQL = `
CREATE OR REPLACE TABLE disk_capacities AS
WITH filtered AS (
  SELECT DISTINCT aws.resource_id, aws.usage_start
  FROM daily_temp AS aws
  JOIN ocp_summary AS ocp
    ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.csi_volume_handle) != 0
   AND ocp.csi_volume_handle IS NOT NULL AND ocp.csi_volume_handle != ''
  WHERE ocp.source = $ocp_source
),
calculated AS (
  SELECT aws.lineitem_resourceid AS resource_id,
         CAST(round(max(aws.lineitem_unblendedcost) / (max(aws.lineitem_unblendedrate) / $hours_in_month)) AS INTEGER) AS capacity,
         f.usage_start
  FROM aws_hourly AS aws
  JOIN filtered AS f ON aws.lineitem_resourceid = f.resource_id AND CAST(aws.lineitem_usagestartdate AS DATE) = f.usage_start
  GROUP BY aws.lineitem_resourceid, f.usage_start
)
SELECT * FROM calculated WHERE capacity > 0`;

const OCP_CHUNK = `ocp.source = $ocp_source AND ${IN_RANGE("ocp.usage_start")}`;

/** F2: the four inserts into the project temp table. */
export const F2_TEMP_SQL = `
CREATE OR REPLACE TABLE project_temp AS
SELECT CAST(uuid() AS VARCHAR) AS row_uuid,
  max(ocp.cluster_id) AS cluster_id, max(ocp.cluster_alias) AS cluster_alias, 'Storage' AS data_source,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN 'Storage unattributed' ELSE max(ocp.namespace) END AS namespace,
  max(ocp.node) AS node, max(ocp.persistentvolumeclaim) AS persistentvolumeclaim,
  max(ocp.persistentvolume) AS persistentvolume, max(ocp.storageclass) AS storageclass,
  max(aws.resource_id) AS resource_id, max(aws.usage_start) AS usage_start, max(aws.product_code) AS product_code,
  max(aws.product_family) AS product_family, max(aws.instance_type) AS instance_type,
  max(aws.usage_account_id) AS usage_account_id, max(aws.availability_zone) AS availability_zone,
  max(aws.region) AS region, max(aws.unit) AS unit,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN CAST(NULL AS DOUBLE) ELSE max(aws.usage_amount) END AS usage_amount,
  max(aws.currency_code) AS currency_code,
  max(ocp.persistentvolumeclaim_capacity_gigabyte) / max(disk.capacity) * max(aws.unblended_cost) AS unblended_cost,
  max(ocp.persistentvolumeclaim_capacity_gigabyte) / max(disk.capacity) * max(aws.blended_cost) AS blended_cost,
  max(ocp.persistentvolumeclaim_capacity_gigabyte) / max(disk.capacity) * max(aws.savingsplan_effective_cost) AS savingsplan_effective_cost,
  max(ocp.persistentvolumeclaim_capacity_gigabyte) / max(disk.capacity) * max(aws.calculated_amortized_cost) AS calculated_amortized_cost,
  CAST(NULL AS DOUBLE) AS pod_effective_usage_cpu_core_hours, CAST(NULL AS DOUBLE) AS pod_effective_usage_memory_gigabyte_hours,
  CAST(NULL AS DOUBLE) AS node_capacity_cpu_core_hours, CAST(NULL AS DOUBLE) AS node_capacity_memory_gigabyte_hours,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN NULL ELSE ocp.pod_labels END AS pod_labels,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN NULL ELSE ocp.volume_labels END AS volume_labels,
  max(aws.tags) AS tags,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN NULL ELSE max(aws.aws_cost_category) END AS aws_cost_category,
  CASE WHEN max(ocp.persistentvolumeclaim) = '' THEN NULL ELSE max(ocp.cost_category_id) END AS cost_category_id,
  bool_or(aws.resource_id_matched) AS resource_id_matched, CAST(NULL AS VARCHAR) AS matched_tag
FROM ocp_summary AS ocp
JOIN daily_temp AS aws
  ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.csi_volume_handle) != 0
 AND ocp.csi_volume_handle IS NOT NULL AND ocp.csi_volume_handle != ''
JOIN disk_capacities AS disk ON disk.usage_start = aws.usage_start AND disk.resource_id = aws.resource_id
WHERE ${OCP_CHUNK} AND ocp.persistentvolume IS NOT NULL AND aws.data_transfer_direction IS NULL
  AND ocp.namespace != 'Storage unattributed' AND aws.resource_id_matched
GROUP BY aws.row_uuid, ocp.namespace, ocp.pod_labels, ocp.volume_labels

UNION ALL

SELECT * FROM (
WITH cte_total_pv_capacity AS (
  SELECT aws_resource_id, sum(capacity) AS total_pv_capacity, count(DISTINCT cluster_id) AS cluster_count
  FROM (
    SELECT ocp.persistentvolume, max(ocp.persistentvolumeclaim_capacity_gigabyte) AS capacity,
           aws.resource_id AS aws_resource_id, ocp.cluster_id
    FROM ocp_summary AS ocp
    JOIN daily_temp AS aws ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.csi_volume_handle) > 0
     AND ocp.csi_volume_handle IS NOT NULL AND ocp.csi_volume_handle != ''
    WHERE ${IN_RANGE("ocp.usage_start")} AND aws.resource_id_matched
    GROUP BY ocp.persistentvolume, aws.resource_id, ocp.cluster_id
  ) AS combined GROUP BY aws_resource_id
)
SELECT CAST(uuid() AS VARCHAR) AS row_uuid,
  max(ocp.cluster_id), max(ocp.cluster_alias), 'Storage', 'Storage unattributed', CAST(NULL AS VARCHAR),
  max(ocp.persistentvolumeclaim), max(ocp.persistentvolume), max(ocp.storageclass),
  max(aws.resource_id), max(aws.usage_start), max(aws.product_code), max(aws.product_family), max(aws.instance_type),
  max(aws.usage_account_id), max(aws.availability_zone), max(aws.region), max(aws.unit),
  CAST(NULL AS DOUBLE), max(aws.currency_code),
  (max(disk.capacity) - max(pv.total_pv_capacity)) / max(disk.capacity) * max(aws.unblended_cost) / max(pv.cluster_count),
  (max(disk.capacity) - max(pv.total_pv_capacity)) / max(disk.capacity) * max(aws.blended_cost) / max(pv.cluster_count),
  (max(disk.capacity) - max(pv.total_pv_capacity)) / max(disk.capacity) * max(aws.savingsplan_effective_cost) / max(pv.cluster_count),
  (max(disk.capacity) - max(pv.total_pv_capacity)) / max(disk.capacity) * max(aws.calculated_amortized_cost) / max(pv.cluster_count),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  bool_or(aws.resource_id_matched), NULL
FROM ocp_summary AS ocp
JOIN daily_temp AS aws
  ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.csi_volume_handle) != 0
 AND ocp.csi_volume_handle IS NOT NULL AND ocp.csi_volume_handle != ''
JOIN disk_capacities AS disk ON disk.usage_start = aws.usage_start AND disk.resource_id = aws.resource_id
LEFT JOIN cte_total_pv_capacity AS pv ON pv.aws_resource_id = aws.resource_id
WHERE ${OCP_CHUNK} AND ocp.persistentvolume IS NOT NULL AND aws.data_transfer_direction IS NULL
  AND aws.resource_id_matched AND ocp.namespace != 'Storage unattributed'
  AND disk.capacity != pv.total_pv_capacity
GROUP BY aws.row_uuid, aws.resource_id)

UNION ALL

SELECT aws.row_uuid, max(ocp.cluster_id), max(ocp.cluster_alias), 'Pod', ocp.namespace, max(ocp.node),
  NULL, NULL, NULL,
  max(aws.resource_id), max(aws.usage_start), max(aws.product_code), max(aws.product_family), max(aws.instance_type),
  max(aws.usage_account_id), max(aws.availability_zone), max(aws.region), max(aws.unit),
  max(aws.usage_amount), max(aws.currency_code),
  max(aws.unblended_cost), max(aws.blended_cost), max(aws.savingsplan_effective_cost), max(aws.calculated_amortized_cost),
  sum(ocp.pod_effective_usage_cpu_core_hours), sum(ocp.pod_effective_usage_memory_gigabyte_hours),
  max(ocp.node_capacity_cpu_core_hours), max(ocp.node_capacity_memory_gigabyte_hours),
  ocp.pod_labels, NULL, max(aws.tags), max(aws.aws_cost_category), max(ocp.cost_category_id),
  bool_or(aws.resource_id_matched), NULL
FROM ocp_summary AS ocp
JOIN daily_temp AS aws ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.resource_id) != 0
LEFT JOIN disk_capacities AS disk ON disk.usage_start = aws.usage_start AND disk.resource_id = aws.resource_id
WHERE ${OCP_CHUNK} AND ocp.resource_id IS NOT NULL AND ocp.resource_id != ''
  AND aws.resource_id_matched AND aws.data_transfer_direction IS NULL AND disk.resource_id IS NULL
GROUP BY aws.row_uuid, ocp.namespace, ocp.pod_labels

UNION ALL

SELECT aws.row_uuid, max(ocp.cluster_id), max(ocp.cluster_alias), ocp.data_source, ocp.namespace, max(ocp.node),
  max(nullif(ocp.persistentvolumeclaim, '')), max(nullif(ocp.persistentvolume, '')), max(nullif(ocp.storageclass, '')),
  max(aws.resource_id), max(aws.usage_start), max(aws.product_code), max(aws.product_family), max(aws.instance_type),
  max(aws.usage_account_id), max(aws.availability_zone), max(aws.region), max(aws.unit),
  max(aws.usage_amount), max(aws.currency_code),
  max(aws.unblended_cost), max(aws.blended_cost), max(aws.savingsplan_effective_cost), max(aws.calculated_amortized_cost),
  NULL, NULL, NULL, NULL,
  max(ocp.pod_labels), max(ocp.volume_labels), max(aws.tags), max(aws.aws_cost_category), max(ocp.cost_category_id),
  FALSE, max(aws.matched_tag)
FROM ocp_summary AS ocp
JOIN daily_temp AS aws ON aws.usage_start = ocp.usage_start AND (${tagCondition("aws", "ocp")})
WHERE ${OCP_CHUNK} AND NOT aws.resource_id_matched AND aws.matched_tag IS NOT NULL AND aws.matched_tag != ''
GROUP BY aws.row_uuid, ocp.namespace, ocp.data_source`;

function tagCondition(aws: string, ocp: string): string {
  return `(json_extract_string(${aws}.tags, '$.openshift_project') = ${ocp}.namespace
    OR json_extract_string(${aws}.tags, '$.openshift_node') = ${ocp}.node
    OR json_extract_string(${aws}.tags, '$.openshift_cluster') = ${ocp}.cluster_alias
    OR json_extract_string(${aws}.tags, '$.openshift_cluster') = ${ocp}.cluster_id
    OR (${aws}.matched_tag != '' AND len(list_filter(string_split(${aws}.matched_tag, ','), x -> strpos(${ocp}.pod_labels, replace(x, ' ', '')) != 0)) > 0)
    OR (${aws}.matched_tag != '' AND len(list_filter(string_split(${aws}.matched_tag, ','), x -> strpos(${ocp}.volume_labels, replace(x, ' ', '')) != 0)) > 0))
    AND ${ocp}.namespace != 'Worker unallocated' AND ${ocp}.namespace != 'Platform unallocated'
    AND ${ocp}.namespace != 'Storage unattributed' AND ${ocp}.namespace != 'Network unattributed'`;
}

/** F2: the final split and Network unattributed into the project table (before F3). */
export function f2SplitSql(distribution: "cpu" | "memory"): string {
  const pod =
    distribution === "cpu"
      ? "pod_effective_usage_cpu_core_hours"
      : "pod_effective_usage_memory_gigabyte_hours";
  const node =
    distribution === "cpu" ? "node_capacity_cpu_core_hours" : "node_capacity_memory_gigabyte_hours";
  const split = (cost: string) => `CASE WHEN pds.resource_id_matched = TRUE AND pds.data_source = 'Pod'
      THEN (pds.${pod} / nullif(pds.${node}, 0)) * pds.${cost}
    WHEN pds.resource_id_matched = FALSE THEN pds.${cost} / (r.aws_uuid_count * r.cluster_count)
    ELSE pds.${cost} / r.aws_uuid_count END`;
  const costs = ["unblended_cost", "blended_cost", "savingsplan_effective_cost", "calculated_amortized_cost"];
  const markups = ["markup_cost", "markup_cost_blended", "markup_cost_savingsplan", "markup_cost_amortized"];
  return `
CREATE OR REPLACE TABLE project_split AS
WITH cte_cluster_counts AS (
  SELECT aws_temp.row_uuid, count(DISTINCT ocp.source) AS cluster_count
  FROM daily_temp AS aws_temp
  JOIN ocp_summary AS ocp ON aws_temp.usage_start = ocp.usage_start AND (${tagCondition("aws_temp", "ocp")})
  WHERE NOT aws_temp.resource_id_matched AND aws_temp.matched_tag IS NOT NULL AND aws_temp.matched_tag != ''
    AND ${IN_RANGE("ocp.usage_start")}
  GROUP BY aws_temp.row_uuid
),
cte_rankings AS (
  SELECT pds.row_uuid, count(*) AS aws_uuid_count, coalesce(ccc.cluster_count, 1) AS cluster_count
  FROM project_temp AS pds LEFT JOIN cte_cluster_counts AS ccc ON pds.row_uuid = ccc.row_uuid
  GROUP BY pds.row_uuid, ccc.cluster_count
)
SELECT pds.cluster_id, pds.cluster_alias, pds.data_source, pds.namespace, pds.node, pds.persistentvolumeclaim,
  pds.persistentvolume, pds.storageclass, pds.resource_id, pds.usage_start, pds.product_code, pds.product_family,
  pds.instance_type, pds.usage_account_id, aa.id AS account_alias_id, pds.availability_zone, pds.region, pds.unit,
  CASE WHEN pds.resource_id_matched = FALSE THEN pds.usage_amount / (r.aws_uuid_count * r.cluster_count)
       ELSE pds.usage_amount / r.aws_uuid_count END AS usage_amount,
  CAST(NULL AS VARCHAR) AS data_transfer_direction, pds.currency_code,
  ${costs.map((c, i) => `${split(c)} AS ${c}, ${split(c)} * $markup AS ${markups[i]}`).join(",\n  ")},
  CASE WHEN pds.pod_labels IS NOT NULL THEN concat_text(pds.pod_labels, pds.tags)
       ELSE concat_text(pds.volume_labels, pds.tags) END AS tags,
  pds.aws_cost_category, pds.cost_category_id
FROM project_temp AS pds
JOIN cte_rankings AS r ON pds.row_uuid = r.row_uuid
LEFT JOIN account_alias AS aa ON pds.usage_account_id = aa.account_id

UNION ALL

SELECT max(ocp.cluster_id), max(ocp.cluster_alias), 'Pod', 'Network unattributed', ocp.node,
  max(ocp.persistentvolumeclaim), max(ocp.persistentvolume), max(ocp.storageclass), max(aws.resource_id),
  max(aws.usage_start), max(aws.product_code), max(aws.product_family), max(aws.instance_type),
  max(aws.usage_account_id), max(aa.id), max(aws.availability_zone), max(aws.region), max(aws.unit),
  max(aws.usage_amount), aws.data_transfer_direction, max(aws.currency_code),
  ${costs.map((c) => `max(aws.${c === "savingsplan_effective_cost" ? "savingsplan_effective_cost" : c}), max(aws.${c}) * $markup`).join(",\n  ")},
  max(aws.tags), NULL, NULL
FROM ocp_summary AS ocp
JOIN daily_temp AS aws ON aws.usage_start = ocp.usage_start AND strpos(aws.resource_id, ocp.resource_id) != 0
LEFT JOIN account_alias AS aa ON aws.usage_account_id = aa.account_id
WHERE ${OCP_CHUNK} AND ocp.resource_id IS NOT NULL AND ocp.resource_id != ''
  AND aws.resource_id_matched AND aws.data_transfer_direction IS NOT NULL AND aws.data_transfer_direction != ''
  AND ocp.data_source = 'Pod'
GROUP BY aws.row_uuid, ocp.node, aws.data_transfer_direction`;
}

/** F3: the project table rows of the chunk. */
export const F3_SQL = `
WITH keys AS (
  SELECT CASE WHEN count(*) = 0 THEN CAST([] AS VARCHAR[]) ELSE ['vm_kubevirt_io_name'] || list(key ORDER BY key) END AS keys
  FROM enabled_keys WHERE provider_type IN ('AWS', 'OCP')
),
fd AS (
  SELECT s.*, filter_text(s.tags, k.keys) AS enabled_tags,
    CASE WHEN s.aws_cost_category IS NULL THEN NULL ELSE CAST(json(s.aws_cost_category) AS VARCHAR) END AS category,
    CASE WHEN upper(s.data_transfer_direction) = 'IN' THEN s.usage_amount ELSE 0 END AS data_in,
    CASE WHEN upper(s.data_transfer_direction) = 'OUT' THEN s.usage_amount ELSE 0 END AS data_out
  FROM project_split AS s CROSS JOIN keys AS k
)
SELECT $report_period_id AS report_period_id, cluster_id, max(cluster_alias) AS cluster_alias, data_source, namespace,
  node, persistentvolumeclaim, persistentvolume, storageclass, resource_id,
  strftime(usage_start, '%Y-%m-%d') AS usage_start, strftime(usage_start, '%Y-%m-%d') AS usage_end,
  product_code, product_family, instance_type, $bill_id AS cost_entry_bill_id, usage_account_id,
  max(account_alias_id) AS account_alias_id, availability_zone, region, unit,
  sum(usage_amount) AS usage_amount, sum(data_in) AS infrastructure_data_in_gigabytes,
  sum(data_out) AS infrastructure_data_out_gigabytes, data_transfer_direction, max(currency_code) AS currency_code,
  sum(unblended_cost) AS unblended_cost, sum(markup_cost) AS markup_cost, sum(blended_cost) AS blended_cost,
  sum(markup_cost_blended) AS markup_cost_blended, sum(savingsplan_effective_cost) AS savingsplan_effective_cost,
  sum(markup_cost_savingsplan) AS markup_cost_savingsplan, sum(calculated_amortized_cost) AS calculated_amortized_cost,
  sum(markup_cost_amortized) AS markup_cost_amortized, enabled_tags AS pod_labels, enabled_tags AS tags,
  category AS aws_cost_category, cost_category_id, $aws_source AS source_uuid
FROM fd
GROUP BY usage_start, cluster_id, data_source, namespace, node, persistentvolumeclaim, persistentvolume, storageclass,
  resource_id, product_code, product_family, instance_type, usage_account_id, availability_zone, region, unit,
  data_transfer_direction, currency_code, enabled_tags, category, cost_category_id`;

/** The back-populate (PostgreSQL in Koku) over the reference project rows: what the OCP summary gains. */
export const BACK_POPULATE_SQL = `
SELECT report_period_id, usage_start, cluster_id, cluster_alias, namespace, data_source, node,
  persistentvolumeclaim, max(persistentvolume) AS persistentvolume, max(storageclass) AS storageclass, resource_id,
  CASE WHEN data_source = 'Pod' THEN pod_labels ELSE '{}' END AS pod_labels,
  CASE WHEN data_source = 'Storage' THEN pod_labels ELSE '{}' END AS volume_labels,
  pod_labels AS all_labels,
  sum(calculated_amortized_cost + markup_cost_amortized) AS infrastructure_raw_cost,
  sum(calculated_amortized_cost + markup_cost_amortized) AS infrastructure_project_raw_cost,
  CASE WHEN upper(data_transfer_direction) = 'IN' THEN sum(infrastructure_data_in_gigabytes) END AS infrastructure_data_in_gigabytes,
  CASE WHEN upper(data_transfer_direction) = 'OUT' THEN sum(infrastructure_data_out_gigabytes) END AS infrastructure_data_out_gigabytes,
  max(currency_code) AS raw_currency, max(cost_category_id) AS cost_category_id
FROM reference_project
GROUP BY report_period_id, usage_start, cluster_id, cluster_alias, namespace, data_source, node,
  persistentvolumeclaim, resource_id, pod_labels, data_transfer_direction`;
