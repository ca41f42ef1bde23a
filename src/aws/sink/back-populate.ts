/**
 * Koku's back-populate of OCP-on-AWS cost into the OCP daily summary, as PostgreSQL statements run inside the
 * run's transaction (paraphrasing masu/database/sql/aws/openshift/reporting_ocpaws_ocp_infrastructure_back_populate.sql
 * and ocp_report_db_accessor.py delete_infrastructure_raw_cost_from_daily_summary):
 *  1. delete the report period's rows of the range with a non-zero infrastructure_raw_cost;
 *  2. insert one row per (day, cluster, namespace, data_source, node, PVC, resource, labels, direction) of the
 *     project table rows of the report period: amortized cost + amortized markup as raw cost, usage columns 0.
 * Beyond Koku, step 1 also removes the rows an earlier back-populate inserted with a NULL cost (EC2 joined to a
 * node's Storage rows): Koku leaves them to the next OCP summary run; here re-runs must be idempotent.
 */
import type pg from "pg";
import { SUMMARY_MEASURE_COLUMNS, type SummaryColumn } from "../../model.js";
import { qualifiedName, relationExists } from "../../sink/sql.js";
import type { SummaryTableColumn } from "../../sink/summary-ddl.js";
import { SUMMARY_TABLE } from "../../sink/summary-table.js";
import { PROJECT_TABLE } from "./project-table.js";

export interface BackPopulateOptions {
  schema: string;
  startDate: string;
  endDate: string;
  reportPeriodId: number;
  /** Used as source_uuid when Koku's reporting_ocpusagereportperiod is absent (else its provider_id). */
  ocpSourceUuid: string;
}

export async function deleteInfrastructureRows(
  client: pg.ClientBase,
  o: BackPopulateOptions,
): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${qualifiedName(o.schema, SUMMARY_TABLE)}
      WHERE usage_start >= $1::date AND usage_start <= $2::date AND report_period_id = $3
        AND ((infrastructure_raw_cost IS NOT NULL AND infrastructure_raw_cost != 0)
          OR (infrastructure_raw_cost IS NULL AND node_capacity_cpu_cores = 0
              AND persistentvolumeclaim_capacity_gigabyte = 0 AND pod_usage_cpu_core_hours = 0))`,
    [o.startDate, o.endDate, o.reportPeriodId],
  );
  return result.rowCount ?? 0;
}

/**
 * Koku's back-populate sets every usage and capacity measure of the summary to 0, except effective usage (left
 * NULL): derived from the summary's own column list, so a measure added there is covered here too.
 */
export const BACK_POPULATE_ZERO_COLUMNS: readonly SummaryColumn[] = SUMMARY_MEASURE_COLUMNS.filter(
  (c) => !c.startsWith("pod_effective_usage_"),
);

/** The statement's [summary column, value over the project rows `ocp_aws`] pairs, in Koku's column order. */
function backPopulatedValues(sourceUuid: string): [SummaryTableColumn, string][] {
  const zeros = `'{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}'::jsonb`;
  const amortized = "sum(ocp_aws.calculated_amortized_cost + ocp_aws.markup_cost_amortized)";
  const direction = (d: "IN" | "OUT") =>
    `CASE WHEN upper(ocp_aws.data_transfer_direction) = '${d}' THEN sum(ocp_aws.infrastructure_data_${d.toLowerCase()}_gigabytes) END`;
  return [
    ["uuid", "gen_random_uuid()"],
    ["report_period_id", "ocp_aws.report_period_id"],
    ["usage_start", "ocp_aws.usage_start"],
    ["usage_end", "ocp_aws.usage_start"],
    ["cluster_id", "ocp_aws.cluster_id"],
    ["cluster_alias", "ocp_aws.cluster_alias"],
    ["namespace", "ocp_aws.namespace"],
    ["data_source", "ocp_aws.data_source"],
    ["node", "ocp_aws.node"],
    ["persistentvolumeclaim", "ocp_aws.persistentvolumeclaim"],
    ["persistentvolume", "max(ocp_aws.persistentvolume)"],
    ["storageclass", "max(ocp_aws.storageclass)"],
    ["resource_id", "ocp_aws.resource_id"],
    ["pod_labels", "CASE WHEN ocp_aws.data_source = 'Pod' THEN ocp_aws.pod_labels ELSE '{}'::jsonb END"],
    [
      "volume_labels",
      "CASE WHEN ocp_aws.data_source = 'Storage' THEN ocp_aws.pod_labels ELSE '{}'::jsonb END",
    ],
    ["all_labels", "ocp_aws.pod_labels"],
    ["source_uuid", sourceUuid],
    ["infrastructure_raw_cost", amortized],
    ["infrastructure_project_raw_cost", amortized],
    ["infrastructure_usage_cost", zeros],
    ["supplementary_usage_cost", zeros],
    ["infrastructure_data_in_gigabytes", direction("IN")],
    ["infrastructure_data_out_gigabytes", direction("OUT")],
    ...BACK_POPULATE_ZERO_COLUMNS.map((c): [SummaryTableColumn, string] => [c, "0"]),
    ["raw_currency", "max(ocp_aws.currency_code)"],
    ["cost_category_id", "max(ocp_aws.cost_category_id)"],
  ];
}

export async function insertBackPopulatedRows(
  client: pg.ClientBase,
  o: BackPopulateOptions,
): Promise<number> {
  const withPeriods = await relationExists(client, o.schema, "reporting_ocpusagereportperiod");
  const sourceUuid = withPeriods ? "rp.provider_id" : "$4::uuid";
  const join = withPeriods
    ? `JOIN ${qualifiedName(o.schema, "reporting_ocpusagereportperiod")} AS rp
         ON ocp_aws.cluster_id = rp.cluster_id
        AND date_trunc('month', ocp_aws.usage_start)::date = date(rp.report_period_start)`
    : "";
  const values = backPopulatedValues(sourceUuid);
  const sql = `
    INSERT INTO ${qualifiedName(o.schema, SUMMARY_TABLE)} (${values.map(([column]) => column).join(", ")})
    SELECT ${values.map(([, value]) => value).join(",\n      ")}
    FROM ${qualifiedName(o.schema, PROJECT_TABLE)} AS ocp_aws
    ${join}
    WHERE ocp_aws.usage_start >= $1::date AND ocp_aws.usage_start <= $2::date AND ocp_aws.report_period_id = $3
    GROUP BY ocp_aws.report_period_id, ocp_aws.usage_start, ocp_aws.cluster_id, ocp_aws.cluster_alias,
      ocp_aws.namespace, ocp_aws.data_source, ocp_aws.node, ocp_aws.persistentvolumeclaim, ocp_aws.resource_id,
      ocp_aws.pod_labels, ocp_aws.data_transfer_direction, ${sourceUuid}`;
  const params: unknown[] = [o.startDate, o.endDate, o.reportPeriodId];
  if (!withPeriods) params.push(o.ocpSourceUuid);
  const result = await client.query(sql, params);
  return result.rowCount ?? 0;
}
