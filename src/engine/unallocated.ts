/**
 * Unallocated capacity rows (spec §7), computed from the pod rows just produced: per (node, day), node capacity
 * minus the sum of what pods used / requested / effectively used, in a namespace named after the node's role.
 */
import type { SummaryRow } from "../model.js";
import type { FinishContext } from "./context.js";
import { baseRow } from "./context.js";
import { fsum } from "./exact-sum.js";
import type { RoleLookup } from "./node-roles.js";
import { compareCodePoints } from "./values.js";

const EXCLUDED_NAMESPACES = new Set([
  "Platform unallocated",
  "Worker unallocated",
  "Network unattributed",
  "Storage unattributed",
]);

type Measure =
  | "pod_usage_cpu_core_hours"
  | "pod_request_cpu_core_hours"
  | "pod_effective_usage_cpu_core_hours"
  | "pod_usage_memory_gigabyte_hours"
  | "pod_request_memory_gigabyte_hours"
  | "pod_effective_usage_memory_gigabyte_hours";
const CPU: Measure[] = [
  "pod_usage_cpu_core_hours",
  "pod_request_cpu_core_hours",
  "pod_effective_usage_cpu_core_hours",
];
const MEMORY: Measure[] = [
  "pod_usage_memory_gigabyte_hours",
  "pod_request_memory_gigabyte_hours",
  "pod_effective_usage_memory_gigabyte_hours",
];
const CAPACITY = [
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_hours",
  "node_capacity_memory_gigabytes",
  "node_capacity_memory_gigabyte_hours",
  "cluster_capacity_cpu_core_hours",
  "cluster_capacity_memory_gigabyte_hours",
] as const;

export function unallocatedRows(
  ctx: FinishContext,
  podRows: readonly SummaryRow[],
  roleOf: RoleLookup,
): SummaryRow[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const row of podRows) {
    // `namespace != '…'` is not true for a null namespace, so such rows stay out (as in Koku's SQL).
    if (row.node === null || row.namespace === null || EXCLUDED_NAMESPACES.has(row.namespace)) continue;
    const key = `${row.usage_start}\u0000${row.node}`;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  const out: SummaryRow[] = [];
  const sortedKeys = [...groups.keys()].sort();
  for (const key of sortedKeys) {
    const rows = groups.get(key) as SummaryRow[];
    const first = rows[0];
    let role: string | null = null;
    let resource: string | null = null;
    for (const row of rows) {
      const r = roleOf(row.node as string, row.resource_id);
      if (r !== undefined && r !== null && (role === null || compareCodePoints(r, role) > 0)) role = r;
      if (
        row.resource_id !== null &&
        (resource === null || compareCodePoints(row.resource_id, resource) > 0)
      ) {
        resource = row.resource_id;
      }
    }
    const namespace =
      role === "master" || role === "infra"
        ? "Platform unallocated"
        : role === "worker"
          ? "Worker unallocated"
          : null;
    const template = baseRow(ctx.run, "Pod", 0);
    template.usage_start = first.usage_start;
    template.usage_end = first.usage_end;
    template.namespace = namespace;
    template.node = first.node;
    template.resource_id = resource;
    for (const column of CAPACITY) template[column] = maxOf(rows, column);
    for (const column of CPU)
      template[column] = minus(template.node_capacity_cpu_core_hours, sumOf(rows, column));
    for (const column of MEMORY) {
      template[column] = minus(template.node_capacity_memory_gigabyte_hours, sumOf(rows, column));
    }
    template.all_labels = "{}";
    template.infrastructure_usage_cost = null;
    const cats = ctx.categories(namespace);
    if (cats.length === 0) out.push(template);
    for (const cat of cats) out.push({ ...template, cost_category_id: cat });
  }
  return out;
}

function sumOf(rows: readonly SummaryRow[], column: Measure): number | null {
  const values: number[] = [];
  for (const row of rows) {
    const v = row[column];
    if (v !== null) values.push(v);
  }
  return values.length ? fsum(values) : null;
}

function maxOf(rows: readonly SummaryRow[], column: (typeof CAPACITY)[number]): number | null {
  let best: number | null = null;
  for (const row of rows) {
    const v = row[column];
    if (v === null) continue;
    if (best === null) best = v;
    else if (!Number.isNaN(best) && (Number.isNaN(v) || v > best)) best = v;
  }
  return best;
}

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}
