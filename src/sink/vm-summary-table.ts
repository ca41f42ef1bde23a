/**
 * `reporting_ocp_vm_summary_p` (Koku reporting/provider/ocp/models.py OCPVirtualMachineSummaryP), filled the way
 * Koku's masu/database/ocp_report_db_accessor.py `_populate_virtualization_ui_summary_table` does, per date
 * chunk of the run (Koku's TRINO_DATE_STEP, 5 days, date_range_pair):
 *   1. the VM temporary table (sql/openshift/create_virtualization_tmp_table.sql): from the vm_usage report
 *      (computed from Parquet, engine/vm-inputs.ts), or from the daily summary rows just written plus the
 *      (claim, VM) pairs of the pod and storage Parquet (populate_vm_tmp_table.sql, rendered here for PostgreSQL);
 *   2. sql/openshift/ui_summary/reporting_ocp_vm_summary_p.sql — PostgreSQL in both of Koku's deployments —
 *      rendered here: delete the chunk, compute rows (only with costs), storage rows.
 * Runs inside the run's transaction, after the summary rows are in.
 */
import type pg from "pg";
import type { VmPvcPair, VmTmpRow } from "../engine/vm-inputs.js";
import { qualifiedName } from "./sql.js";
import { SUMMARY_TABLE } from "./summary-ddl.js";
import { ensureUiTable, type UiTableDefinition } from "./ui-partitioned-table.js";

export const VM_SUMMARY_TABLE = "reporting_ocp_vm_summary_p";

const NUMERIC = "numeric(33,15)";

export const VM_SUMMARY_DEFINITION: UiTableDefinition = {
  name: VM_SUMMARY_TABLE,
  columns: [
    ["id", "uuid NOT NULL"],
    ["cluster_alias", "text"],
    ["cluster_id", "text"],
    ["namespace", "varchar(253)"],
    ["node", "varchar(253)"],
    ["vm_name", "text"],
    ["cost_model_cpu_cost", NUMERIC],
    ["cost_model_memory_cost", NUMERIC],
    ["cost_model_rate_type", "text"],
    ["cost_model_volume_cost", NUMERIC],
    ["cost_model_gpu_cost", NUMERIC],
    ["distributed_cost", NUMERIC],
    ["pod_labels", "jsonb"],
    ["pod_request_cpu_core_hours", NUMERIC],
    ["pod_request_memory_gigabyte_hours", NUMERIC],
    ["persistentvolumeclaim", "varchar(253)"],
    ["storageclass", "varchar(253)"],
    ["persistentvolumeclaim_usage_gigabyte_months", NUMERIC],
    ["persistentvolumeclaim_capacity_gigabyte_months", NUMERIC],
    ["infrastructure_markup_cost", NUMERIC],
    ["infrastructure_raw_cost", NUMERIC],
    ["raw_currency", "text"],
    ["resource_ids", "varchar(256)[]"],
    ["usage_end", "date NOT NULL"],
    ["usage_start", "date NOT NULL"],
    ["cost_category_id", "integer"],
    ["source_uuid", "uuid"],
  ],
  indexes: [
    ["ocp_vm_summ_usage_start", "usage_start", "btree"],
    ["ocp_vm_summ_cluster_id", "cluster_id", "btree"],
    ["ocp_vm_summ_namespace", "namespace", "btree"],
    ["ocp_vm_summ_node", "node", "btree"],
    ["ocp_vm_summ_vm_name", "vm_name", "btree"],
    ["ocp_vm_summ_pod_labels_idx", "pod_labels", "gin"],
  ],
  constraints: [
    "UNIQUE (usage_start, cluster_id, namespace, node, vm_name, cost_model_rate_type, persistentvolumeclaim)",
  ],
};

/** Where the VM temporary table comes from. */
export type VmTmpSource = { kind: "vm-report"; rows: VmTmpRow[] } | { kind: "pods"; claims: VmPvcPair[] };

export interface VmSummaryRange {
  schema: string;
  sourceUuid: string;
  startDate: string;
  endDate: string;
}

/** Koku's date_range_pair(start, end, step=5): the chunks its summary loop works in. */
export function kokuDateChunks(startDate: string, endDate: string, step = 5): [string, string][] {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const text = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const start = day(startDate);
  const end = day(endDate);
  const dates: number[] = [];
  for (let d = start; d <= end; d += step * 86_400_000) dates.push(d);
  if (dates.length <= 1) return [[startDate, endDate]];
  const chunks: [string, string][] = [];
  let from = start;
  for (const d of dates) {
    if (d === from && d !== end) continue;
    chunks.push([text(from), text(d)]);
    from = d + 86_400_000;
  }
  if (!dates.includes(end)) chunks.push([text(from), text(end)]);
  return chunks;
}

