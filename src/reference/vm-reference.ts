/**
 * Independent DuckDB rendering of Koku's VM step (ocp-inventory-gpu-vm.md §4), statement by statement, run on
 * the same Parquet files as the engine and on the reference's own daily summary rows (duckdb-reference.ts). It
 * shares nothing with src/engine, src/sink or src/parquet. Koku 768be825, paths under koku/masu/database/:
 *   sql/openshift/create_virtualization_tmp_table.sql                         → CREATE TABLE tmp_virt
 *   trino_sql|self_hosted_sql/openshift/populate_vm_tmp_table_with_vm_report.sql → VM_REPORT_SELECT
 *   trino_sql|self_hosted_sql/openshift/populate_vm_tmp_table.sql                → podFallbackInsert
 *   sql/openshift/ui_summary/reporting_ocp_vm_summary_p.sql (PostgreSQL, both) → delete, compute,
 *     platform distribution and storage statements (sql/vm.ts)
 *   ocp_report_db_accessor.py _populate_virtualization_ui_summary_table      → which file, when
 *   masu/util/common.py date_range_pair (TRINO_DATE_STEP 5)                  → the chunks the loop runs in
 * SQL paraphrased from Koku (Apache-2.0, Red Hat) for DuckDB. Translation notes:
 * - The Parquet files given are the run's (source, year, month) partition, so the `source = …`, `year = …`,
 *   `month = …` conditions on the Hive tables are implied by the file list.
 * - PostgreSQL jsonb: `j ? 'k'` → json_exists(j, '$."k"'); `j->>'k'` → json_extract_string (a JSON null gives
 *   SQL NULL in both); `jsonb_concat(a, b)` → json_merge_patch(a, b): equal for label objects, whose values
 *   are strings (merge-patch would recurse into nested objects and drop null values; jsonb_concat does not).
 * - The two populate_vm_tmp_table.sql renderings differ only in how the VM name is read from label text
 *   (sql/vm.ts vmNameMacro, docs/spec-notes.md V7); the vm-report files are the same query in both.
 * - Ties Koku leaves to the database (ROW_NUMBER / DISTINCT ON ordered by usage_start only, on one day) are
 *   broken by the same columns the engine uses (spec-notes V3, V5), so both sides are deterministic.
 * - `array_agg(DISTINCT resource_id)` → `list(DISTINCT … ORDER BY …)` (PostgreSQL's sorted DISTINCT; NULLs kept).
 */
import { type DuckDBConnection, DuckDBInstance, VARCHAR } from "@duckdb/node-api";
import type { KokuSqlFlavor, SummaryRow } from "../model.js";
import { rows, sqlText, view } from "./duckdb-views.js";
import type { ReferenceFiles } from "./load-inputs.js";
import {
  POD_CLAIMS_SELECT,
  podFallbackInsert,
  VM_REPORT_SELECT,
  VM_SUMMARY_DDL,
  vmNameMacro,
  vmSummaryStatements,
} from "./sql/vm.js";

export interface VmReferenceInput {
  /** Local Parquet paths of the run's partition (vmReferenceFiles picks the trees Koku's queries read). */
  files: { pod_usage: string[]; storage_usage: string[]; vm_usage: string[] };
  /** The daily summary rows of the run, as Koku's summary step leaves them (the reference's own). */
  summary: readonly SummaryRow[];
  sourceUuid: string;
  startDate: string;
  endDate: string;
  flavor: KokuSqlFlavor;
}

export interface VmSummaryReferenceRow {
  usage_start: string;
  usage_end: string;
  cluster_id: string | null;
  cluster_alias: string | null;
  namespace: string | null;
  node: string | null;
  vm_name: string | null;
  persistentvolumeclaim: string | null;
  storageclass: string | null;
  /** JSON text. */
  pod_labels: string | null;
  resource_ids: (string | null)[] | null;
  pod_request_cpu_core_hours: number | null;
  pod_request_memory_gigabyte_hours: number | null;
  persistentvolumeclaim_capacity_gigabyte_months: number | null;
  persistentvolumeclaim_usage_gigabyte_months: number | null;
  cost_model_rate_type: string | null;
  cost_model_cpu_cost: number | null;
  cost_model_memory_cost: number | null;
  cost_model_volume_cost: number | null;
  cost_model_gpu_cost: number | null;
  distributed_cost: number | null;
  infrastructure_raw_cost: number | null;
  infrastructure_markup_cost: number | null;
  raw_currency: string | null;
  cost_category_id: number | null;
  source_uuid: string;
}

