/**
 * Small generated datasets for the queue tests: one per source/month, each in its own input root, plus a
 * bigger one that keeps a worker busy long enough to be killed mid-job.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateDataset } from "../../src/generate/index.js";
import type { DatasetParams } from "../../src/generate/params-file.js";
import type { SummaryJobPayload } from "../../src/queue/index.js";

export interface TestDataset {
  dir: string;
  params: DatasetParams;
}

/** One dataset per size, each a different source; months 1, 2, 3 ... unless `month` fixes one for all. */
export async function generateDatasets(
  root: string,
  sizes: { nodes: number; podsPerNode: number; days: number }[],
  options: { month?: number } = {},
): Promise<TestDataset[]> {
  const datasets: TestDataset[] = [];
  for (const [index, size] of sizes.entries()) {
    const month = options.month ?? (index % 12) + 1;
    const dir = join(root, `dataset-${index + 1}`);
    const result = await generateDataset({
      out: dir,
      size,
      startDate: `2025-${String(month).padStart(2, "0")}-01`,
      seed: 100 + index,
      rowGroupSize: 2_000,
    });
    datasets.push({ dir, params: result.params });
  }
  return datasets;
}

/** The job that summarises a dataset: its source/month and input root (days left to the month). */
export function jobFor(dataset: TestDataset): SummaryJobPayload {
  const { run } = dataset.params;
  return {
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
    input: dataset.dir,
    orgId: run.orgId ?? undefined,
    clusterId: run.clusterId ?? undefined,
    clusterAlias: run.clusterAlias ?? undefined,
    reportPeriodId: run.reportPeriodId ?? undefined,
  };
}

/**
 * An input root whose only pod_usage file for (source, year, month) is not Parquet: every attempt fails
 * naming the file.
 */
export function writeCorruptInput(
  root: string,
  job: { orgId: string; sourceUuid: string; year: number; month: number },
): string {
  const dir = join(
    root,
    "data/parquet",
    job.orgId,
    "OCP/pod_usage",
    `source=${job.sourceUuid}`,
    `year=${job.year}`,
    `month=${String(job.month).padStart(2, "0")}`,
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "broken_pod_usage.parquet"), Buffer.from("PAR1 not parquet at all PAR1"));
  return root;
}
