/**
 * Koku's daily files (spec §2.4): the hourly rows of one file regrouped per day by the report type's
 * keys. Rows arrive in interval order, so a day is complete when the next day starts; state is one
 * accumulator per group of the current day.
 */
import { POD_USAGE_MEASURES, type ReportType } from "../model.js";
import type { Row } from "./parquet-output.js";

interface Aggregation {
  /** Columns copied from the group's first row (group keys, and maxima that are constant per group). */
  copy: string[];
  sum: string[];
  max: string[];
}

const PERIOD = ["report_period_start", "report_period_end"];

const AGGREGATIONS: Record<ReportType, Aggregation> = {
  pod_usage: {
    copy: [...PERIOD, "namespace", "node", "pod", "pod_labels", "resource_id", "node_role"],
    sum: [...POD_USAGE_MEASURES, "node_capacity_cpu_core_seconds", "node_capacity_memory_byte_seconds"],
    max: ["node_capacity_cpu_cores", "node_capacity_memory_bytes"],
  },
  storage_usage: {
    copy: [
      ...PERIOD,
      "namespace",
      "node",
      "pod",
      "persistentvolumeclaim",
      "persistentvolume",
      "storageclass",
      "csi_driver",
      "csi_volume_handle",
      "persistentvolume_labels",
      "persistentvolumeclaim_labels",
    ],
    sum: [
      "persistentvolumeclaim_capacity_byte_seconds",
      "volume_request_storage_byte_seconds",
      "persistentvolumeclaim_usage_byte_seconds",
    ],
    max: ["persistentvolumeclaim_capacity_bytes"],
  },
  node_labels: { copy: [...PERIOD, "node", "node_labels"], sum: [], max: [] },
  namespace_labels: { copy: [...PERIOD, "namespace", "namespace_labels"], sum: [], max: [] },
};

const DAY_MS = 86_400_000;

export class DailyRollup {
  private readonly aggregation: Aggregation;
  private readonly groups = new Map<string, Row>();
  private currentDayMs = Number.NaN;

  constructor(
    private readonly type: ReportType,
    private readonly emit: (row: Row) => void,
  ) {
    this.aggregation = AGGREGATIONS[type];
  }

  add(row: Row, groupKey: string): void {
    const intervalMicros = row.interval_start as number;
    const dayMs = Math.floor(intervalMicros / 1000 / DAY_MS) * DAY_MS;
    if (dayMs !== this.currentDayMs) {
      this.flush();
      this.currentDayMs = dayMs;
    }
    const group = this.groups.get(groupKey);
    if (group === undefined) {
      this.groups.set(groupKey, this.start(row, dayMs));
      return;
    }
    for (const name of this.aggregation.sum) (group[name] as number) += row[name] as number;
    for (const name of this.aggregation.max)
      group[name] = Math.max(group[name] as number, row[name] as number);
    if (this.type === "pod_usage") {
      (group.pod_effective_usage_cpu_core_seconds as number) += effectiveCpu(row);
      (group.pod_effective_usage_memory_byte_seconds as number) += effectiveMemory(row);
    }
  }

  private start(row: Row, dayMs: number): Row {
    const group: Row = { interval_start: dayMs * 1000 };
    for (const name of this.aggregation.copy) group[name] = row[name] ?? null;
    for (const name of this.aggregation.sum) group[name] = row[name];
    for (const name of this.aggregation.max) group[name] = row[name];
    if (this.type === "pod_usage") {
      group.pod_effective_usage_cpu_core_seconds = effectiveCpu(row);
      group.pod_effective_usage_memory_byte_seconds = effectiveMemory(row);
    }
    return group;
  }

  /** Emits the current day's groups in first-seen order (deterministic output). */
  flush(): void {
    for (const group of this.groups.values()) this.emit(group);
    this.groups.clear();
  }
}

/** Koku's ingest: per hourly row, greatest(usage, request). */
function effectiveCpu(row: Row): number {
  return Math.max(row.pod_usage_cpu_core_seconds as number, row.pod_request_cpu_core_seconds as number);
}

function effectiveMemory(row: Row): number {
  return Math.max(row.pod_usage_memory_byte_seconds as number, row.pod_request_memory_byte_seconds as number);
}
