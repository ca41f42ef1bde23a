/**
 * One generate job from description to files on disk: build the cluster, write its Parquet tree and
 * params.json. Runs in a worker thread with a heap limit (index.ts) or inline; same bytes either way.
 */
import { type RowCounts, writeDataset } from "./dataset-writer.js";
import { type DescribeOptions, describeDataset } from "./describe.js";
import { type ParamsFile, paramsFileFor, writeParamsFile } from "./params-file.js";
import type { Compression } from "./parquet-output.js";

export interface WriteJob extends DescribeOptions {
  /** Local output root. */
  outDir: string;
  rowGroupSize: number;
  compression: Compression;
}

export interface WriteJobResult {
  paramsFile: ParamsFile;
  counts: RowCounts;
  /** Parquet files and params.json, sorted. */
  files: string[];
}

export type ProgressListener = (done: { intervals: number; totalIntervals: number; podRows: number }) => void;

export function runWriteJob(job: WriteJob, onProgress?: ProgressListener): WriteJobResult {
  const spec = describeDataset(job);
  const written = writeDataset(spec, {
    outDir: job.outDir,
    seed: job.seed ?? 1,
    rowGroupSize: job.rowGroupSize,
    compression: job.compression,
    onProgress,
  });
  const paramsFile = paramsFileFor(spec, written.sourceUuid, written.counts);
  const paramsPath = writeParamsFile(job.outDir, paramsFile);
  return { paramsFile, counts: written.counts, files: [...written.files, paramsPath] };
}
