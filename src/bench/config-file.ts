/**
 * The YAML config a bench child runs with: the dataset's run parameters and reference data (enabled tag
 * keys, cost categories, node roles) from its params.json, so the child does exactly what a user's
 * `aggregate --config` run would do.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { PreparedDataset } from "./datasets.js";

export function benchConfigYaml(dataset: PreparedDataset): string {
  const { run, reference } = dataset.params;
  const config = {
    input: dataset.dir,
    run: {
      source_uuid: run.sourceUuid,
      year: run.year,
      month: run.month,
      start_date: run.startDate,
      end_date: run.endDate,
      cluster_id: run.clusterId,
      cluster_alias: run.clusterAlias,
      report_period_id: run.reportPeriodId,
      org_id: run.orgId,
      koku_sql: run.kokuSql,
    },
    reference: {
      enabled_tag_keys: reference.enabledTagKeys,
      cost_categories: reference.costCategories,
      // null (absent) lets the engine derive node roles from the data, as the dataset intends
      ...(reference.nodeRoles === null ? {} : { node_roles: reference.nodeRoles }),
    },
  };
  return `# written by ocp-aggregator bench for dataset ${dataset.id}\n${stringify(config)}`;
}

/** Writes `<dir>/<dataset id>.yaml` and returns its path. */
export function writeBenchConfig(dir: string, dataset: PreparedDataset): string {
  const path = join(dir, `${dataset.id}.yaml`);
  writeFileSync(path, benchConfigYaml(dataset));
  return path;
}
