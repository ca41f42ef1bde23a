/**
 * The independent reference of the OCP-on-AWS step: Koku's SQL rendered for DuckDB (sql.ts), run on the CUR and
 * OCP Parquet files with DuckDB's own reader, per Koku chunk of days, plus the back-populate. The OCP summary rows
 * it joins to are given (tests take them from the OCP DuckDB reference); their CSI handles are joined here from
 * the storage files. Shares no logic with src/aws/engine.
 */
import { DOUBLE, type DuckDBConnection, DuckDBInstance, INTEGER, VARCHAR } from "@duckdb/node-api";
import type { SummaryRow } from "../../model.js";
import { matchedTagString } from "../engine/json-text.js";
import { type OcpOnAwsParams, PROJECT_COLUMNS, type ProjectRow } from "../model.js";
import {
  BACK_POPULATE_SQL,
  F1_SQL,
  F2_DISK_SQL,
  F2_TEMP_SQL,
  F3_SQL,
  f2SplitSql,
  GENERIC_MATCHED_TAGS_SQL,
  MACROS_SQL,
  SPECIAL_TAG_VALUES_SQL,
} from "./sql.js";

export interface AwsReferenceInput {
  files: { awsDaily: string[]; awsHourly: string[]; podUsage: string[]; storageUsage: string[] };
  /** Storage files of every OCP source in ocpSummary (their CSI handles), this one included. */
  storageBySource: Record<string, string[]>;
  params: OcpOnAwsParams;
  awsEnabledKeys: string[];
  ocpEnabledKeys: string[];
  accountAliases: { id: number; account_id: string }[];
  /** OCP summary rows of every OCP source (source_uuid tells them apart). */
  ocpSummary: SummaryRow[];
  /** What Koku's PostgreSQL tag-summary lookup returned (`"key": "value"`); when non-empty Koku skips discovery. */
  storedMatchedTags?: readonly string[];
}

export interface AwsReferenceResult {
  rows: ProjectRow[];
  /** What the back-populate inserts into the OCP summary (a subset of its columns). */
  backPopulated: Record<string, unknown>[];
}

type Param = { value: string | number | null; type: typeof VARCHAR | typeof INTEGER | typeof DOUBLE };

async function runBound(con: DuckDBConnection, sql: string, params: Record<string, Param>, read = false) {
  const statement = await con.prepare(sql);
  const values: Record<string, string | number | null> = {};
  const types: Record<string, Param["type"]> = {};
  for (let i = 1; i <= statement.parameterCount; i++) {
    const name = statement.parameterName(i);
    const p = params[name];
    if (!p) throw new Error(`reference SQL uses unknown parameter $${name}`);
    values[name] = p.value;
    types[name] = p.type;
  }
  statement.bind(values, types);
  if (read) return (await statement.runAndReadAll()).getRowObjectsJS() as Record<string, unknown>[];
  await statement.run();
  return [];
}

const list = (paths: string[]) => `[${paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(", ")}]`;

