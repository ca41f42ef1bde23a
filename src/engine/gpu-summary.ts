/**
 * GPU usage rows of `reporting_ocp_gpu_summary_p` (ocp-inventory-gpu-vm.md §3), as Koku's usage-only query
 * makes them when the cost model sets no GPU rate:
 *   trino:  trino_sql/openshift/ui_summary/reporting_ocp_gpu_summary_p_usage_only.sql (daily GPU table)
 *   onprem: self_hosted_sql/openshift/ui_summary/reporting_ocp_gpu_summary_p_usage_only.sql (hourly line items)
 * One row per (day, namespace, node, vendor, model, MIG profile, MIG instance, GPU uuid) — the pod is not in the
 * key; nulls group together as GROUP BY does. No I/O: batches in, rows out.
 */
import type { KokuSqlFlavor, RunParams } from "../model.js";
import { doubles, type RowGroupBatch, strings, timestamps } from "./batch.js";
import type { Interner } from "./interner.js";
import { compileLike } from "./like.js";
import { compareCodePoints, dayNumber, dayString, MS_PER_DAY } from "./values.js";

/** Koku's MiB → GB factor (2^20 / 10^9) in both renderings. */
const MIB_TO_GB = 0.001048576;

export interface GpuSummaryRow {
  cluster_id: string;
  cluster_alias: string | null;
  usage_start: string;
  usage_end: string;
  namespace: string | null;
  node: string | null;
  vendor_name: string | null;
  model_name: string | null;
  memory_capacity_gb: number | null;
  /** onprem only (trino leaves the column out of its INSERT). */
  gpu_count: number | null;
  mig_instance_id: string | null;
  gpu_uuid: string | null;
  gpu_mode: "MIG" | "dedicated";
  mig_profile: string | null;
  mig_slice_count: number | null;
  gpu_max_slices: number | null;
  mig_strategy: string | null;
  mig_memory_capacity_gb: number | null;
  source_uuid: string;
  cost_category_id: number | null;
}

export const GPU_SUMMARY_COLUMNS = [
  "cluster_id",
  "cluster_alias",
  "usage_start",
  "usage_end",
  "namespace",
  "node",
  "vendor_name",
  "model_name",
  "memory_capacity_gb",
  "gpu_count",
  "mig_instance_id",
  "gpu_uuid",
  "gpu_mode",
  "mig_profile",
  "mig_slice_count",
  "gpu_max_slices",
  "mig_strategy",
  "mig_memory_capacity_gb",
  "source_uuid",
  "cost_category_id",
] as const satisfies readonly (keyof GpuSummaryRow)[];

/** gpu_usage columns read (required first); the MIG ones are missing from older operators' files. */
export const GPU_USAGE_READ = {
  required: [
    "interval_start",
    "namespace",
    "node",
    "gpu_uuid",
    "gpu_model_name",
    "gpu_vendor_name",
    "gpu_memory_capacity_mib",
  ],
  optional: [
    "mig_instance_id",
    "mig_profile",
    "mig_strategy",
    "mig_slice_count",
    "gpu_max_slices",
    "mig_memory_capacity_mib",
  ],
  numeric: new Set([
    "gpu_memory_capacity_mib",
    "mig_slice_count",
    "gpu_max_slices",
    "mig_memory_capacity_mib",
  ]),
} as const;

interface GpuGroup {
  day: number;
  key: number[]; // namespace, node, vendor, model, profile, instance, uuid (string ids, -1 = null)
  memory: number | null;
  profileNonEmpty: number; // max(NULLIF(profile, '')) for onprem
  sliceCount: number | null;
  maxSlices: number | null;
  strategy: number;
  migMemory: number | null;
  counted: Set<number>; // distinct coalesce(instance, uuid), onprem gpu_count
}

const KEY_COLUMNS = [
  "namespace",
  "node",
  "gpu_vendor_name",
  "gpu_model_name",
  "mig_profile",
  "mig_instance_id",
  "gpu_uuid",
] as const;

export class GpuSummaryAccumulator {
  private readonly groups = new Map<string, GpuGroup>();
  private readonly firstDay: number;
  private readonly lastDay: number;
  private readonly emptyId: number;

  constructor(
    private readonly interner: Interner,
    private readonly run: RunParams,
    private readonly costCategories: { namespace: string; cost_category_id: number }[],
  ) {
    this.firstDay = dayNumber(run.startDate);
    this.lastDay = dayNumber(run.endDate);
    this.emptyId = interner.intern("");
  }

