/**
 * The bench's input data: one generated dataset per scale (and per variant), kept in a cache folder and
 * reused whenever its params.json exists, because generating 20M rows takes far longer than reading them.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { generateDataset, loadDatasetParams, SCALE_PRESETS, type ScalePreset } from "../generate/index.js";
import type { DatasetParams } from "../generate/params-file.js";
import type { BenchDataset, DatasetVariant } from "./schema.js";

export interface DatasetRequest {
  scale: ScalePreset;
  variant: DatasetVariant;
}

export interface PreparedDataset extends BenchDataset {
  params: DatasetParams;
}

/** What each variant changes: 4× the input rows (15-minute intervals) or the same rows in 100 files. */
const VARIANT_SHAPE: Record<
  DatasetVariant,
  { intervalMinutes: number; filesPerType: number; suffix: string }
> = {
  base: { intervalMinutes: 60, filesPerType: 1, suffix: "" },
  "15min": { intervalMinutes: 15, filesPerType: 1, suffix: "-15min" },
  "100files": { intervalMinutes: 60, filesPerType: 100, suffix: "-100files" },
};

export const BENCH_SEED = 1;

export function isScalePreset(name: string): name is ScalePreset {
  return Object.hasOwn(SCALE_PRESETS, name);
}

export function datasetId(request: DatasetRequest): string {
  return `${request.scale}${VARIANT_SHAPE[request.variant].suffix}`;
}

/** `$XDG_CACHE_HOME` or ~/.cache when there is a home folder, else ./.cache (containers without a home). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, "ocp-aggregator", "bench");
  const home = homedir();
  if (home && home !== "/" && existsSync(home)) return join(home, ".cache", "ocp-aggregator", "bench");
  return resolve(".cache", "ocp-aggregator", "bench");
}

/** Rows the engine reads: the hourly files of the four report types (daily files are not read when hourly exist). */
export function engineInputRows(params: DatasetParams): number {
  if (!params.counts) return 0;
  return Object.values(params.counts).reduce((sum, c) => sum + (c.hourly > 0 ? c.hourly : c.daily), 0);
}

export interface PrepareHooks {
  onGenerate?: (id: string) => void;
  onGenerateProgress?: (id: string, fraction: number) => void;
}

/** Returns the dataset from the cache, generating it first when its params.json is missing. */
export async function prepareDataset(
  request: DatasetRequest,
  cacheDir: string,
  hooks: PrepareHooks = {},
): Promise<PreparedDataset> {
  const id = datasetId(request);
  const dir = join(resolve(cacheDir), id);
  const shape = VARIANT_SHAPE[request.variant];
  let generatedSeconds: number | null = null;
  if (!existsSync(join(dir, "params.json"))) {
    hooks.onGenerate?.(id);
    const result = await generateDataset({
      out: dir,
      scale: request.scale,
      seed: BENCH_SEED,
      intervalMinutes: shape.intervalMinutes,
      filesPerType: shape.filesPerType,
      // a half-written folder from an interrupted run has no params.json: replace it
      overwrite: true,
      onProgress: (done) =>
        hooks.onGenerateProgress?.(id, done.totalIntervals > 0 ? done.intervals / done.totalIntervals : 0),
    });
    generatedSeconds = result.seconds;
  }
  const params = loadDatasetParams(dir);
  return {
    id,
    scale: request.scale,
    variant: request.variant,
    intervalMinutes: shape.intervalMinutes,
    filesPerType: shape.filesPerType,
    dir,
    inputRows: engineInputRows(params),
    generatedSeconds,
    params,
  };
}
