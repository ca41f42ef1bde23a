/**
 * Markup and distribution from Koku's cost-model tables of the tenant schema (`cost_model`, `cost_model_map`),
 * read as Koku's SummarySqlMetadata.build_cost_model_params reads them for F2 (summary_sql_metadata.py, through
 * CostModelDBAccessor, Koku 768be825):
 * - a source's cost model is `CostModel.objects.filter(costmodelmap__provider_uuid=…).first()`: the mapped cost
 *   model first by name (the model's ordering);
 * - markup = the AWS source's `markup` JSON `value` / 100 (a percent; `{}` or no value → 0);
 * - distribution = the OCP source's `distribution_info` JSON `distribution_type` (absent → cpu). Koku's F2 takes
 *   anything but `cpu` as memory; a value other than cpu/memory is refused here instead (Koku's API never stores one).
 * A source without a mapped cost model, or a schema without the tables, gives null (the caller's default applies).
 */
import type pg from "pg";
import { qualifiedName, relationExists } from "../../sink/sql.js";
import type { Distribution } from "../model.js";

export interface CostModelRef {
  uuid: string;
  name: string;
}

export interface CostModelSettings {
  /** null: no cost model mapped to the AWS source. */
  markup: { value: number; costModel: CostModelRef } | null;
  /** null: no cost model mapped to the OCP source. */
  distribution: { value: Distribution; costModel: CostModelRef } | null;
}

export class CostModelError extends Error {}

interface CostModelRow {
  uuid: string;
  name: string;
  markup: unknown;
  distribution_info: unknown;
}

/** null when the schema lacks cost_model or cost_model_map. */
export async function readCostModelSettings(
  client: pg.ClientBase,
  schema: string,
  sources: { awsSourceUuid: string; ocpSourceUuid: string },
): Promise<CostModelSettings | null> {
  for (const table of ["cost_model", "cost_model_map"]) {
    if (!(await relationExists(client, schema, table))) return null;
  }
  const costModelOf = async (providerUuid: string): Promise<CostModelRow | null> => {
    const found = await client.query<CostModelRow>(
      `SELECT cm.uuid::text AS uuid, cm.name, cm.markup, cm.distribution_info
         FROM ${qualifiedName(schema, "cost_model")} cm
         JOIN ${qualifiedName(schema, "cost_model_map")} map ON map.cost_model_id = cm.uuid
        WHERE map.provider_uuid::text = $1
        ORDER BY cm.name, cm.uuid
        LIMIT 1`,
      [providerUuid],
    );
    return found.rows[0] ?? null;
  };
  const aws = await costModelOf(sources.awsSourceUuid);
  const ocp = await costModelOf(sources.ocpSourceUuid);
  return {
    markup: aws && { value: markupFraction(aws, schema), costModel: { uuid: aws.uuid, name: aws.name } },
    distribution: ocp && {
      value: distributionType(ocp, schema),
      costModel: { uuid: ocp.uuid, name: ocp.name },
    },
  };
}

const where = (row: CostModelRow, schema: string, field: string) =>
  `${schema}.cost_model ${row.uuid} ("${row.name}"), ${field}`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Decimal(markup.get("value", 0)) / 100. Koku's API stores the value as decimal text ("10.0000000000") and allows a
 * negative percent (a discount); a JSON number is read too.
 */
function markupFraction(row: CostModelRow, schema: string): number {
  if (row.markup === null || (isObject(row.markup) && !("value" in row.markup))) return 0;
  const value = isObject(row.markup) ? row.markup.value : undefined;
  const percent =
    typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  if ((typeof value === "string" && value.trim() === "") || !Number.isFinite(percent)) {
    throw new CostModelError(
      `${where(row, schema, "markup")}: expected {"value": <percent>, "unit": "percent"}, got ${JSON.stringify(row.markup)}`,
    );
  }
  return percent / 100;
}

function distributionType(row: CostModelRow, schema: string): Distribution {
  const info = row.distribution_info;
  if (info === null || (isObject(info) && !("distribution_type" in info))) return "cpu";
  const type = isObject(info) ? info.distribution_type : undefined;
  if (type === "cpu" || type === "memory") return type;
  throw new CostModelError(
    `${where(row, schema, "distribution_info")}: expected distribution_type "cpu" or "memory", got ${JSON.stringify(info)}`,
  );
}
