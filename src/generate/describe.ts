/**
 * Which cluster a generate run writes: a named scenario, a description file (ours or nise's YAML) or a
 * size, with the command line's overrides applied.
 */
import { readFileSync } from "node:fs";
import { isNiseDescription, parseNiseDescription } from "./nise-format.js";
import { parseOwnDescription } from "./own-format.js";
import { SCALE_PRESETS, type ScalePreset, scaleCluster } from "./scale.js";
import { loadScenario } from "./scenarios.js";
import type { DatasetSpec } from "./spec.js";

/** Plain data (it crosses into the writer's worker thread). */
export interface DescribeOptions {
  /** Exactly one source: a named scenario, a description file, a preset or a custom size. */
  scenario?: string;
  descriptionFile?: string;
  scale?: ScalePreset;
  /** A custom size (instead of a preset): nodes × pods per node × days. */
  size?: { nodes: number; podsPerNode: number; days: number };
  /** First day for scale runs and nise files without start_date (default 2025-10-01). */
  startDate?: string;
  /** Last day of a nise file without end_date (default: its start day). */
  endDate?: string;
  seed?: number;
  /** Overrides of the description. */
  filesPerType?: number;
  intervalMinutes?: number;
  nodeRoleColumn?: boolean;
}

export function loadDescriptionFile(
  path: string,
  seed: number,
  dates: { startDate?: string; endDate?: string } = {},
): DatasetSpec {
  const text = readFileSync(path, "utf8");
  return isNiseDescription(text)
    ? parseNiseDescription(text, { seed, origin: path, ...dates })
    : parseOwnDescription(text, path);
}

export function describeDataset(options: DescribeOptions): DatasetSpec {
  const sources = [options.scenario, options.descriptionFile, options.scale, options.size].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1)
    throw new Error("give exactly one of scenario, description file, scale preset or size");
  const seed = options.seed ?? 1;
  let spec: DatasetSpec;
  if (options.scenario !== undefined) spec = loadScenario(options.scenario);
  else if (options.descriptionFile !== undefined) {
    spec = loadDescriptionFile(options.descriptionFile, seed, {
      startDate: options.startDate,
      endDate: options.endDate,
    });
  } else {
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