export interface VmReferenceResult {
  /** Koku skips the whole step (no delete either) without daily pod or storage data. */
  skipped: boolean;
  /** Which populate_vm_tmp_table file Koku's accessor picks. */
  tmpSource: "vm-report" | "pods";
  /** vm report: the temporary table (the date range plays no part, so it is the same in every chunk). */
  vmReport: {
    vm_name: string | null;
    node: string | null;
    pvc_name: string | null;
    cpu_request: number | null;
    mem_request: number | null;
  }[];
  /** pod fallback: the (claim, VM) pairs of the line items (its `pvc` subquery, the same in every chunk). */
  podClaims: { vm_name: string; pvc_name: string }[];
  rows: VmSummaryReferenceRow[];
}

/** Koku's date_range_pair(start, end, step): consecutive [from, to] day pairs covering the range. */
export function kokuDateRangePairs(startDate: string, endDate: string, step = 5): [string, string][] {
  const DAY = 86_400_000;
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const end = Date.parse(`${endDate}T00:00:00Z`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const dates: number[] = []; // rrule(DAILY, dtstart=start, until=end, interval=step)
  for (let d = start; d <= end; d += step * DAY) dates.push(d);
  if (dates.length === 1) return [[startDate, endDate]];
  const pairs: [string, string][] = [];
  let from = start;
  for (const d of dates) {
    if (d === from && d !== end) continue;
    pairs.push([day(from), day(d)]);
    from = d + DAY;
  }
  if (!dates.includes(end)) pairs.push([day(from), day(end)]);
  return pairs;
}

/** Summary columns the VM statements read; the cost columns are those Koku's cost model fills (NULL here). */
const SUMMARY_NUMBERS = [
  "pod_request_cpu_core_hours",
  "pod_request_memory_gigabyte_hours",
  "pod_effective_usage_cpu_core_hours",
  "pod_effective_usage_memory_gigabyte_hours",
  "persistentvolumeclaim_capacity_gigabyte_months",
  "persistentvolumeclaim_usage_gigabyte_months",
] as const;
const SUMMARY_TEXTS = [
  "cluster_id",
  "cluster_alias",
  "data_source",
  "namespace",
  "node",
  "resource_id",
  "persistentvolumeclaim",
  "storageclass",
  "source_uuid",
] as const;
const COST_COLUMNS = `CAST(NULL AS DOUBLE) AS cost_model_cpu_cost, CAST(NULL AS DOUBLE) AS cost_model_memory_cost,
  CAST(NULL AS DOUBLE) AS cost_model_volume_cost, CAST(NULL AS DOUBLE) AS cost_model_gpu_cost,
  CAST(NULL AS DOUBLE) AS distributed_cost, CAST(NULL AS DOUBLE) AS infrastructure_raw_cost,
  CAST(NULL AS DOUBLE) AS infrastructure_markup_cost, CAST(NULL AS VARCHAR) AS raw_currency,
  CAST(NULL AS VARCHAR) AS cost_model_rate_type`;

/** reporting_ocpusagelineitem_daily_summary from the reference's rows (one JSON parameter, no row loop). */
async function loadSummary(con: DuckDBConnection, summary: readonly SummaryRow[]): Promise<void> {
  const structure: Record<string, string> = { usage_start: "VARCHAR", cost_category_id: "INTEGER" };
  for (const c of SUMMARY_NUMBERS) structure[c] = "DOUBLE";
  for (const c of [...SUMMARY_TEXTS, "pod_labels", "volume_labels", "all_labels"]) structure[c] = "VARCHAR";
  const statement = await con.prepare(
    `CREATE TABLE reporting_ocpusagelineitem_daily_summary AS
     SELECT CAST(r.usage_start AS DATE) AS usage_start, ${SUMMARY_TEXTS.map((c) => `r.${c}`).join(", ")},
            ${SUMMARY_NUMBERS.map((c) => `r.${c}`).join(", ")}, r.cost_category_id,
            CAST(r.pod_labels AS JSON) AS pod_labels, CAST(r.volume_labels AS JSON) AS volume_labels,
            CAST(r.all_labels AS JSON) AS all_labels, ${COST_COLUMNS}
       FROM (SELECT unnest(from_json($rows, ${sqlText(JSON.stringify([structure]))})) AS r)`,
  );
  statement.bind({ rows: JSON.stringify(summary) }, { rows: VARCHAR });
  await statement.run();
}

const RESULT_SELECT = `SELECT strftime(usage_start, '%Y-%m-%d') AS usage_start, strftime(usage_end, '%Y-%m-%d') AS usage_end,
    cluster_id, cluster_alias, namespace, node, vm_name, persistentvolumeclaim, storageclass,
    CAST(pod_labels AS VARCHAR) AS pod_labels, resource_ids, pod_request_cpu_core_hours,
    pod_request_memory_gigabyte_hours, persistentvolumeclaim_capacity_gigabyte_months,
    persistentvolumeclaim_usage_gigabyte_months, cost_model_rate_type, cost_model_cpu_cost, cost_model_memory_cost,
    cost_model_volume_cost, cost_model_gpu_cost, distributed_cost, infrastructure_raw_cost, infrastructure_markup_cost,
    raw_currency, cost_category_id, source_uuid
  FROM reporting_ocp_vm_summary_p ORDER BY usage_start, vm_name, persistentvolumeclaim NULLS FIRST, namespace`;

export async function runVmReference(input: VmReferenceInput): Promise<VmReferenceResult> {
  const tmpSource = input.files.vm_usage.length > 0 ? "vm-report" : "pods";
  const result: VmReferenceResult = { skipped: false, tmpSource, vmReport: [], podClaims: [], rows: [] };
  // _populate_virtualization_ui_summary_table returns early without the daily pod and storage tables.
  if (input.files.pod_usage.length === 0 || input.files.storage_usage.length === 0) {
    return { ...result, skipped: true };
  }
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    await con.run(vmNameMacro(input.flavor));
    const T = "TIMESTAMP";
    await view(con, "pod_daily", input.files.pod_usage, { pod: "VARCHAR", pod_labels: "VARCHAR" });
    await view(con, "storage_daily", input.files.storage_usage, {
      pod: "VARCHAR",
      persistentvolumeclaim: "VARCHAR",
    });
    await view(con, "vm_hourly", input.files.vm_usage, {
      interval_start: T,
      vm_name: "VARCHAR",
      node: "VARCHAR",
      vm_cpu_request_cores: "DOUBLE",
      vm_memory_request_bytes: "DOUBLE",
      vm_persistentvolumeclaim_name: "VARCHAR",
    });
    await loadSummary(con, input.summary);
    await con.run(VM_SUMMARY_DDL);
    await con.run("CREATE TABLE cost_model (uuid UUID, distribution VARCHAR)");
    await con.run("CREATE TABLE cost_model_map (cost_model_id UUID, provider_uuid VARCHAR)");
    const source = sqlText(input.sourceUuid);
    if (tmpSource === "vm-report") {
      result.vmReport = (await rows(
        con,
        `${VM_REPORT_SELECT} ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST`,
      )) as VmReferenceResult["vmReport"];
    } else {
      result.podClaims = (await rows(
        con,
        `SELECT vm_name, pvc_name FROM (${POD_CLAIMS_SELECT}) ORDER BY vm_name, pvc_name`,
      )) as VmReferenceResult["podClaims"];
    }
    for (const [from, to] of kokuDateRangePairs(input.startDate, input.endDate)) {
      const start = sqlText(from);
      const end = sqlText(to);
      await con.run(
        "CREATE TABLE tmp_virt (vm_name VARCHAR, node VARCHAR, pvc_name VARCHAR, cpu_request DOUBLE, mem_request DOUBLE)",
      );
      await con.run(
        tmpSource === "vm-report"
          ? `INSERT INTO tmp_virt (vm_name, node, pvc_name, cpu_request, mem_request) ${VM_REPORT_SELECT}`
          : podFallbackInsert(start, end, source),
      );
      for (const statement of vmSummaryStatements(start, end, source)) await con.run(statement);
      await con.run("DROP TABLE tmp_virt");
    }
    result.rows = (await rows(con, RESULT_SELECT)) as unknown as VmSummaryReferenceRow[];
    return result;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/**
 * The files Koku's VM queries read: the daily pod and storage tables, the hourly vm_usage table; Koku picks the
 * vm report when the source has daily vm_usage partitions. As in the engine's documented choices (spec-notes I7,
 * V1), a type without files in its own tree is read from the other one, and any vm_usage file of the run's month
 * selects the vm report.
 */
export function vmReferenceFiles(files: ReferenceFiles): VmReferenceInput["files"] {
  const either = (lists: { hourly: string[]; daily: string[] } | undefined, prefer: "hourly" | "daily") => {
    if (!lists) return [];
    const other = prefer === "daily" ? "hourly" : "daily";
    return lists[prefer].length > 0 ? lists[prefer] : lists[other];
  };
  return {
    pod_usage: either(files.pod_usage, "daily"),
    storage_usage: either(files.storage_usage, "daily"),
    vm_usage: either(files.vm_usage, "hourly"),
  };
}
