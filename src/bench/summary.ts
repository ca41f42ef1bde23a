/**
 * Folds the repetitions of each (dataset, tool, mode) into one summary entry: median wall time (robust to
 * one run disturbed by other work on the machine), the highest peak RSS, median phases, ratio to DuckDB.
 */
import type { BenchDataset, BenchPhases, BenchRun, BenchSummary } from "./schema.js";
import { writeSummaryFields } from "./write-floor.js";

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

function medianPhases(runs: BenchRun[]): BenchPhases | null {
  const withPhases = runs.map((r) => r.phases).filter((p): p is BenchPhases => p !== null);
  if (withPhases.length === 0) return null;
  const keys = Object.keys(withPhases[0]) as (keyof BenchPhases)[];
  return Object.fromEntries(
    keys.map((k) => [k, round(median(withPhases.map((p) => p[k])), 3)]),
  ) as unknown as BenchPhases;
}

/** Median CPU seconds, or null when any run lacks them (a partial median would mislead). */
function medianCpu(runs: BenchRun[]): number | null {
  const cpu = runs.map((r) => r.cpuSeconds);
  return cpu.every((c): c is number => c !== null) ? median(cpu) : null;
}

const ratio = (value: number | null, base: number | null) =>
  value === null || base === null || base <= 0 ? null : round(value / base, 2);

const groupKey = (r: Pick<BenchRun, "dataset" | "tool" | "mode">) => `${r.dataset}|${r.tool}|${r.mode ?? ""}`;

/** Summary entries in the order the runs were first seen; failed runs are left out of the figures. */
export function summarize(datasets: BenchDataset[], runs: BenchRun[]): BenchSummary[] {
  const groups = new Map<string, BenchRun[]>();
  for (const run of runs) {
    if (!run.ok) continue;
    const key = groupKey(run);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  const duckdbSeconds = new Map<string, { wall: number; cpu: number | null }>();
  for (const [, group] of groups) {
    if (group[0].tool === "duckdb") {
      duckdbSeconds.set(group[0].dataset, {
        wall: median(group.map((r) => r.wallSeconds)),
        cpu: medianCpu(group),
      });
    }
  }
  const inputRowsOf = new Map(datasets.map((d) => [d.id, d.inputRows]));
  const summary: BenchSummary[] = [];
  for (const [, group] of groups) {
    const first = group[0];
    const wall = median(group.map((r) => r.wallSeconds));
    const inputRows = first.inputRows || inputRowsOf.get(first.dataset) || 0;
    const duck = duckdbSeconds.get(first.dataset) ?? null;
    const cpu = medianCpu(group);
    const perGroup = group.map((r) => r.stateBytesPerGroup).filter((v): v is number => v !== null);
    summary.push({
      dataset: first.dataset,
      scale: first.scale,
      variant: first.variant,
      tool: first.tool,
      mode: first.mode,
      runs: group.length,
      inputRows,
      outputRows: first.outputRows,
      medianWallSeconds: round(wall, 3),
      medianCpuSeconds: cpu === null ? null : round(cpu, 3),
      rowsPerSecond: Math.round(inputRows / wall),
      peakRssMb: Math.max(...group.map((r) => r.peakRssMb)),
      medianPhases: medianPhases(group),
      stateBytesPerGroup: perGroup.length > 0 ? Math.round(median(perGroup)) : null,
      duckdbSeconds: duck === null ? null : round(duck.wall, 3),
      ratioToDuckdb: ratio(wall, duck?.wall ?? null),
      duckdbCpuSeconds: duck?.cpu == null ? null : round(duck.cpu, 3),
      cpuRatioToDuckdb: ratio(cpu, duck?.cpu ?? null),
      medianLoadAverage: round(median(group.map((r) => r.loadAverage[0])), 2),
      ...writeSummaryFields(group),
    });
  }
  return summary;
}
