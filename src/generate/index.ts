/**
 * The generator's programmatic API: build a cluster description (scenario, description file or size),
 * write its Koku-shaped Parquet and params.json, optionally copy the tree to S3.
 * The CLI, the demo, tests and benchmarks all call `generateDataset`.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { UsageError } from "../config/errors.js";
import type { S3ConnectionOptions } from "../source/s3-client.js";
import { parseS3Url } from "../source/s3-client.js";
import { uploadDirectory } from "../source/upload.js";
import type { RowCounts } from "./dataset-writer.js";
import type { DescribeOptions } from "./describe.js";
import { type DatasetParams, datasetParamsFrom } from "./params-file.js";
import type { Compression } from "./parquet-output.js";
import { type ProgressListener, runWriteJob, type WriteJob, type WriteJobResult } from "./write-job.js";

export type { RowCounts } from "./dataset-writer.js";
export { describeDataset } from "./describe.js";
export { loadDatasetParams } from "./params-file.js";
export { SCALE_PRESETS, type ScalePreset } from "./scale.js";
export { listScenarios } from "./scenarios.js";

export interface GenerateOptions extends DescribeOptions {
  /** A local directory or `s3://bucket/prefix` (generated locally in a temporary folder, then uploaded). */
  out: string;
  rowGroupSize?: number;
  compression?: Compression;
  /** Replace an existing dataset in `out` (its data/parquet tree and params.json); otherwise refuse. */
  overwrite?: boolean;
  s3?: S3ConnectionOptions;
  onProgress?: ProgressListener;
  /**
   * Heap limit (MB) of the worker thread that writes the files (default 200). Ignored when running
   * from TypeScript sources (tests), where the job runs inline.
   */
  memoryLimitMB?: number;
}

export interface GenerateResult {
  /** The dataset root (params.json and data/parquet/…): the local folder or the s3:// URL. */
  dir: string;
  params: DatasetParams;
  counts: RowCounts;
  seconds: number;
  files: string[];
}

export const DEFAULT_ROW_GROUP_SIZE = 100_000;
export const DEFAULT_MEMORY_LIMIT_MB = 200;

/** The compiled worker entry; absent when this module runs from .ts sources (vitest). */
const WORKER_FILE = fileURLToPath(new URL("./write-worker.js", import.meta.url));

/** Clears a previous dataset's tree in `dir`, or refuses when there is one and overwrite is off. */
function prepareLocalDir(dir: string, overwrite: boolean): void {
  const dataDir = join(dir, "data");
  const paramsFile = join(dir, "params.json");
  const occupied = (existsSync(dataDir) && readdirSync(dataDir).length > 0) || existsSync(paramsFile);
  if (!occupied) return;
  if (!overwrite)
    throw new UsageError(`${dir} already holds a dataset; pass overwrite (--overwrite) to replace it`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(paramsFile, { force: true });
}

/** Runs the job in a worker thread whose heap is capped, so memory stays bounded at any size. */
function runInWorker(
  job: WriteJob,
  memoryLimitMB: number,
  onProgress?: ProgressListener,
): Promise<WriteJobResult> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_FILE, {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMB },
    });
    let result: WriteJobResult | undefined;
    worker.on("message", (message: { kind: string; done?: unknown; result?: WriteJobResult }) => {
      if (message.kind === "progress") onProgress?.(message.done as Parameters<ProgressListener>[0]);
      else if (message.kind === "result") result = message.result;
    });
    worker.on("error", (error) => {
      const oom = (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      reject(
        oom ? new Error(`the generator ran out of its ${memoryLimitMB} MB heap; raise memoryLimitMB`) : error,
      );
    });
    worker.on("exit", (code) => {
      if (result) resolvePromise(result);
      else reject(new Error(`the generator's worker thread stopped (exit code ${code}) before finishing`));
    });
  });
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const toS3 = options.out.startsWith("s3://");
  const target = toS3 ? parseS3Url(options.out) : undefined;
  const localDir = toS3 ? mkdtempSync(join(tmpdir(), "ocp-generate-")) : resolve(options.out);
  try {
    if (!toS3) prepareLocalDir(localDir, options.overwrite ?? false);
    const { out: _out, overwrite: _overwrite, s3: _s3, onProgress, memoryLimitMB, ...describe } = options;
    const job: WriteJob = {
      ...describe,
      outDir: localDir,
      rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
      compression: options.compression ?? "snappy",
    };
    const written = existsSync(WORKER_FILE)
      ? await runInWorker(job, memoryLimitMB ?? DEFAULT_MEMORY_LIMIT_MB, onProgress)
      : runWriteJob(job, onProgress);
    let files = written.files;
    if (target) {
      await uploadDirectory(localDir, { ...options.s3, bucket: target.bucket, prefix: target.prefix });
      files = files.map((f) => `s3://${target.bucket}/${target.prefix}${f.slice(localDir.length + 1)}`);
    }
    return {
      dir: toS3 ? options.out : localDir,
      params: datasetParamsFrom(written.paramsFile),
      counts: written.counts,
      seconds: (performance.now() - started) / 1000,
      files,
    };
  } finally {
    if (toS3) rmSync(localDir, { recursive: true, force: true });
  }
}
