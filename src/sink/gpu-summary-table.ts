/**
 * `reporting_ocp_gpu_summary_p` (Koku reporting/provider/ocp/models.py OCPGpuSummaryP): the run's range of the
 * source replaced by the usage rows. Koku's UI-summary loop deletes the range first
 * (sql/openshift/ui_summary/reporting_ocp_gpu_summary_p.sql) whether or not GPU data exists; so do we.
 */
import type pg from "pg";
import { GPU_SUMMARY_COLUMNS, type GpuSummaryRow } from "../engine/gpu-summary.js";
import { copyRecords, type RecordColumn } from "./record-copy.js";
import { qualifiedName } from "./sql.js";
import { ensureUiTable, type UiTableDefinition } from "./ui-partitioned-table.js";

export const GPU_SUMMARY_TABLE = "reporting_ocp_gpu_summary_p";

const NUMERIC = "numeric(33,15)";

export const GPU_SUMMARY_DEFINITION: UiTableDefinition = {
  name: GPU_SUMMARY_TABLE,
  columns: [
    ["id", "uuid NOT NULL"],
    ["cluster_id", "text NOT NULL"],
    ["cluster_alias", "text"],
    ["namespace", "varchar(253)"],
    ["node", "varchar(253)"],
    ["usage_start", "date NOT NULL"],
    ["usage_end", "date NOT NULL"],
    ["vendor_name", "varchar(128)"],
    ["model_name", "varchar(128)"],
    ["memory_capacity_gb", NUMERIC],
    ["gpu_count", "integer"],
    ["mig_instance_id", "varchar(128)"],
    ["gpu_uuid", "varchar(128)"],
    ["gpu_mode", "varchar(32)"],
    ["mig_profile", "varchar(64)"],
    ["mig_slice_count", "integer"],
    ["mig_memory_capacity_gb", NUMERIC],
    ["mig_strategy", "varchar(10)"],
    ["gpu_max_slices", "integer"],
    ["cost_model_gpu_cost", NUMERIC],
    ["source_uuid", "uuid"],
    ["cost_category_id", "integer"],
    ["raw_currency", "text"],
    ["cost_model_cpu_cost", NUMERIC],
    ["cost_model_memory_cost", NUMERIC],
    ["cost_model_volume_cost", NUMERIC],
    ["cost_model_rate_type", "text"],
  ],
  indexes: [
    ["ocpgpusumm_usage_start", "usage_start", "btree"],
    ["ocpgpusumm_cluster_idx", "cluster_id", "btree"],
    ["ocpgpusumm_namespace_idx", "namespace", "btree"],
    ["ocpgpusumm_node_idx", "node", "btree"],
    ["ocpgpusumm_vendor_idx", "vendor_name", "btree"],
    ["ocpgpusumm_model_idx", "model_name", "btree"],
    ["ocpgpusumm_mig_profile_idx", "mig_profile", "btree"],
  ],
};

const NUMBER_COLUMNS = new Set([
  "memory_capacity_gb",
  "gpu_count",
  "mig_slice_count",
  "gpu_max_slices",
  "mig_memory_capacity_gb",
  "cost_category_id",
]);
const COLUMNS: RecordColumn[] = GPU_SUMMARY_COLUMNS.map((name) => ({
  name,
  kind: NUMBER_COLUMNS.has(name) ? "number" : "text",
}));

export interface UiRange {
  schema: string;
  sourceUuid: string;
  startDate: string;
  endDate: string;
}

/** Deletes the source's rows of the range and COPYs `rows`; inside the caller's transaction. */
export async function writeGpuSummaryRows(
  client: pg.ClientBase,
  range: UiRange,
  rows: GpuSummaryRow[],
): Promise<{ deleted: number; inserted: number }> {
  await ensureUiTable(client, range.schema, GPU_SUMMARY_DEFINITION, range.startDate, range.endDate);
  const table = qualifiedName(range.schema, GPU_SUMMARY_TABLE);
  const deleted = await client.query(
    `DELETE FROM ${table} WHERE usage_start >= $1::date AND usage_start <= $2::date AND source_uuid = $3::uuid`,
    [range.startDate, range.endDate, range.sourceUuid],
  );
  const inserted = rows.length === 0 ? 0 : await copyRecords(client, table, "id", COLUMNS, rows);
  return { deleted: deleted.rowCount ?? 0, inserted };
}
