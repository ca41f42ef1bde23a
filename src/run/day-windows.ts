/**
 * Day windows and row-group day spans: which days each row group can hold (from its interval_start
 * statistics), and whether a run is better done one day at a time (see planWindows).
 */
import type { EngineStats } from "../engine/summary-engine.js";
import { dayNumber, dayString, MS_PER_DAY } from "../engine/values.js";
import type { EngineInput, RunParams } from "../model.js";
import { type ParquetFileHandle, rowGroupStatistics } from "../parquet/reader.js";

/** What planWindows needs to know of a row group. */
export interface DaySpannedTask {
  plan: { input: EngineInput };
  handle: ParquetFileHandle;
  rowGroup: number;
  firstDay: number;
  lastDay: number;
}

/** The day span of a whole file from its row groups' statistics (null when any is unknown). */
export function fileDays(handle: ParquetFileHandle | undefined): { first: number; last: number } | null {
  if (!handle) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let rg = 0; rg < handle.rowGroupRows.length; rg++) {
    const days = rowGroupDays(handle, rg);
    if (!Number.isFinite(days.firstDay) || !Number.isFinite(days.lastDay)) return null;
    first = Math.min(first, days.firstDay);
    last = Math.max(last, days.lastDay);
  }
  return Number.isFinite(first) ? { first, last } : null;
}

/** The day span of a row group from its interval_start min/max statistics, or an unbounded span. */
export function rowGroupDays(
  handle: ParquetFileHandle,
  rowGroup: number,
): { firstDay: number; lastDay: number } {
  const stats = rowGroupStatistics(handle, rowGroup, "interval_start");
  const min = stats?.min;
  const max = stats?.max;
  if (min instanceof Date && max instanceof Date && min.getTime() <= max.getTime()) {
    return {
      firstDay: Math.floor(min.getTime() / MS_PER_DAY),
      lastDay: Math.floor(max.getTime() / MS_PER_DAY),
    };
  }
  return { firstDay: Number.NEGATIVE_INFINITY, lastDay: Number.POSITIVE_INFINITY };
}

/**
 * The run as day windows when the files allow it: every output row belongs to one day, and (with node roles
 * given) nothing crosses days, so each window is an independent engine pass whose state is dropped once its
 * rows are out. Memory then follows one window's groups, not the month's. Windows are used only where row-group
 * statistics show narrow day spans (a row group read in several windows costs a re-decode); otherwise one pass.
 */
export function planWindows(
  tasks: readonly DaySpannedTask[],
  deriveNodeRoles: boolean,
  run: RunParams,
): RunParams[] {
  const firstDay = dayNumber(run.startDate);
  const lastDay = dayNumber(run.endDate);
  const days = lastDay - firstDay + 1;
  if (days <= 1 || deriveNodeRoles) return [run];
  // Cost of windows: rows decoded once per window a row group overlaps, against decoding each row once.
  let rows = 0;
  let decoded = 0;
  for (const t of tasks) {
    if (t.plan.input === "node_labels" || t.plan.input === "namespace_labels") continue;
    if (t.lastDay < firstDay || t.firstDay > lastDay) continue;
    const n = t.handle.rowGroupRows[t.rowGroup];
    rows += n;
    decoded += n * (Math.min(t.lastDay, lastDay) - Math.max(t.firstDay, firstDay) + 1);
  }
  if (rows === 0 || !Number.isFinite(decoded) || decoded > rows * 1.5) return [run];
  const windows: RunParams[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const date = dayString(day);
    windows.push({ ...run, startDate: date, endDate: date });
  }
  return windows;
}

export function mergeStats(a: EngineStats, b: EngineStats): EngineStats {
  const add = (x: EngineStats["rowsIn"], y: EngineStats["rowsIn"]) => ({
    pod_usage: x.pod_usage + y.pod_usage,
    storage_usage: x.storage_usage + y.storage_usage,
    node_labels: x.node_labels + y.node_labels,
    namespace_labels: x.namespace_labels + y.namespace_labels,
  });
  return {
    rowsIn: add(a.rowsIn, b.rowsIn),
    rowsInRange: add(a.rowsInRange, b.rowsInRange),
    podGroups: a.podGroups + b.podGroups,
    storageGroups: a.storageGroups + b.storageGroups,
    stateBytes: Math.max(a.stateBytes, b.stateBytes), // windows run one after the other: the peak counts
    outOfRangeMeasures: a.outOfRangeMeasures + b.outOfRangeMeasures,
  };
}

export function emptyStats(): EngineStats {
  const zero = { pod_usage: 0, storage_usage: 0, node_labels: 0, namespace_labels: 0 };
  return {
    rowsIn: zero,
    rowsInRange: zero,
    podGroups: 0,
    storageGroups: 0,
    stateBytes: 0,
    outOfRangeMeasures: 0,
  };
}
