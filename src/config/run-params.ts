/**
 * From a loaded config to the RunParams the pipeline needs: checks the keys a run cannot do without
 * and fills the day range with the whole month (spec §1).
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

/** The PostgreSQL schema to write to: database.schema, else the org id (spec §1), else `public`. */
export function resolveDatabaseSchema(config: AppConfig): string {
  return config.database.schema ?? config.run.orgId ?? "public";
}
