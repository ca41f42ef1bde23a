/**
 * The OCP-on-AWS run parameters from a loaded config (YAML < env < options): the OCP source, cluster, report
 * period and days are the `run.*` keys, the AWS side the `ocp_on_aws.*` keys. Missing or inconsistent values are
 * usage errors naming the key and its option.
 */
import { ConfigError, type ConfigIssue, UsageError } from "../../config/index.js";
import type { AppConfig } from "../../config/schema.js";
import type { Distribution, OcpOnAwsParams, OcpOnAwsRequest } from "../model.js";
import type { CostModelRef, CostModelSettings } from "../sink/cost-model-tables.js";

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

/** The run asked for by the config; markup / distribution stay null when no layer set them (cost model or default). */
export function resolveOcpOnAwsParams(config: AppConfig): OcpOnAwsRequest {
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

/** A markup or distribution value and where it came from, for the run report and log. */
export interface ChosenSetting<T> {
  value: T;
  from: string;
}

export interface ChosenCostSettings {
  params: OcpOnAwsParams;
  markup: ChosenSetting<number>;
  distribution: ChosenSetting<Distribution>;
}

/**
 * The rule (docs/spec-notes.md A10): a value given explicitly (option, environment or config file) wins; else Koku's
 * cost model of the source — the AWS source's for markup, the OCP source's for distribution — when the schema has
 * the cost-model tables and a model is mapped to the source; else Koku's default (0, cpu).
 * `costModels` null: no tables were read; `noTablesReason` says why.
 */
export function chooseCostSettings(
  request: OcpOnAwsRequest,
  costModels: CostModelSettings | null,
  noTablesReason: string,
): ChosenCostSettings {
  const fromModel = (kind: "AWS" | "OCP", ref: CostModelRef) =>
    `cost model ${ref.uuid} ("${ref.name}") of the ${kind} source`;
  const fallback = (kind: "AWS" | "OCP") =>
    `default (${costModels === null ? noTablesReason : `no cost model mapped to the ${kind} source`})`;
  const markup: ChosenSetting<number> =
    request.markup !== null
      ? { value: request.markup, from: "given (option, environment or config file)" }
      : costModels?.markup
        ? { value: costModels.markup.value, from: fromModel("AWS", costModels.markup.costModel) }
        : { value: 0, from: fallback("AWS") };
  const distribution: ChosenSetting<Distribution> =
    request.distribution !== null
      ? { value: request.distribution, from: "given (option, environment or config file)" }
      : costModels?.distribution
        ? { value: costModels.distribution.value, from: fromModel("OCP", costModels.distribution.costModel) }
        : { value: "cpu", from: fallback("OCP") };
  return {
    params: { ...request, markup: markup.value, distribution: distribution.value },
    markup,
    distribution,
  };
}