async function loadParquet(
  con: DuckDBConnection,
  table: string,
  paths: string[],
  columns: string[],
  empty: string,
) {
  if (paths.length === 0) {
    await con.run(`CREATE TABLE ${table} AS SELECT * FROM (${empty}) WHERE false`);
    return;
  }
  const described = await con.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${list(paths)}, union_by_name = true)`,
  );
  const present = new Set(described.getRowObjectsJS().map((r) => String(r.column_name)));
  const select = columns.map((c) => (present.has(c) ? c : `CAST(NULL AS VARCHAR) AS ${c}`)).join(", ");
  await con.run(
    `CREATE TABLE ${table} AS SELECT ${select} FROM read_parquet(${list(paths)}, union_by_name = true)`,
  );
}

function chunks(startDate: string, endDate: string, step = 5): [string, string][] {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  const dates: number[] = [];
  for (let d = day(startDate); d <= day(endDate); d += step) dates.push(d);
  if (dates.length === 1) return [[startDate, endDate]];
  const out: [string, string][] = [];
  let from = day(startDate);
  for (const d of dates) {
    if (d === day(startDate) && d !== day(endDate)) continue;
    out.push([iso(from), iso(d)]);
    from = d + 1;
  }
  if (!dates.includes(day(endDate))) out.push([iso(from), endDate]);
  return out;
}

async function load(con: DuckDBConnection, input: AwsReferenceInput): Promise<void> {
  await con.run("SET TimeZone = 'UTC'");
  for (const sql of MACROS_SQL) await con.run(sql);
  const dailyColumns = [
    "row_uuid",
    "lineitem_resourceid",
    "lineitem_usagestartdate",
    "bill_billingentity",
    "lineitem_productcode",
    "product_productname",
    "lineitem_usageaccountid",
    "lineitem_availabilityzone",
    "product_productfamily",
    "product_instancetype",
    "product_region",
    "pricing_unit",
    "lineitem_usagetype",
    "lineitem_operation",
    "lineitem_lineitemtype",
    "lineitem_currencycode",
    "resourcetags",
    "costcategory",
    "lineitem_usageamount",
    "lineitem_unblendedcost",
    "lineitem_blendedcost",
    "savingsplan_savingsplaneffectivecost",
  ];
  await loadParquet(con, "aws_daily", input.files.awsDaily, dailyColumns, "SELECT NULL");
  await loadParquet(
    con,
    "aws_hourly",
    input.files.awsHourly,
    ["lineitem_resourceid", "lineitem_usagestartdate", "lineitem_unblendedcost", "lineitem_unblendedrate"],
    "SELECT NULL",
  );
  await loadParquet(
    con,
    "pod_usage",
    input.files.podUsage,
    ["interval_start", "resource_id", "node", "namespace"],
    "SELECT CAST(NULL AS TIMESTAMP) AS interval_start, '' AS resource_id, '' AS node, '' AS namespace",
  );
  await loadParquet(
    con,
    "storage_usage",
    input.files.storageUsage,
    ["interval_start", "namespace", "persistentvolumeclaim", "persistentvolume", "csi_volume_handle"],
    "SELECT CAST(NULL AS TIMESTAMP) AS interval_start, '' AS namespace, '' AS persistentvolumeclaim, '' AS persistentvolume, '' AS csi_volume_handle",
  );
  await con.run("UPDATE storage_usage SET csi_volume_handle = coalesce(csi_volume_handle, '')");
  await con.run("CREATE TABLE enabled_keys (key VARCHAR, provider_type VARCHAR)");
  for (const [keys, type] of [
    [input.awsEnabledKeys, "AWS"],
    [input.ocpEnabledKeys, "OCP"],
  ] as const) {
    for (const key of new Set(keys))
      await runBound(con, "INSERT INTO enabled_keys VALUES ($k, $t)", {
        k: { value: key, type: VARCHAR },
        t: { value: type, type: VARCHAR },
      });
  }
  await con.run("CREATE TABLE account_alias (id INTEGER, account_id VARCHAR)");
  for (const a of input.accountAliases) {
    await runBound(con, "INSERT INTO account_alias VALUES ($i, $a)", {
      i: { value: a.id, type: INTEGER },
      a: { value: a.account_id, type: VARCHAR },
    });
  }
  await con.run(`CREATE TABLE ocp_rows (source VARCHAR, cluster_id VARCHAR, cluster_alias VARCHAR, data_source VARCHAR,
    usage_start DATE, namespace VARCHAR, node VARCHAR, resource_id VARCHAR, pod_labels VARCHAR, volume_labels VARCHAR,
    pod_effective_usage_cpu_core_hours DOUBLE, pod_effective_usage_memory_gigabyte_hours DOUBLE,
    node_capacity_cpu_core_hours DOUBLE, node_capacity_memory_gigabyte_hours DOUBLE, persistentvolumeclaim VARCHAR,
    persistentvolume VARCHAR, storageclass VARCHAR, persistentvolumeclaim_capacity_gigabyte DOUBLE, cost_category_id INTEGER)`);
  const appender = await con.createAppender("ocp_rows");
  for (const r of input.ocpSummary) {
    const text = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
    const num = (v: number | null) => (v === null ? appender.appendNull() : appender.appendDouble(v));
    text(r.source_uuid);
    text(r.cluster_id);
    text(r.cluster_alias);
    text(r.data_source);
    appender.appendVarchar(r.usage_start);
    text(r.namespace);
    text(r.node);
    text(r.resource_id);
    text(r.pod_labels);
    text(r.volume_labels);
    num(r.pod_effective_usage_cpu_core_hours);
    num(r.pod_effective_usage_memory_gigabyte_hours);
    num(r.node_capacity_cpu_core_hours);
    num(r.node_capacity_memory_gigabyte_hours);
    text(r.persistentvolumeclaim);
    text(r.persistentvolume);
    text(r.storageclass);
    num(r.persistentvolumeclaim_capacity_gigabyte);
    if (r.cost_category_id === null) appender.appendNull();
    else appender.appendInteger(r.cost_category_id);
    appender.endRow();
  }
  appender.closeSync();
  // The Parquet copy of the summary: pod_labels on Pod rows only, volume_labels on Storage rows only, and the
  // Storage rows' CSI volume handle (this OCP source's storage files).
  // Each source's storage rows: (day, namespace, claim, volume) → CSI handle, as the Parquet copy of the summary has it.
  await con.run(
    "CREATE TABLE csi_handles (source VARCHAR, day DATE, namespace VARCHAR, persistentvolumeclaim VARCHAR, persistentvolume VARCHAR, csi_volume_handle VARCHAR)",
  );
  for (const [source, paths] of Object.entries(input.storageBySource)) {
    if (paths.length === 0) continue;
    const described = await con.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet(${list(paths)}, union_by_name = true)`,
    );
    const hasHandle = described.getRowObjectsJS().some((r) => r.column_name === "csi_volume_handle");
    await runBound(
      con,
      `INSERT INTO csi_handles
      SELECT $source, CAST(interval_start AS DATE), namespace, persistentvolumeclaim, persistentvolume,
             max(nullif(${hasHandle ? "csi_volume_handle" : "''"}, ''))
      FROM read_parquet(${list(paths)}, union_by_name = true) GROUP BY ALL`,
      { source: { value: source, type: VARCHAR } },
    );
  }
  // The Parquet copy of the summary: pod_labels on Pod rows only, volume_labels on Storage rows only.
  await con.run(`CREATE TABLE ocp_summary AS
    SELECT o.source, o.cluster_id, o.cluster_alias, o.data_source, o.usage_start, o.namespace, o.node, o.resource_id,
      CASE WHEN o.data_source = 'Pod' THEN o.pod_labels END AS pod_labels,
      CASE WHEN o.data_source = 'Storage' THEN o.volume_labels END AS volume_labels,
      o.pod_effective_usage_cpu_core_hours, o.pod_effective_usage_memory_gigabyte_hours,
      o.node_capacity_cpu_core_hours, o.node_capacity_memory_gigabyte_hours, o.persistentvolumeclaim,
      o.persistentvolume, o.storageclass, o.persistentvolumeclaim_capacity_gigabyte, o.cost_category_id,
      CASE WHEN o.data_source = 'Storage' THEN h.csi_volume_handle END AS csi_volume_handle
    FROM ocp_rows AS o
    LEFT JOIN csi_handles AS h
      ON h.source = o.source AND h.day = o.usage_start AND h.namespace IS NOT DISTINCT FROM o.namespace
     AND h.persistentvolumeclaim IS NOT DISTINCT FROM o.persistentvolumeclaim
     AND h.persistentvolume IS NOT DISTINCT FROM o.persistentvolume`);
}

