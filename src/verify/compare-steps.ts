/**
 * Engine vs reference for the inventory and GPU steps: nodes, PVCs and projects compared exactly, GPU rows
 * matched on their key (day, namespace, node, GPU uuid, MIG instance, MIG profile) with numbers at 1e-12.
 */
import type { GpuSummaryRow } from "../engine/gpu-summary.js";
import type { Inventory } from "../engine/inventory.js";
import type { StepReferenceResult } from "../reference/steps-reference.js";

export interface StepComparison {
  equal: boolean;
  /** One line per difference (empty when equal), at most 20. */
  differences: string[];
  counts: { nodes: number; pvcs: number; projects: number; gpu: number };
}

const GPU_TEXT = [
  "vendor_name",
  "model_name",
  "gpu_mode",
  "mig_strategy",
  "gpu_count",
  "mig_slice_count",
  "gpu_max_slices",
  "cost_category_id",
] as const;
const GPU_NUMBERS = ["memory_capacity_gb", "mig_memory_capacity_gb"] as const;

export function compareSteps(
  inventory: Inventory,
  gpu: GpuSummaryRow[],
  reference: StepReferenceResult,
): StepComparison {
  const differences: string[] = [];
  const note = (text: string) => {
    if (differences.length < 20) differences.push(text);
  };
  const nodes = inventory.nodes.map((n) => ({
    node: n.node,
    resource_id: n.resourceId,
    cap: n.capacityCpuCores,
    role: n.role,
    arch: n.architecture,
  }));
  diffLists("node", nodes, reference.nodes, note);
  const pvcs = inventory.pvcs.map((p) => ({
    pv: p.persistentVolume,
    pvc: p.persistentVolumeClaim,
    csi: p.csiVolumeHandle,
  }));
  diffLists("pvc", pvcs, reference.pvcs, note);
  diffLists(
    "project",
    inventory.projects.map((p) => ({ project: p })),
    reference.projects.map((p) => ({ project: p })),
    note,
  );

  const key = (r: Record<string, unknown>) =>
    JSON.stringify([r.usage_start, r.namespace, r.node, r.gpu_uuid, r.mig_instance_id, r.mig_profile]);
  const wanted = new Map(reference.gpu.map((r) => [key(r), r]));
  const seen = new Set<string>();
  for (const row of gpu) {
    const record = row as unknown as Record<string, unknown>;
    const k = key(record);
    seen.add(k);
    const other = wanted.get(k);
    if (!other) {
      note(`gpu row only in engine: ${k}`);
      continue;
    }
    for (const column of GPU_TEXT) {
      if ((record[column] ?? null) !== (other[column] ?? null)) {
        note(`gpu ${k} ${column}: engine ${String(record[column])}, reference ${String(other[column])}`);
      }
    }
    for (const column of GPU_NUMBERS) {
      if (!close(record[column] as number | null, (other[column] ?? null) as number | null)) {
        note(`gpu ${k} ${column}: engine ${String(record[column])}, reference ${String(other[column])}`);
      }
    }
  }
  for (const k of wanted.keys()) if (!seen.has(k)) note(`gpu row only in reference: ${k}`);
  return {
    equal: differences.length === 0,
    differences,
    counts: { nodes: nodes.length, pvcs: pvcs.length, projects: inventory.projects.length, gpu: gpu.length },
  };
}

function close(a: number | null, b: number | null): boolean {
  return a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)));
}

/** Both lists are in a canonical order already; compares them entry by entry. */
function diffLists<T extends object>(
  what: string,
  engine: T[],
  reference: T[],
  note: (t: string) => void,
): void {
  const a = engine.map((x) => JSON.stringify(x)).sort();
  const b = reference.map((x) => JSON.stringify(x)).sort();
  const inB = new Set(b);
  const inA = new Set(a);
  for (const x of a) if (!inB.has(x)) note(`${what} only in engine: ${x}`);
  for (const x of b) if (!inA.has(x)) note(`${what} only in reference: ${x}`);
}