  add(batch: RowGroupBatch): void {
    const at = timestamps(batch, "interval_start");
    const keys = KEY_COLUMNS.map((name) => strings(batch, name));
    const memory = doubles(batch, "gpu_memory_capacity_mib");
    const slices = doubles(batch, "mig_slice_count");
    const maxSlices = doubles(batch, "gpu_max_slices");
    const migMemory = doubles(batch, "mig_memory_capacity_mib");
    const strategy = strings(batch, "mig_strategy");
    const profile = keys[4];
    const instance = keys[5];
    const uuid = keys[6];
    for (let i = 0; i < batch.numRows; i++) {
      if (Number.isNaN(at[i])) continue;
      const day = Math.floor(at[i] / MS_PER_DAY);
      if (day < this.firstDay || day > this.lastDay) continue;
      const key = [keys[0][i], keys[1][i], keys[2][i], keys[3][i], keys[4][i], keys[5][i], keys[6][i]];
      const mapKey = `${day}:${key.join(":")}`;
      let g = this.groups.get(mapKey);
      if (!g) {
        g = {
          day,
          key,
          memory: null,
          profileNonEmpty: -1,
          sliceCount: null,
          maxSlices: null,
          strategy: -1,
          migMemory: null,
          counted: new Set(),
        };
        this.groups.set(mapKey, g);
      }
      g.memory = maxOf(g.memory, memory, i);
      g.sliceCount = maxOf(g.sliceCount, slices, i);
      g.maxSlices = maxOf(g.maxSlices, maxSlices, i);
      g.migMemory = maxOf(g.migMemory, migMemory, i);
      if (strategy[i] >= 0 && (g.strategy < 0 || this.greater(strategy[i], g.strategy)))
        g.strategy = strategy[i];
      if (profile[i] >= 0 && profile[i] !== this.emptyId) g.profileNonEmpty = profile[i];
      const counted = instance[i] >= 0 ? instance[i] : uuid[i];
      if (counted >= 0) g.counted.add(counted);
    }
  }

  finish(): GpuSummaryRow[] {
    const flavor: KokuSqlFlavor = this.run.kokuSql;
    const text = (id: number) => this.interner.text(id);
    const patterns = this.costCategories.map((c) => ({
      id: c.cost_category_id,
      matches: compileLike(c.namespace, flavor),
    }));
    const rows: GpuSummaryRow[] = [];
    for (const g of this.groups.values()) {
      const [namespace, node, vendor, model, profile, instance, uuid] = g.key.map(text);
      // trino: max(mig_profile) of a group keyed by the profile is the profile itself, '' included (so an
      // operator's empty profile reads as MIG); onprem: NULLIF(profile, '') first.
      const shownProfile =
        flavor === "trino" ? profile : g.profileNonEmpty >= 0 ? text(g.profileNonEmpty) : null;
      let category: number | null = null;
      if (namespace !== null) {
        for (const p of patterns)
          if (p.matches(namespace) && (category === null || p.id > category)) category = p.id;
      }
      const day = dayString(g.day);
      rows.push({
        cluster_id: this.run.clusterId as string,
        cluster_alias: this.run.clusterAlias,
        usage_start: day,
        usage_end: day,
        namespace,
        node,
        vendor_name: vendor,
        model_name: model,
        memory_capacity_gb: g.memory === null ? null : g.memory * MIB_TO_GB,
        gpu_count: flavor === "onprem" ? g.counted.size : null,
        mig_instance_id: instance,
        gpu_uuid: uuid,
        gpu_mode: shownProfile !== null ? "MIG" : "dedicated",
        mig_profile: shownProfile,
        mig_slice_count: toInteger(g.sliceCount),
        gpu_max_slices: toInteger(g.maxSlices),
        mig_strategy: text(g.strategy),
        mig_memory_capacity_gb: g.migMemory === null ? null : g.migMemory * MIB_TO_GB,
        source_uuid: this.run.sourceUuid,
        cost_category_id: category,
      });
    }
    return rows.sort(compareGpuRows);
  }

  private greater(a: number, b: number): boolean {
    return compareCodePoints(this.interner.text(a) as string, this.interner.text(b) as string) > 0;
  }
}

function maxOf(
  current: number | null,
  column: { values: Float64Array; nulls: Uint8Array | null },
  i: number,
) {
  if (column.nulls?.[i] === 1) return current;
  const v = column.values[i];
  return current === null || v > current || Number.isNaN(v) ? v : current;
}

/** CAST(double AS INTEGER) rounds to the nearest integer (the values are whole numbers in practice). */
function toInteger(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

const ORDER: (keyof GpuSummaryRow)[] = [
  "usage_start",
  "namespace",
  "node",
  "gpu_uuid",
  "mig_instance_id",
  "mig_profile",
  "vendor_name",
  "model_name",
];

/** A canonical order (the database keeps none): by day, namespace, node, uuid, instance, profile. */
export function compareGpuRows(a: GpuSummaryRow, b: GpuSummaryRow): number {
  for (const column of ORDER) {
    const x = a[column] as string | null;
    const y = b[column] as string | null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    const c = compareCodePoints(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