function toProjectRow(record: Record<string, unknown>): ProjectRow {
  const row = {} as Record<string, unknown>;
  for (const column of PROJECT_COLUMNS) {
    const v = record[column];
    row[column] = typeof v === "bigint" ? Number(v) : (v ?? null);
  }
  return row as unknown as ProjectRow;
}

export async function runAwsReference(input: AwsReferenceInput): Promise<AwsReferenceResult> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await load(con, input);
    const p = input.params;
    const hours = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate() * 24;
    const rows: ProjectRow[] = [];
    await con.run("CREATE TABLE matched_tag_array (matched_tag VARCHAR)");
    const both = input.awsEnabledKeys.some((k) => input.ocpEnabledKeys.includes(k));
    for (const [start, end] of chunks(p.startDate, p.endDate)) {
      const params: Record<string, Param> = {
        start_date: { value: start, type: VARCHAR },
        end_date: { value: end, type: VARCHAR },
        markup: { value: p.markup, type: DOUBLE },
        hours_in_month: { value: hours, type: DOUBLE },
        aws_source: { value: p.awsSourceUuid, type: VARCHAR },
        ocp_source: { value: p.ocpSourceUuid, type: VARCHAR },
        bill_id: { value: p.billId, type: INTEGER },
        report_period_id: { value: p.reportPeriodId, type: INTEGER },
      };
      // _get_matched_tags_strings + find_openshift_keys_expected_values (Python in Koku)
      const tags: string[] = [];
      const stored = input.storedMatchedTags ?? [];
      if (both && stored.length > 0) tags.push(...stored);
      else if (both && input.ocpEnabledKeys.length > 0) {
        for (const t of await runBound(con, GENERIC_MATCHED_TAGS_SQL, params, true)) {
          tags.push(matchedTagString(String(t.key), String(t.value)));
        }
      }
      tags.push(`"openshift_cluster": "${p.clusterId}"`);
      if (p.clusterAlias !== null) tags.push(`"openshift_cluster": "${p.clusterAlias}"`);
      for (const v of await runBound(con, SPECIAL_TAG_VALUES_SQL, params, true)) {
        tags.push(v.kind === "node" ? `"openshift_node": "${v.value}"` : `"openshift_project": "${v.value}"`);
      }
      await con.run("DELETE FROM matched_tag_array");
      for (const t of new Set(tags))
        await runBound(con, "INSERT INTO matched_tag_array VALUES ($t)", { t: { value: t, type: VARCHAR } });
      await runBound(con, F1_SQL, params);
      await runBound(con, F2_DISK_SQL, params);
      await runBound(con, F2_TEMP_SQL, params);
      await runBound(con, f2SplitSql(p.distribution), params);
      for (const r of await runBound(con, F3_SQL, params, true)) rows.push(toProjectRow(r));
    }
    await con.run(`CREATE TABLE reference_project (report_period_id INTEGER, usage_start VARCHAR, cluster_id VARCHAR,
      cluster_alias VARCHAR, namespace VARCHAR, data_source VARCHAR, node VARCHAR, persistentvolumeclaim VARCHAR,
      persistentvolume VARCHAR, storageclass VARCHAR, resource_id VARCHAR, pod_labels VARCHAR,
      calculated_amortized_cost DOUBLE, markup_cost_amortized DOUBLE, infrastructure_data_in_gigabytes DOUBLE,
      infrastructure_data_out_gigabytes DOUBLE, data_transfer_direction VARCHAR, currency_code VARCHAR, cost_category_id INTEGER)`);
    const appender = await con.createAppender("reference_project");
    for (const r of rows) {
      const text = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
      const num = (v: number | null) => (v === null ? appender.appendNull() : appender.appendDouble(v));
      appender.appendInteger(r.report_period_id);
      text(r.usage_start);
      text(r.cluster_id);
      text(r.cluster_alias);
      text(r.namespace);
      text(r.data_source);
      text(r.node);
      text(r.persistentvolumeclaim);
      text(r.persistentvolume);
      text(r.storageclass);
      text(r.resource_id);
      text(r.pod_labels);
      num(r.calculated_amortized_cost);
      num(r.markup_cost_amortized);
      num(r.infrastructure_data_in_gigabytes);
      num(r.infrastructure_data_out_gigabytes);
      text(r.data_transfer_direction);
      text(r.currency_code);
      if (r.cost_category_id === null) appender.appendNull();
      else appender.appendInteger(r.cost_category_id);
      appender.endRow();
    }
    appender.closeSync();
    const backPopulated = (await con.runAndReadAll(BACK_POPULATE_SQL)).getRowObjectsJS() as Record<
      string,
      unknown
    >[];
    return { rows, backPopulated };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