export async function writeVmSummary(
  client: pg.ClientBase,
  range: VmSummaryRange,
  tmp: VmTmpSource,
): Promise<{ deleted: number; inserted: number }> {
  await ensureUiTable(client, range.schema, VM_SUMMARY_DEFINITION, range.startDate, range.endDate);
  if (tmp.kind === "pods") {
    await client.query("DROP TABLE IF EXISTS pg_temp.ocp_agg_vm_claims");
    await client.query("CREATE TEMP TABLE ocp_agg_vm_claims (vm_name text, pvc_name text) ON COMMIT DROP");
    await client.query("INSERT INTO pg_temp.ocp_agg_vm_claims SELECT * FROM unnest($1::text[], $2::text[])", [
      tmp.claims.map((c) => c.vm_name),
      tmp.claims.map((c) => c.pvc_name),
    ]);
  }
  let deleted = 0;
  let inserted = 0;
  for (const [start, end] of kokuDateChunks(range.startDate, range.endDate)) {
    const chunk = { ...range, startDate: start, endDate: end };
    await fillTmpTable(client, chunk, tmp);
    const counts = await populateChunk(client, chunk);
    deleted += counts.deleted;
    inserted += counts.inserted;
  }
  await client.query("DROP TABLE IF EXISTS pg_temp.ocp_agg_tmp_virt");
  await client.query("DROP TABLE IF EXISTS pg_temp.ocp_agg_vm_claims");
  return { deleted, inserted };
}

/** create_virtualization_tmp_table.sql, then one of the two populate_vm_tmp_table files. */
async function fillTmpTable(client: pg.ClientBase, chunk: VmSummaryRange, tmp: VmTmpSource): Promise<void> {
  await client.query("DROP TABLE IF EXISTS pg_temp.ocp_agg_tmp_virt");
  await client.query(`CREATE TEMP TABLE ocp_agg_tmp_virt (
    vm_name text, node text, pvc_name text, cpu_request float8, mem_request float8) ON COMMIT DROP`);
  if (tmp.kind === "vm-report") {
    const r = tmp.rows;
    await client.query(
      `INSERT INTO pg_temp.ocp_agg_tmp_virt
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[])`,
      [
        r.map((x) => x.vm_name),
        r.map((x) => x.node),
        r.map((x) => x.pvc_name),
        r.map((x) => x.cpu_request),
        r.map((x) => x.mem_request),
      ],
    );
    return;
  }
  // populate_vm_tmp_table.sql: the VM pods of day D (the second most recent day of the chunk with pod
  // requests, of this source) — Koku filters only that day by source, not the rows; ties of ROW_NUMBER
  // (several rows of one VM that day) are broken by node and namespace here, Koku's pick is arbitrary.
  const summary = qualifiedName(chunk.schema, SUMMARY_TABLE);
  await client.query(
    `WITH second_to_last_day AS (
       SELECT day FROM (
         SELECT DISTINCT usage_start::date AS day FROM ${summary}
          WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid::text = $3
            AND pod_request_cpu_core_hours IS NOT NULL
          ORDER BY day DESC LIMIT 2) latest_days
       ORDER BY day LIMIT 1
     ),
     latest AS (
       SELECT pod_labels->>'vm_kubevirt_io_name' AS vm_name,
              pod_request_cpu_core_hours AS cpu_request_hours,
              pod_request_memory_gigabyte_hours AS memory_request_hours,
              node AS node_name,
              ROW_NUMBER() OVER (PARTITION BY pod_labels->>'vm_kubevirt_io_name'
                                 ORDER BY usage_start DESC, node, namespace) AS rn
         FROM ${summary} AS summary JOIN second_to_last_day AS stld ON summary.usage_start::date = stld.day
        WHERE summary.usage_start >= $1::date AND summary.usage_start <= $2::date
          AND pod_request_cpu_core_hours IS NOT NULL
          AND pod_labels->>'vm_kubevirt_io_name' IS NOT NULL
     )
     INSERT INTO pg_temp.ocp_agg_tmp_virt (vm_name, node, pvc_name, cpu_request, mem_request)
     SELECT latest.vm_name, latest.node_name, pvc.pvc_name, latest.cpu_request_hours, latest.memory_request_hours
       FROM latest LEFT JOIN pg_temp.ocp_agg_vm_claims AS pvc ON pvc.vm_name = latest.vm_name
      WHERE latest.rn = 1`,
    [chunk.startDate, chunk.endDate, chunk.sourceUuid],
  );
}

