/** Turns `:name` placeholders of the onprem SQL into typed `$n` parameters with their values. */
import type { RunParams } from "../../../../src/model.js";

const PARAM_TYPES = {
  source_uuid: "text",
  start_date: "date",
  end_date: "date",
  cluster_id: "text",
  cluster_alias: "text",
  report_period_id: "integer",
} as const;

type ParamName = keyof typeof PARAM_TYPES;

function paramValue(run: RunParams, name: ParamName): string | number | null {
  switch (name) {
    case "source_uuid":
      return run.sourceUuid;
    case "start_date":
      return run.startDate;
    case "end_date":
      return run.endDate;
    case "cluster_id":
      return run.clusterId;
    case "cluster_alias":
      return run.clusterAlias;
    case "report_period_id":
      return run.reportPeriodId;
  }
}

/** `:name` (not `::type`) for the known names only; each distinct name becomes one `$n`. */
export function bindRunParams(
  sql: string,
  run: RunParams,
): { text: string; values: (string | number | null)[] } {
  const order: ParamName[] = [];
  const text = sql.replace(/(?<!:):([a-z_]+)\b/g, (match, name: string) => {
    if (!(name in PARAM_TYPES)) return match;
    const key = name as ParamName;
    let index = order.indexOf(key);
    if (index < 0) index = order.push(key) - 1;
    return `$${index + 1}::${PARAM_TYPES[key]}`;
  });
  return { text, values: order.map((name) => paramValue(run, name)) };
}
