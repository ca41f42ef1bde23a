/**
 * Runs Koku's onprem summary SQL in a real PostgreSQL (a cross-check of the DuckDB reference's onprem
 * flavor). The line items are read with DuckDB (same loading and daily derivation as the reference),
 * copied into tables of a throw-away schema as typed arrays (parameters, never SQL text), summarised
 * there, read back, and the schema is dropped.
 */
import { randomBytes } from "node:crypto";
import { DuckDBInstance } from "@duckdb/node-api";
import type pg from "pg";
import {
  type ReferenceData,
  type ReportType,
  SUMMARY_COLUMNS,
  type SummaryRow,
} from "../../../../src/model.js";
import type { ReferenceInput } from "../../../../src/reference/duckdb-reference.js";
import { inputColumns, KOKU_TABLE } from "../../../../src/reference/input-schema.js";
import { loadInputs } from "../../../../src/reference/load-inputs.js";
import { bindRunParams } from "./bind-params.js";
import {
  DERIVE_NODE_ROLES_SQL,
  FILTER_FUNCTION_SQL,
  FINAL_SELECT_SQL,
  STAGING_SQL,
  UNALLOCATED_SQL,
} from "./onprem-sql.js";

const PG_TYPE = { TIMESTAMP: "timestamp", VARCHAR: "text", DOUBLE: "float8" } as const;

/** The tables Koku's onprem SQL reads: hourly pods (capacity) and the four daily tables. */
const TABLES: { reportType: ReportType; daily: boolean }[] = [
  { reportType: "pod_usage", daily: false },
  { reportType: "pod_usage", daily: true },
  { reportType: "storage_usage", daily: true },
  { reportType: "node_labels", daily: true },
  { reportType: "namespace_labels", daily: true },
];

/** Copies one DuckDB table into a PostgreSQL table of the same columns plus `usage_start`. */
async function copyTable(
  duck: Awaited<ReturnType<DuckDBInstance["connect"]>>,
  client: pg.ClientBase,
  reportType: ReportType,
  daily: boolean,
): Promise<void> {
  const table = daily ? `${KOKU_TABLE[reportType]}_daily` : KOKU_TABLE[reportType];
  const columns = inputColumns(reportType, daily ? "daily" : "hourly");
  const ddl = columns.map((c) => `"${c.name}" ${PG_TYPE[c.type]}`).join(", ");
  await client.query(`CREATE TABLE ${table} (${ddl}, usage_start date)`);
  // Timestamps travel as ISO text; DuckDB's table may lack derived-only columns, so select by name.
  const select = columns
    .map((c) => (c.type === "TIMESTAMP" ? `strftime("${c.name}", '%Y-%m-%d %H:%M:%S.%f')` : `"${c.name}"`))
    .join(", ");
  const rows = (await duck.runAndReadAll(`SELECT ${select} FROM ${table}`)).getRows();
  if (rows.length === 0) return;
  const arrays = columns.map((_, i) =>
    rows.map((r) => (r[i] === null ? null : typeof r[i] === "number" ? r[i] : String(r[i]))),
  );
  const unnest = columns.map((c, i) => `$${i + 1}::${PG_TYPE[c.type]}[]`).join(", ");
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  await client.query(
    `INSERT INTO ${table} (${names}, usage_start)
     SELECT *, interval_start::date FROM unnest(${unnest}) AS t(${names})`,
    arrays,
  );
}

async function loadReferenceTables(client: pg.ClientBase, reference: ReferenceData): Promise<void> {
  await client.query("CREATE TABLE reporting_enabledtagkeys (key text, enabled boolean, provider_type text)");
  await client.query(
    "INSERT INTO reporting_enabledtagkeys SELECT k, true, 'OCP' FROM unnest($1::text[]) AS k",
    [reference.enabledTagKeys],
  );
  await client.query(
    "CREATE TABLE reporting_ocp_cost_category_namespace (namespace text, cost_category_id integer)",
  );
  await client.query(
    "INSERT INTO reporting_ocp_cost_category_namespace SELECT * FROM unnest($1::text[], $2::integer[])",
    [
      reference.costCategories.map((c) => c.namespace),
      reference.costCategories.map((c) => c.cost_category_id),
    ],
  );
  await client.query("CREATE TABLE reporting_ocp_nodes (node text, resource_id text, node_role text)");
  const roles = reference.nodeRoles ?? [];
  await client.query(
    "INSERT INTO reporting_ocp_nodes SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
    [roles.map((r) => r.node), roles.map((r) => r.resource_id), roles.map((r) => r.node_role)],
  );
}

/** Computes the onprem summary rows in PostgreSQL (`input.run.kokuSql` is ignored: always onprem). */
export async function runOnpremInPostgres(
  client: pg.ClientBase,
  input: ReferenceInput,
): Promise<SummaryRow[]> {
  const schema = `ref_onprem_${randomBytes(6).toString("hex")}`;
  const instance = await DuckDBInstance.create(":memory:");
  const duck = await instance.connect();
  try {
    await duck.run("SET TimeZone = 'UTC'");
    await loadInputs(duck, input.files);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    for (const { reportType, daily } of TABLES) await copyTable(duck, client, reportType, daily);
    await loadReferenceTables(client, input.reference);
    await client.query(FILTER_FUNCTION_SQL);
    const run = async (sql: string) => {
      const bound = bindRunParams(sql, input.run);
      return client.query(bound.text, bound.values);
    };
    if (input.reference.nodeRoles === null) await run(DERIVE_NODE_ROLES_SQL);
    await run(STAGING_SQL);
    await run(UNALLOCATED_SQL);
    const result = await run(FINAL_SELECT_SQL);
    return result.rows.map((r) => {
      const row = {} as Record<string, unknown>;
      for (const column of SUMMARY_COLUMNS) row[column] = r[column] ?? null;
      return row as unknown as SummaryRow;
    });
  } finally {
    duck.closeSync();
    instance.closeSync();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.query("SET search_path TO DEFAULT").catch(() => {});
  }
}