/** reporting_ocp_vm_summary_p.sql for one chunk: delete, compute rows, storage rows. */
async function populateChunk(
  client: pg.ClientBase,
  chunk: VmSummaryRange,
): Promise<{ deleted: number; inserted: number }> {
  const summary = qualifiedName(chunk.schema, SUMMARY_TABLE);
  const vm = qualifiedName(chunk.schema, VM_SUMMARY_TABLE);
  const args = [chunk.startDate, chunk.endDate, chunk.sourceUuid];
  const deleted = await client.query(
    `DELETE FROM ${vm} WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid`,
    args,
  );
  const unallocated = `namespace IS DISTINCT FROM 'Worker unallocated'
      AND namespace IS DISTINCT FROM 'Platform unallocated'
      AND namespace IS DISTINCT FROM 'Network unattributed'
      AND namespace IS DISTINCT FROM 'Storage unattributed'`;
  // Compute rows: only where some cost is non-zero (cost-model, distributed, infrastructure, markup); the
  // summary rows this product writes carry none, so this inserts rows only beside Koku's own cost rows.
  const compute = await client.query(
    `WITH cte_latest_pod_labels AS (
       SELECT DISTINCT ON (vm_name) all_labels->>'vm_kubevirt_io_name' AS vm_name, pod_labels
         FROM ${summary}
        WHERE usage_start::date = (
                SELECT day FROM (
                  SELECT DISTINCT usage_start::date AS day FROM ${summary}
                   WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid
                     AND pod_request_cpu_core_hours IS NOT NULL
                   ORDER BY day DESC LIMIT 2) latest_days
                ORDER BY day LIMIT 1)
          AND pod_request_cpu_core_hours IS NOT NULL
          AND all_labels ? 'vm_kubevirt_io_name'
        ORDER BY vm_name, usage_start DESC, pod_labels::text
     ),
     cte_latest_resources AS (
       SELECT latest.vm_name, max(latest.cpu_request) AS cpu_request_hours,
              max(latest.mem_request) AS memory_request_hours, max(latest.node) AS node_name,
              labels.pod_labels AS labels
         FROM cte_latest_pod_labels AS labels
         JOIN pg_temp.ocp_agg_tmp_virt AS latest ON labels.vm_name = latest.vm_name
        GROUP BY latest.vm_name, labels.pod_labels
     )
     INSERT INTO ${vm} (id, cluster_alias, cluster_id, namespace, node, vm_name, cost_model_cpu_cost,
       cost_model_memory_cost, cost_model_rate_type, cost_model_volume_cost, cost_model_gpu_cost, distributed_cost,
       pod_labels, pod_request_cpu_core_hours, pod_request_memory_gigabyte_hours, infrastructure_markup_cost,
       infrastructure_raw_cost, raw_currency, resource_ids, usage_start, usage_end, cost_category_id, source_uuid)
     SELECT gen_random_uuid(), cluster_alias, cluster_id, namespace, max(latest.node_name),
            latest.labels->>'vm_kubevirt_io_name', sum(cost_model_cpu_cost), sum(cost_model_memory_cost),
            cost_model_rate_type, sum(cost_model_volume_cost), sum(cost_model_gpu_cost), sum(distributed_cost),
            latest.labels, max(latest.cpu_request_hours), max(latest.memory_request_hours),
            sum(infrastructure_markup_cost), sum(infrastructure_raw_cost), max(raw_currency),
            array_agg(DISTINCT resource_id), min(usage_start), max(usage_start), max(cost_category_id), $3::uuid
       FROM ${summary} AS ocp
       JOIN cte_latest_resources AS latest ON latest.vm_name = ocp.pod_labels->>'vm_kubevirt_io_name'
      WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid
        AND data_source = 'Pod' AND pod_labels ? 'vm_kubevirt_io_name' AND ${unallocated}
        AND (COALESCE(cost_model_cpu_cost, 0) + COALESCE(cost_model_memory_cost, 0)
             + COALESCE(cost_model_volume_cost, 0) + COALESCE(distributed_cost, 0)
             + COALESCE(infrastructure_raw_cost, 0) + COALESCE(infrastructure_markup_cost, 0)) != 0
      GROUP BY cluster_alias, cluster_id, namespace, latest.node_name, latest.labels->>'vm_kubevirt_io_name',
               cost_model_rate_type, latest.labels`,
    args,
  );
  // Storage rows: each tmp claim with a summary row on day S (the second most recent day of the chunk with
  // claims), labelled with that row's volume labels merged with the VM's pod labels; then the chunk's Storage
  // rows of that claim. DISTINCT ON ties (a claim name in two namespaces or VMs on day S) are broken by VM name
  // and namespace here; Koku's pick is arbitrary.
  const storage = await client.query(
    `WITH latest_vm_pod_labels AS (
       SELECT DISTINCT vm_name, pod_labels FROM ${vm}
        WHERE pod_labels IS NOT NULL AND usage_start >= $1::date AND usage_start <= $2::date
          AND source_uuid = $3::uuid
     ),
     second_to_last_day AS (
       SELECT day FROM (
         SELECT DISTINCT usage_start::date AS day FROM ${summary}
          WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid
            AND persistentvolumeclaim IS NOT NULL
          ORDER BY day DESC LIMIT 2) latest_days
       ORDER BY day LIMIT 1
     ),
     latest_storage_data AS (
       SELECT DISTINCT ON (persistentvolumeclaim) persistentvolumeclaim,
              CASE WHEN volume_labels IS NOT NULL AND vm_labels.pod_labels IS NOT NULL
                   THEN jsonb_concat(volume_labels, vm_labels.pod_labels)
                   ELSE COALESCE(volume_labels, vm_labels.pod_labels) END AS combined_labels,
              map.vm_name AS vm_name
         FROM ${summary} AS ocp
         JOIN pg_temp.ocp_agg_tmp_virt AS map ON map.pvc_name = ocp.persistentvolumeclaim
         LEFT JOIN latest_vm_pod_labels AS vm_labels ON map.vm_name = vm_labels.vm_name
        WHERE usage_start::date = (SELECT day FROM second_to_last_day)
          AND ocp.persistentvolumeclaim IS NOT NULL AND map.pvc_name IS NOT NULL
        ORDER BY persistentvolumeclaim, usage_start DESC, map.vm_name, ocp.namespace, ocp.volume_labels::text
     )
     INSERT INTO ${vm} (id, pod_labels, cluster_alias, cluster_id, namespace, node, vm_name, cost_model_cpu_cost,
       cost_model_memory_cost, cost_model_rate_type, cost_model_volume_cost, cost_model_gpu_cost, distributed_cost,
       infrastructure_markup_cost, infrastructure_raw_cost, raw_currency, resource_ids, usage_start, usage_end,
       cost_category_id, source_uuid, persistentvolumeclaim, persistentvolumeclaim_capacity_gigabyte_months,
       persistentvolumeclaim_usage_gigabyte_months, storageclass)
     SELECT gen_random_uuid(), storage.combined_labels, cluster_alias, cluster_id, namespace, max(ocp.node),
            storage.vm_name, sum(cost_model_cpu_cost), sum(cost_model_memory_cost), cost_model_rate_type,
            sum(cost_model_volume_cost), sum(cost_model_gpu_cost), sum(distributed_cost),
            sum(infrastructure_markup_cost), sum(infrastructure_raw_cost), max(raw_currency),
            array_agg(DISTINCT resource_id), min(usage_start), max(usage_start), max(cost_category_id), $3::uuid,
            max(ocp.persistentvolumeclaim), max(ocp.persistentvolumeclaim_capacity_gigabyte_months),
            max(ocp.persistentvolumeclaim_usage_gigabyte_months), max(ocp.storageclass)
       FROM ${summary} AS ocp
       JOIN latest_storage_data AS storage ON storage.persistentvolumeclaim = ocp.persistentvolumeclaim
      WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid
        AND data_source = 'Storage' AND ocp.node IS NOT NULL AND ocp.resource_id IS NOT NULL
        AND ocp.persistentvolumeclaim IS NOT NULL AND ${unallocated}
      GROUP BY storage.combined_labels, cluster_alias, cluster_id, namespace, storage.vm_name,
               cost_model_rate_type, ocp.persistentvolumeclaim`,
    args,
  );
  return { deleted: deleted.rowCount ?? 0, inserted: (compute.rowCount ?? 0) + (storage.rowCount ?? 0) };
}
