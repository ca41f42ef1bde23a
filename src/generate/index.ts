/**
 * The generator's programmatic API: build a cluster description (scenario, description file or scale
 * preset), write its Koku-shaped Parquet and params.json, optionally copy the tree to S3.
 * The CLI, the demo, tests and benchmarks all call `generateDataset`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { S3ConnectionOptions } from "../source/s3-client.js";
import { parseS3Url } from "../source/s3-client.js";
import { uploadDirectory } from "../source/upload.js";
import { type RowCounts, writeDataset } from "./dataset-writer.js";
import { isNiseDescription, parseNiseDescription } from "./nise-format.js";
import { parseOwnDescription } from "./own-format.js";
import { type DatasetParams, datasetParamsFrom, paramsFileFor, writeParamsFile } from "./params-file.js";
import type { Compression } from "./parquet-output.js";
import { SCALE_PRESETS, type ScalePreset, scaleCluster } from "./scale.js";
import { loadScenario } from "./scenarios.js";
import type { DatasetSpec } from "./spec.js";

export { loadDatasetParams } from "./params-file.js";
export { SCALE_PRESETS, type ScalePreset } from "./scale.js";
export { listScenarios } from "./scenarios.js";

export interface GenerateOptions {
  /** A local directory or `s3://bucket/prefix` (generated locally in a temporary folder, then uploaded). */
  out: string;
  /** Exactly one source: a named scenario, a description file (ours or nise's YAML), or a size. */
  scenario?: string;
  descriptionFile?: string;
  scale?: ScalePreset;
  /** A custom size (instead of a preset): nodes × pods per node × days. */
  size?: { nodes: number; podsPerNode: number; days: number };
  /** First day for scale runs (default 2025-10-01). */
  startDate?: string;
  seed?: number;
  rowGroupSize?: number;
  compression?: Compression;
  /** Overrides of the description. */
  filesPerType?: number;
  intervalMinutes?: number;
  nodeRoleColumn?: boolean;
  /** Replace an existing dataset in `out` (its data/parquet tree and params.json); otherwise refuse. */
  overwrite?: boolean;
  s3?: S3ConnectionOptions;
  onProgress?: (done: { intervals: number; totalIntervals: number; podRows: number }) => void;
}

export interface GenerateResult {
  /** The dataset root (params.json and data/parquet/…): the local folder or the s3:// URL. */
  dir: string;
  params: DatasetParams;
  counts: RowCounts;
  seconds: number;
  files: string[];
  spec: DatasetSpec;
}

export const DEFAULT_ROW_GROUP_SIZE = 100_000;

/** Builds the description the options name, with the overrides applied. */
export function describeDataset(options: GenerateOptions): DatasetSpec {
  const sources = [options.scenario, options.descriptionFile, options.scale, options.size].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1)
    throw new Error("give exactly one of scenario, description file, scale preset or size");
  const seed = options.seed ?? 1;
  let spec: DatasetSpec;
  if (options.scenario !== undefined) spec = loadScenario(options.scenario);
  else if (options.descriptionFile !== undefined) spec = loadDescriptionFile(options.descriptionFile, seed);
  else {
    const size = options.size ?? SCALE_PRESETS[options.scale as ScalePreset];
    if (!size)
      throw new Error(
        `unknown scale preset ${options.scale}; known: ${Object.keys(SCALE_PRESETS).join(", ")}`,
      );
    spec = scaleCluster({ ...size, startDate: options.startDate ?? "2025-10-01", seed });
  }
  if (options.filesPerType !== undefined) spec.filesPerType = options.filesPerType;
  if (options.intervalMinutes !== undefined) spec.intervalMinutes = options.intervalMinutes;
  if (options.nodeRoleColumn !== undefined) spec.nodeRoleColumn = options.nodeRoleColumn;
  if (
    !Number.isInteger(spec.intervalMinutes) ||
    spec.intervalMinutes <= 0 ||
    1440 % spec.intervalMinutes !== 0
  ) {
    throw new Error(`interval minutes must divide a day (e.g. 60, 30, 15), not ${spec.intervalMinutes}`);
  }
  return spec;
}

export function loadDescriptionFile(path: string, seed: number): DatasetSpec {
  const text = readFileSync(path, "utf8");
  return isNiseDescription(text)
    ? parseNiseDescription(text, { seed, origin: path })
    : parseOwnDescription(text, path);
}

/** Clears a previous dataset's tree in `dir`, or refuses when there is one and overwrite is off. */
function prepareLocalDir(dir: string, overwrite: boolean): void {
  const dataDir = join(dir, "data");
  const paramsFile = join(dir, "params.json");
  const occupied = (existsSync(dataDir) && readdirSync(dataDir).length > 0) || existsSync(paramsFile);
  if (!occupied) return;
  if (!overwrite)
    throw new Error(`${dir} already holds a dataset; pass overwrite (--overwrite) to replace it`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(paramsFile, { force: true });
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const spec = describeDataset(options);
  const toS3 = options.out.startsWith("s3://");
  const localDir = toS3 ? mkdtempSync(join(tmpdir(), "ocp-generate-")) : resolve(options.out);
  try {
    if (!toS3) prepareLocalDir(localDir, options.overwrite ?? false);
    const written = writeDataset(spec, {
      outDir: localDir,
      seed: options.seed ?? 1,
      rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
      compression: options.compression ?? "snappy",
      onProgress: options.onProgress,
    });
    const paramsFile = paramsFileFor(spec, written.sourceUuid, written.counts);
    const paramsPath = writeParamsFile(localDir, paramsFile);
    let files = [...written.files, paramsPath];
    if (toS3) {
      const target = parseS3Url(options.out);
      await uploadDirectory(localDir, { ...options.s3, bucket: target.bucket, prefix: target.prefix });
      files = files.map((f) => `s3://${target.bucket}/${target.prefix}${f.slice(localDir.length + 1)}`);
    }
    return {
      dir: toS3 ? options.out : localDir,
      params: datasetParamsFrom(paramsFile),
      counts: written.counts,
      seconds: (performance.now() - started) / 1000,
      files,
      spec,
    };
  } finally {
    if (toS3) rmSync(localDir, { recursive: true, force: true });
  }
}
