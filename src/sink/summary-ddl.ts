/**
 * Koku's `reporting_ocpusagelineitem_daily_summary`, column for column, as its Django model
 * `OCPUsageLineItemDailySummary` (koku/reporting/provider/ocp/models.py) and migrations 0300–0339 define it.
 * Django's types map to: CharField(n) → varchar(n), DecimalField(33,15) → numeric(33,15), JSONField → jsonb,
 * UUIDField → uuid, DateField → date, ForeignKey to an integer id → integer.
 *
 * Koku's partition manager makes the table RANGE-partitioned on usage_start with the primary key
 * (usage_start, uuid): a partitioned table's key must contain the partition column.
 */
import { qualifiedName, quoteIdent } from "./sql.js";

export const SUMMARY_TABLE = "reporting_ocpusagelineitem_daily_summary";

const NUMERIC = "numeric(33,15)";

/** [name, SQL type]; nullable unless the type says otherwise. Order follows Koku's table. */
export const SUMMARY_TABLE_COLUMNS = [
  // Koku generates uuids in Python; the default lets COPY leave the column out.
  ["uuid", "uuid NOT NULL DEFAULT gen_random_uuid()"],
  ["cluster_id", "varchar(50)"],
  ["cluster_alias", "varchar(256)"],
  ["data_source", "varchar(64)"],
  ["namespace", "varchar(253)"],
  ["node", "varchar(253)"],
  ["resource_id", "varchar(253)"],
  ["usage_start", "date NOT NULL"],
  ["usage_end", "date NOT NULL"],
  ["pod_labels", "jsonb"],
  ["pod_usage_cpu_core_hours", NUMERIC],
  ["pod_request_cpu_core_hours", NUMERIC],
  ["pod_effective_usage_cpu_core_hours", NUMERIC],
  ["pod_limit_cpu_core_hours", NUMERIC],
  ["pod_usage_memory_gigabyte_hours", NUMERIC],
  ["pod_request_memory_gigabyte_hours", NUMERIC],
  ["pod_effective_usage_memory_gigabyte_hours", NUMERIC],
  ["pod_limit_memory_gigabyte_hours", NUMERIC],
  ["node_capacity_cpu_cores", NUMERIC],
  ["node_capacity_cpu_core_hours", NUMERIC],
  ["node_capacity_memory_gigabytes", NUMERIC],
  ["node_capacity_memory_gigabyte_hours", NUMERIC],
  ["cluster_capacity_cpu_core_hours", NUMERIC],
  ["cluster_capacity_memory_gigabyte_hours", NUMERIC],
  ["persistentvolumeclaim", "varchar(253)"],
  ["persistentvolume", "varchar(253)"],
  ["storageclass", "varchar(253)"],
  ["volume_labels", "jsonb"],
  ["persistentvolumeclaim_capacity_gigabyte", NUMERIC],
  ["persistentvolumeclaim_capacity_gigabyte_months", NUMERIC],
  ["volume_request_storage_gigabyte_months", NUMERIC],
  ["persistentvolumeclaim_usage_gigabyte_months", NUMERIC],
  // Django's default=Decimal(0) lives in Python only (no database default), so these stay null here.
  ["infrastructure_raw_cost", NUMERIC],
  ["infrastructure_project_raw_cost", NUMERIC],
  ["infrastructure_usage_cost", "jsonb"],
  ["infrastructure_markup_cost", NUMERIC],
  ["infrastructure_project_markup_cost", NUMERIC],
  ["infrastructure_monthly_cost", NUMERIC],
  ["infrastructure_monthly_cost_json", "jsonb"],
  ["supplementary_usage_cost", "jsonb"],
  ["supplementary_monthly_cost", NUMERIC],
  ["supplementary_monthly_cost_json", "jsonb"],
  ["infrastructure_project_monthly_cost", "jsonb"],
  ["supplementary_project_monthly_cost", "jsonb"],
  ["cost_model_cpu_cost", NUMERIC],
  ["cost_model_memory_cost", NUMERIC],
  ["cost_model_rate_type", "text"],
  ["cost_model_volume_cost", NUMERIC],
  ["monthly_cost_type", "text"],
  ["distributed_cost", NUMERIC],
  ["raw_currency", "text"],
  ["source_uuid", "uuid"],
  // Koku: ForeignKey to reporting_ocpusagereportperiod / reporting_ocp_cost_category. Those tables are not
  // ours to create, so a table made here carries the columns without the foreign keys.
  ["report_period_id", "integer"],
  ["cost_category_id", "integer"],
  ["all_labels", "jsonb"],
  ["infrastructure_data_in_gigabytes", NUMERIC],
  ["infrastructure_data_out_gigabytes", NUMERIC],
  ["cost_model_gpu_cost", NUMERIC],
] as const satisfies readonly (readonly [string, string])[];

/** A column of Koku's daily summary table (statements naming columns are checked against it when compiled). */
export type SummaryTableColumn = (typeof SUMMARY_TABLE_COLUMNS)[number][0];

/** Koku's index names and definitions (model Meta.indexes): [name, method, column, operator class]. */
const SUMMARY_INDEXES: readonly (readonly [string, "btree" | "gin", string, string | null])[] = [
  ["summary_ocp_usage_idx", "btree", "usage_start", null],
  ["summary_namespace_idx", "btree", "namespace", "varchar_pattern_ops"],
  ["summary_node_idx", "btree", "node", "varchar_pattern_ops"],
  ["summary_data_source_idx", "btree", "data_source", null],
  ["monthly_cost_type_idx", "btree", "monthly_cost_type", null],
  ["cost_model_rate_type_idx", "btree", "cost_model_rate_type", null],
  ["all_labels_idx", "gin", "all_labels", null],
  ["pod_labels_idx", "gin", "pod_labels", null],
  ["volume_labels_idx", "gin", "volume_labels", null],
];

export function createSummaryTableSql(schema: string): string {
  const columns = SUMMARY_TABLE_COLUMNS.map(([name, type]) => `  ${quoteIdent(name)} ${type}`);
  const primaryKey = `  CONSTRAINT ${quoteIdent(`${SUMMARY_TABLE}_pk`)} PRIMARY KEY ("usage_start", "uuid")`;
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, SUMMARY_TABLE)} (\n` +
    `${[...columns, primaryKey].join(",\n")}\n) PARTITION BY RANGE ("usage_start")`
  );
}

export function createSummaryIndexesSql(schema: string): string[] {
  return SUMMARY_INDEXES.map(([name, method, column, opclass]) => {
    const target = opclass ? `${quoteIdent(column)} ${opclass}` : quoteIdent(column);
    return `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${qualifiedName(schema, SUMMARY_TABLE)} USING ${method} (${target})`;
  });
}

/** Koku's default partition name (koku/koku/database.py). */
export const DEFAULT_PARTITION = `${SUMMARY_TABLE}_default`;

/** `reporting_ocpusagelineitem_daily_summary_2025_11` */
export function monthPartitionName(year: number, month: number): string {
  return `${SUMMARY_TABLE}_${String(year).padStart(4, "0")}_${String(month).padStart(2, "0")}`;
}

/** [first day of the month, first day of the next month) as `YYYY-MM-DD`. */
export function monthBounds(year: number, month: number): { from: string; to: string } {
  if (
    !Number.isInteger(year) ||
    !Number.isInteger(month) ||
    month < 1 ||
    month > 12 ||
    year < 1 ||
    year > 9999
  ) {
    throw new Error(`invalid year/month ${year}-${month}`);
  }
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const iso = (y: number, m: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
  return { from: iso(year, month), to: iso(next.year, next.month) };
}
