/** Generates an OCP-on-AWS scenario and computes it with the engine (dry run) and with the DuckDB reference. */
import { join } from "node:path";
import { generateOcpOnAwsDataset, type OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import type { OcpOnAwsParams, ProjectRow } from "../../src/aws/model.js";
import {
  type AwsReferenceInput,
  type AwsReferenceResult,
  runAwsReference,
} from "../../src/aws/reference/aws-reference.js";
import { runOcpOnAwsJob } from "../../src/aws/run/ocp-on-aws-job.js";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import type { SummaryRow } from "../../src/model.js";
import type { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { listRunFiles } from "../reference/fixture-files.js";

export const quietLogger = () => createLogger({ level: "error", format: "json" });

export function configFor(ds: OcpOnAwsDataset, extra: Record<string, unknown> = {}) {
  return loadConfig({
    env: {},
    overrides: {
      input: ds.dir,
      run: { orgId: ds.orgId ?? undefined },
      reference: {
        enabledTagKeys: ds.clusters[0].reference.enabledTagKeys,
        costCategories: ds.clusters[0].reference.costCategories,
        nodeRoles: ds.clusters[0].reference.nodeRoles,
      },
      ...extra,
    } as never,
  });
}

export async function engineRows(
  ds: OcpOnAwsDataset,
  params: OcpOnAwsParams = ds.params,
): Promise<ProjectRow[]> {
  const report = await runOcpOnAwsJob(configFor(ds), {
    params,
    awsEnabledKeys: ds.aws.enabledTagKeys,
    accountAliases: ds.aws.accountAliases,
    sharedOcpSources: sharedSources(ds, params),
    logger: quietLogger(),
    dryRun: true,
  });
  return report.rows ?? [];
}

/** The dataset's other clusters, which share the AWS account with the run's one. */
export function sharedSources(ds: OcpOnAwsDataset, params: OcpOnAwsParams) {
  return ds.clusters
    .filter((c) => c.run.sourceUuid !== params.ocpSourceUuid)
    .map((c) => ({
      sourceUuid: c.run.sourceUuid,
      clusterId: c.run.clusterId ?? "",
      clusterAlias: c.run.clusterAlias,
    }));
}

function awsFiles(ds: OcpOnAwsDataset, params: OcpOnAwsParams) {
  const mm = String(params.month).padStart(2, "0");
  const org = ds.orgId ?? "org1234567";
  const part = `source=${params.awsSourceUuid}/year=${params.year}/month=${mm}`;
  const base = `${params.year}-${mm}-01_manifestid-1_basefile-aws_cur_batch-0`;
  return {
    awsHourly: [join(ds.dir, "data/parquet", org, "AWS", part, `${base}_0.parquet`)],
    awsDaily: [join(ds.dir, "data/parquet/daily", org, "AWS/raw", part, `${base}_daily_0.parquet`)],
  };
}

/** The OCP reference summary of a dataset's clusters, computed once per dataset. */
const ocpReferenceCache = new Map<string, SummaryRow[]>();

export async function referenceRows(
  ds: OcpOnAwsDataset,
  runner: ReferenceRunner,
  params: OcpOnAwsParams = ds.params,
  extra: Pick<AwsReferenceInput, "storedMatchedTags"> = {},
): Promise<AwsReferenceResult> {
  const cached = ocpReferenceCache.get(ds.dir);
  const summary: SummaryRow[] = [];
  let pod: string[] = [];
  let storage: string[] = [];
  const storageBySource: Record<string, string[]> = {};
  for (const cluster of ds.clusters) {
    const files = listRunFiles(join(ds.dir, "data/parquet"), {
      orgId: cluster.run.orgId ?? "",
      sourceUuid: cluster.run.sourceUuid,
      year: cluster.run.year,
      month: cluster.run.month,
    });
    if (!cached)
      summary.push(...(await runner.run({ files, run: cluster.run, reference: cluster.reference })));
    storageBySource[cluster.run.sourceUuid] =
      files.storage_usage.daily.length > 0 ? files.storage_usage.daily : files.storage_usage.hourly;
    if (cluster.run.sourceUuid === params.ocpSourceUuid) {
      pod = files.pod_usage.daily.length > 0 ? files.pod_usage.daily : files.pod_usage.hourly;
      storage = files.storage_usage.daily.length > 0 ? files.storage_usage.daily : files.storage_usage.hourly;
    }
  }
  if (cached) summary.push(...cached);
  else ocpReferenceCache.set(ds.dir, [...summary]);
  const main = ds.clusters.find((c) => c.run.sourceUuid === params.ocpSourceUuid) ?? ds.clusters[0];
  return runAwsReference({
    files: { ...awsFiles(ds, params), podUsage: pod, storageUsage: storage },
    storageBySource,
    params,
    awsEnabledKeys: ds.aws.enabledTagKeys,
    ocpEnabledKeys: main.reference.enabledTagKeys,
    accountAliases: ds.aws.accountAliases,
    ocpSummary: summary,
    ...extra,
  });
}

export { generateOcpOnAwsDataset };
