/**
 * Fills `reporting_ocp_nodes` when the run has no node-role table (spec §2.5), with Koku's own query
 * (koku/reportdb_accessor_trino.py `get_nodes_query_sql`; the PostgreSQL accessor is the same query).
 *
 * Translation notes:
 * - Koku joins pod rows to node-label rows on `node` only (any label row of the range, not the same
 *   day) and the WHERE on `nl.*` makes it an inner join: a node without label rows gets no role.
 *   (Spec §2.5 says "a node-label row the same day"; this follows Koku's SQL.)
 * - `contains(array_agg(DISTINCT ocp.namespace), 'openshift-kube-apiserver')` → `bool_or(namespace = …)`;
 *   `any_match(array_agg(DISTINCT nl.node_labels), x -> x LIKE …)` → `bool_or(nl.node_labels LIKE …)`.
 *   Both are TRUE exactly when some row matches, and a NULL/FALSE result falls through the CASE alike.
 * - The LIKE pattern is applied to the raw label text (before key filtering), `_` being a wildcard.
 */
export const DERIVE_NODE_ROLES_SQL = `
CREATE TABLE reporting_ocp_nodes AS
SELECT ocp.node,
    ocp.resource_id,
    coalesce(max(ocp.node_role), CASE
        WHEN bool_or(ocp.namespace = 'openshift-kube-apiserver') THEN 'master'
        WHEN bool_or(nl.node_labels LIKE '%"node_role_kubernetes_io": "infra"%') THEN 'infra'
        ELSE 'worker'
    END) AS node_role
FROM openshift_pod_usage_line_items_daily AS ocp
LEFT JOIN openshift_node_labels_line_items_daily AS nl
    ON ocp.node = nl.node
WHERE ocp.interval_start >= CAST($start_date AS TIMESTAMP)
    AND ocp.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
    AND nl.interval_start >= CAST($start_date AS TIMESTAMP)
    AND nl.interval_start < CAST($end_date AS DATE) + INTERVAL 1 DAY
GROUP BY ocp.node, ocp.resource_id`;
