/**
 * `ocp-on-aws --verify`: the engine's project rows (a dry run of the job, reading the input as a run does: local or
 * S3) against the DuckDB rendering of Koku's SQL on the same files (S3 objects copied to a temporary folder first),
 * with the OCP summary rows it joins made by the OCP DuckDB reference. Writes nothing.
 */
import type { Logger } from "pino";
import { resolveDatabaseSchema } from "../../config/run-params.js";
import type { AppConfig } from "../../config/schema.js";
import type { InputSource, RunParams, SummaryRow } from "../../model.js";
import { REPORT_TYPES } from "../../model.js";
import { type ReferenceFiles, ReferenceRunner } from "../../reference/duckdb-reference.js";
import { openConfiguredInput } from "../../run/input.js";
import { resolveReferenceData } from "../../run/reference-data.js";
import type { OcpOnAwsRequest, ProjectRow } from "../model.js";
import { curFileLocation } from "../parquet/cur-reader.js";
import { type AwsReferenceResult, runAwsReference } from "../reference/aws-reference.js";
import { type CompareResult, compareRowSets } from "../reference/compare-project.js";
import { runOcpOnAwsJob } from "../run/ocp-on-aws-job.js";
import { listCurFiles, treeBrowserOf } from "../source/cur-layout.js";
import { LocalCopies } from "./local-copies.js";

export interface VerifyOcpOnAwsOptions {
  params: OcpOnAwsRequest;
  awsEnabledKeys: string[] | null;
  accountAliases?: { id: number; account_id: string }[];
  sharedOcpSources?: { sourceUuid: string; clusterId: string; clusterAlias: string | null }[];
  logger: Logger;
}

export interface VerifyOcpOnAwsResult {
  engine: ProjectRow[];
  reference: AwsReferenceResult;
  comparison: CompareResult;
}

async function ocpFiles(source: InputSource, copies: LocalCopies, run: RunParams): Promise<ReferenceFiles> {
  const files = Object.fromEntries(
    REPORT_TYPES.map((t) => [t, { hourly: [] as string[], daily: [] as string[] }]),
  );
  for (const f of await source.list({
    orgId: run.orgId,
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
  })) {
    files[f.reportType]?.[f.granularity].push(await copies.pathOf(f));
  }
  return files as ReferenceFiles;
}

const preferDaily = (f: { hourly: string[]; daily: string[] }) => (f.daily.length > 0 ? f.daily : f.hourly);

export async function verifyOcpOnAws(
  config: AppConfig,
  o: VerifyOcpOnAwsOptions,
): Promise<VerifyOcpOnAwsResult> {
  const engineReport = await runOcpOnAwsJob(config, { ...o, dryRun: true });
  const engine = engineReport.rows ?? [];
  const { reference } = await resolveReferenceData(null, resolveDatabaseSchema(config), config);
  const source = openConfiguredInput(config, (message) => o.logger.warn(message));
  const copies = new LocalCopies(source);
  if (source.describe().startsWith("s3://"))
    o.logger.info({ input: source.describe() }, "the DuckDB reference reads local copies of the S3 objects");
  let runner: ReferenceRunner | null = null;
  try {
    runner = await ReferenceRunner.create();
    // Markup and distribution as the engine's run chose them (given, cost model or default).
    const p = engineReport.params;
    const clusters = [
      {
        sourceUuid: p.ocpSourceUuid,
        clusterId: p.clusterId,
        clusterAlias: p.clusterAlias,
        reportPeriodId: p.reportPeriodId,
      },
      ...(o.sharedOcpSources ?? []).map((s) => ({ ...s, reportPeriodId: null })),
    ];
    const summary: SummaryRow[] = [];
    const storageBySource: Record<string, string[]> = {};
    let mainFiles: ReferenceFiles | null = null;
    for (const cluster of clusters) {
      const run: RunParams = {
        sourceUuid: cluster.sourceUuid,
        year: p.year,
        month: p.month,
        startDate: p.startDate,
        endDate: p.endDate,
        clusterId: cluster.clusterId,
        clusterAlias: cluster.clusterAlias,
        reportPeriodId: cluster.reportPeriodId,
        orgId: config.run.orgId ?? null,
        kokuSql: config.run.kokuSql,
      };
      const files = await ocpFiles(source, copies, run);
      mainFiles ??= files;
      // row by row: a month of a large cluster has more rows than a call's arguments may hold
      for (const row of await runner.run({ files, run, reference })) summary.push(row);
      storageBySource[cluster.sourceUuid] = preferDaily(files.storage_usage);
    }
    const cur = await listCurFiles(treeBrowserOf(source), source.describe(), {
      orgId: config.run.orgId ?? null,
      sourceUuid: p.awsSourceUuid,
      year: p.year,
      month: p.month,
    });
    const located = async (g: "hourly" | "daily") => {
      const paths: string[] = [];
      for (const f of cur.filter((c) => c.granularity === g)) {
        const location = curFileLocation(source, f.path);
        paths.push(await copies.pathOf({ reportType: "pod_usage", granularity: g, location, size: f.size }));
      }
      return paths;
    };
    const result = await runAwsReference({
      files: {
        awsDaily: await located("daily"),
        awsHourly: await located("hourly"),
        podUsage: preferDaily((mainFiles as ReferenceFiles).pod_usage),
        storageUsage: preferDaily((mainFiles as ReferenceFiles).storage_usage),
      },
      storageBySource,
      params: p,
      awsEnabledKeys: o.awsEnabledKeys ?? [],
      ocpEnabledKeys: reference.enabledTagKeys,
      accountAliases: o.accountAliases ?? [],
      ocpSummary: summary,
      // The engine's run read Koku's tag-summary tables when its database has them; Koku's SQL gets the same.
      storedMatchedTags: engineReport.storedMatchedTags ?? undefined,
    });
    const comparison = compareRowSets(
      engine as unknown as Record<string, unknown>[],
      result.rows as unknown as Record<string, unknown>[],
    );
    return { engine, reference: result, comparison };
  } finally {
    runner?.close();
    await source.close();
    await copies.remove();
  }
}
