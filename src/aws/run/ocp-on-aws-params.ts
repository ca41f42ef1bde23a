/**
 * The OCP-on-AWS run parameters from a loaded config (YAML < env < options): the OCP source, cluster, report
 * period and days are the `run.*` keys, the AWS side the `ocp_on_aws.*` keys. Missing or inconsistent values are
 * usage errors naming the key and its option.
 */
import { ConfigError, type ConfigIssue, UsageError } from "../../config/index.js";
import type { AppConfig } from "../../config/schema.js";
import type { OcpOnAwsParams } from "../model.js";

export interface SharedOcpSource {
  sourceUuid: string;
  clusterId: string;
  clusterAlias: string | null;
}

/** `UUID=CLUSTER_ID[:ALIAS]` → a shared OCP source. */
export function sharedSourceFrom(text: string): SharedOcpSource {
  const match = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(text.trim());
  if (!match) throw new UsageError(`--shared-ocp-source must be UUID=CLUSTER_ID[:ALIAS], got ${text}`);
  return { sourceUuid: match[1], clusterId: match[2], clusterAlias: match[3] ?? null };
}

export function resolveOcpOnAwsParams(config: AppConfig): OcpOnAwsParams {
  const { run, ocpOnAws } = config;
  const issues: ConfigIssue[] = [];
  const need = (value: unknown, key: string, hint: string) => {
    if (value === undefined || value === null || value === "")
      issues.push({ key, message: `required (${hint})` });
  };
  need(ocpOnAws.awsSourceUuid, "ocp_on_aws.aws_source_uuid", "--source-uuid");
  need(run.sourceUuid, "run.source_uuid", "--ocp-source-uuid");
  need(run.year, "run.year", "--year");
  need(run.month, "run.month", "--month");
  need(run.clusterId, "run.cluster_id", "--cluster-id");
  need(ocpOnAws.billId, "ocp_on_aws.bill_id", "--bill-id");
  need(run.reportPeriodId, "run.report_period_id", "--report-period-id");
  if (issues.length > 0) throw new ConfigError(issues);
  const year = run.year as number;
  const month = run.month as number;
  const mm = String(month).padStart(2, "0");
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const startDate = run.startDate ?? `${year}-${mm}-01`;
  const endDate = run.endDate ?? `${year}-${mm}-${String(last).padStart(2, "0")}`;
  for (const [date, option] of [
    [startDate, "--start-date"],
    [endDate, "--end-date"],
  ] as const) {
    if (!date.startsWith(`${year}-${mm}-`))
      throw new UsageError(`${option} ${date} is not a day of ${year}-${mm}`);
  }
  if (startDate > endDate) throw new UsageError(`--start-date ${startDate} is after --end-date ${endDate}`);
  return {
    awsSourceUuid: ocpOnAws.awsSourceUuid as string,
    ocpSourceUuid: run.sourceUuid as string,
    year,
    month,
    startDate,
    endDate,
    clusterId: run.clusterId as string,
    clusterAlias: run.clusterAlias ?? null,
    billId: ocpOnAws.billId as number,
    reportPeriodId: run.reportPeriodId as number,
    markup: ocpOnAws.markup,
    distribution: ocpOnAws.distribution,
  };
}
