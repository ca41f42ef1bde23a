/**
 * From a loaded config to the RunParams the pipeline needs: checks the keys a run cannot do without and
 * every value against what Koku's table accepts (so a bad one fails here, before any database is started
 * or any row deleted), and fills the day range with the whole month (spec §1).
 */
import type { RunParams } from "../model.js";
import { ConfigError, type ConfigIssue } from "./origin.js";
import type { AppConfig } from "./schema.js";

const REQUIRED_HINTS = {
  sourceUuid: ["run.source_uuid", "--source-uuid or OCP_PROVIDER_UUID"],
  year: ["run.year", "--year or OCP_YEAR"],
  month: ["run.month", "--month or OCP_MONTH"],
} as const;

export function resolveRunParams(config: AppConfig): RunParams {
  const { run } = config;
  const issues: ConfigIssue[] = [];
  for (const [field, [key, hint]] of Object.entries(REQUIRED_HINTS)) {
    if (run[field as keyof typeof REQUIRED_HINTS] === undefined) {
      issues.push({ key, message: `required, set it in the config file, with ${hint}` });
    }
  }
  if (run.sourceUuid === undefined || run.year === undefined || run.month === undefined) {
    throw new ConfigError(issues);
  }
  issues.push(...checkRunValues(config));
  if (issues.length > 0) throw new ConfigError(issues);
  const monthText = `${run.year}-${String(run.month).padStart(2, "0")}`;
  const lastDay = new Date(Date.UTC(run.year, run.month, 0)).getUTCDate();
  return {
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
    startDate: run.startDate ?? `${monthText}-01`,
    endDate: run.endDate ?? `${monthText}-${String(lastDay).padStart(2, "0")}`,
    clusterId: run.clusterId ?? null,
    clusterAlias: run.clusterAlias ?? null,
    reportPeriodId: run.reportPeriodId ?? null,
    orgId: run.orgId ?? null,
    kokuSql: run.kokuSql,
  };
}

/** Koku's source uuid as it appears in `source=<uuid>` folders and the table's uuid column. */
export const SOURCE_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Limits of Koku's columns (sink/summary-ddl.ts) and of PostgreSQL identifiers. */
const MAX_CLUSTER_ID = 50;
const MAX_CLUSTER_ALIAS = 256;
const MAX_REPORT_PERIOD_ID = 2_147_483_647; // integer column
const MAX_IDENTIFIER_BYTES = 63; // longer schema names are silently truncated by PostgreSQL

/** Values that load fine but that Koku's table or the object layout would reject (or mangle) later. */
function checkRunValues(config: AppConfig): ConfigIssue[] {
  const { run } = config;
  const issues: ConfigIssue[] = [];
  if (run.sourceUuid !== undefined && !SOURCE_UUID_PATTERN.test(run.sourceUuid)) {
    issues.push({
      key: "run.source_uuid",
      message: `expected a uuid like 7b6f505b-2ee8-5db3-865e-a9ce645da42c, got "${run.sourceUuid}"`,
    });
  }
  const tooLong = (key: string, value: string | null | undefined, max: number) => {
    if (value != null && value.length > max)
      issues.push({ key, message: `at most ${max} characters (Koku's column), got ${value.length}` });
  };
  tooLong("run.cluster_id", run.clusterId, MAX_CLUSTER_ID);
  tooLong("run.cluster_alias", run.clusterAlias, MAX_CLUSTER_ALIAS);
  if (run.reportPeriodId != null && run.reportPeriodId > MAX_REPORT_PERIOD_ID) {
    issues.push({
      key: "run.report_period_id",
      message: `at most ${MAX_REPORT_PERIOD_ID} (Koku's integer column), got ${run.reportPeriodId}`,
    });
  }
  if (run.orgId != null && /[/\\]|^\.\.?$/.test(run.orgId)) {
    issues.push({ key: "run.org_id", message: `a single folder name, got "${run.orgId}"` });
  }
  const schema = resolveDatabaseSchema(config);
  if (Buffer.byteLength(schema) > MAX_IDENTIFIER_BYTES) {
    issues.push({
      key: config.database.schema ? "database.schema" : "run.org_id",
      message: `a PostgreSQL schema name has at most ${MAX_IDENTIFIER_BYTES} bytes, got "${schema}"`,
    });
  }
  return issues;
}

/** The PostgreSQL schema to write to: database.schema, else the org id (spec §1), else `public`. */
export function resolveDatabaseSchema(config: AppConfig): string {
  return config.database.schema ?? config.run.orgId ?? "public";
}
