/**
 * Koku's `reporting_ocpawscostlineitem_project_daily_summary_p` (reporting/provider/aws/openshift/models.py,
 * OCPAWSCostLineItemProjectDailySummaryP): columns, types and indexes; RANGE-partitioned on usage_start as
 * Koku's partition manager makes it, with a default partition. Created when missing (foreign keys to Koku's
 * report period, bill, alias and cost category tables are left out: those tables are not ours to create).
 */
import type pg from "pg";
import { ensureSchema, qualifiedName, quoteIdent, relationExists } from "../../sink/sql.js";

export const PROJECT_TABLE = "reporting_ocpawscostlineitem_project_daily_summary_p";

export const PROJECT_TABLE_COLUMNS: readonly (readonly [string, string])[] = [
  ["uuid", "uuid NOT NULL"],
  ["report_period_id", "integer"],
  ["cluster_id", "varchar(50)"],
  ["cluster_alias", "varchar(256)"],
  ["data_source", "varchar(64)"],
  ["namespace", "varchar(253)"],
  ["node", "varchar(253)"],
  ["persistentvolumeclaim", "varchar(253)"],
  ["persistentvolume", "varchar(253)"],
  ["storageclass", "varchar(50)"],
  ["pod_labels", "jsonb"],
  ["resource_id", "varchar(253)"],
  ["usage_start", "date NOT NULL"],
  ["usage_end", "date NOT NULL"],
  ["cost_entry_bill_id", "integer"],
  ["product_code", "text NOT NULL"],
  ["product_family", "varchar(150)"],
  ["infrastructure_data_in_gigabytes", "numeric(33,15)"],
  ["infrastructure_data_out_gigabytes", "numeric(33,15)"],
  ["data_transfer_direction", "text"],
  ["instance_type", "varchar(50)"],
  ["usage_account_id", "varchar(50) NOT NULL"],
  ["account_alias_id", "integer"],
  ["availability_zone", "varchar(50)"],
  ["region", "varchar(50)"],
  ["unit", "varchar(63)"],
  ["usage_amount", "numeric(30,15)"],
  ["normalized_usage_amount", "double precision"],
  ["currency_code", "varchar(10)"],
  ["unblended_cost", "numeric(30,15)"],
  ["markup_cost", "numeric(30,15)"],
  ["blended_cost", "numeric(33,15)"],
  ["markup_cost_blended", "numeric(33,15)"],
  ["savingsplan_effective_cost", "numeric(33,15)"],
  ["markup_cost_savingsplan", "numeric(33,15)"],
  ["calculated_amortized_cost", "numeric(33,9)"],
  ["markup_cost_amortized", "numeric(33,9)"],
  ["tags", "jsonb"],
  ["aws_cost_category", "jsonb"],
  ["source_uuid", "uuid"],
  ["cost_category_id", "integer"],
];

/** Koku's Meta.indexes: [name, method, column, operator class]. */
const PROJECT_INDEXES: readonly (readonly [string, "btree" | "gin", string, string | null])[] = [
  ["p_cost_prj_sum_ocp_use_idx", "btree", "usage_start", null],
  ["p_cost_prj_sum_nspc_idx", "btree", "namespace", "varchar_pattern_ops"],
  ["p_cost_prj_sum_nd_idx", "btree", "node", "varchar_pattern_ops"],
  ["p_cost_prj_sum_rsrc_idx", "btree", "resource_id", null],
  ["p_cost_prj_pod_lbls_idx", "gin", "pod_labels", null],
  ["aws_cost_category_idx", "gin", "aws_cost_category", null],
  ["p_ocpaws_prj_prd_fam_idx", "btree", "product_family", null],
  ["p_ocpaws_prj_inst_typ_idx", "btree", "instance_type", null],
];

/** Creates schema, table, default partition and indexes when missing; call inside the run's transaction. */
export async function ensureProjectTableInTransaction(
  client: pg.ClientBase,
  schema: string,
): Promise<boolean> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:ddl:${schema}:${PROJECT_TABLE}`,
  ]);
  if (await relationExists(client, schema, PROJECT_TABLE)) return false;
  await ensureSchema(client, schema);
  const columns = PROJECT_TABLE_COLUMNS.map(([name, type]) => `  ${quoteIdent(name)} ${type}`);
  const key = `  CONSTRAINT ${quoteIdent(`${PROJECT_TABLE}_pkey`)} PRIMARY KEY ("usage_start", "uuid")`;
  await client.query(
    `CREATE TABLE ${qualifiedName(schema, PROJECT_TABLE)} (\n${[...columns, key].join(",\n")}\n) PARTITION BY RANGE ("usage_start")`,
  );
  await client.query(
    `CREATE TABLE ${qualifiedName(schema, `${PROJECT_TABLE}_default`)} PARTITION OF ${qualifiedName(schema, PROJECT_TABLE)} DEFAULT`,
  );
  for (const [name, method, column, opclass] of PROJECT_INDEXES) {
    const target = opclass ? `${quoteIdent(column)} ${opclass}` : quoteIdent(column);
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${qualifiedName(schema, PROJECT_TABLE)} USING ${method} (${target})`,
    );
  }
  return true;
}
