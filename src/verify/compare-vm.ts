/**
 * The VM step, engine vs the DuckDB rendering of Koku's VM queries (reference/vm-reference.ts):
 *  - compareVmRows: reporting_ocp_vm_summary_p rows as PostgreSQL holds them after a run, matched on their key
 *    (day, namespace, node, VM, PVC, rate type), labels compared as JSON objects, numbers at 1e-9 relative
 *    (the table's numeric(33,15) rounds the doubles);
 *  - compareVmTmp: the Parquet half of Koku's VM temporary table, which the engine computes before PostgreSQL
 *    (the vm report's VMs, or the pod fallback's (VM, claim) pairs) — what `verify` can check without a database.
 */
import type { VmPvcPair, VmTmpRow } from "../engine/vm-inputs.js";
import type { VmReferenceResult, VmSummaryReferenceRow } from "../reference/vm-reference.js";

export interface VmComparison {
  equal: boolean;
  /** One line per difference (empty when equal), at most 20. */
  differences: string[];
  rows: number;
}

const KEY = [
  "usage_start",
  "namespace",
  "node",
  "vm_name",
  "persistentvolumeclaim",
  "cost_model_rate_type",
] as const;
const TEXT = [
  "usage_end",
  "cluster_id",
  "cluster_alias",
  "storageclass",
  "raw_currency",
  "source_uuid",
] as const;
/** Compared as numbers (relative 1e-9); the measures are numeric(33,15) in PostgreSQL. */
export const VM_NUMERIC_COLUMNS = [
  "pod_request_cpu_core_hours",
  "pod_request_memory_gigabyte_hours",
  "persistentvolumeclaim_capacity_gigabyte_months",
  "persistentvolumeclaim_usage_gigabyte_months",
  "cost_model_cpu_cost",
  "cost_model_memory_cost",
  "cost_model_volume_cost",
  "cost_model_gpu_cost",
  "distributed_cost",
  "infrastructure_raw_cost",
  "infrastructure_markup_cost",
  "cost_category_id",
] as const;

/** The columns compared, as both sides provide them (JSON as text or object, numbers as numbers). */
export type VmRowRecord = { [K in keyof VmSummaryReferenceRow]: unknown };

export function compareVmRows(
  engine: readonly VmRowRecord[],
  reference: readonly VmRowRecord[],
): VmComparison {
  const differences: string[] = [];
  const note = (text: string) => {
    if (differences.length < 20) differences.push(text);
  };
  // Two rows of one key differ in their labels only (Koku groups by them too): the labels join the key.
  const key = (r: VmRowRecord) =>
    JSON.stringify([...KEY.map((c) => r[c] ?? null), canonicalJson(r.pod_labels)]);
  const wanted = new Map<string, VmRowRecord>();
  for (const r of reference) {
    if (wanted.has(key(r))) note(`vm row key twice in reference: ${key(r)}`);
    wanted.set(key(r), r);
  }
  const seen = new Set<string>();
  for (const row of engine) {
    const k = key(row);
    if (seen.has(k)) note(`vm row key twice in engine: ${k}`);
    seen.add(k);
    const other = wanted.get(k);
    if (!other) {
      note(`vm row only in engine: ${k}`);
      continue;
    }
    for (const c of TEXT) {
      if ((row[c] ?? null) !== (other[c] ?? null))
        note(`vm ${k} ${c}: engine ${String(row[c])}, reference ${String(other[c])}`);
    }
    for (const c of VM_NUMERIC_COLUMNS) {
      if (!close(toNumber(row[c]), toNumber(other[c])))
        note(`vm ${k} ${c}: engine ${String(row[c])}, reference ${String(other[c])}`);
    }
    const ids = (v: unknown) => JSON.stringify(v ?? null);
    if (ids(row.resource_ids) !== ids(other.resource_ids))
      note(`vm ${k} resource_ids: engine ${ids(row.resource_ids)}, reference ${ids(other.resource_ids)}`);
  }
  for (const k of wanted.keys()) if (!seen.has(k)) note(`vm row only in reference: ${k}`);
  return { equal: differences.length === 0, differences, rows: engine.length };
}

/** The engine's VM temporary-table input (run/steps.ts computeVmTmpSource) vs the reference's. */
export function compareVmTmp(
  engine: { kind: "vm-report"; rows: VmTmpRow[] } | { kind: "pods"; claims: VmPvcPair[] } | null,
  reference: VmReferenceResult,
): VmComparison {
  const differences: string[] = [];
  const note = (text: string) => {
    if (differences.length < 20) differences.push(text);
  };
  if (engine === null || reference.skipped) {
    if ((engine === null) !== reference.skipped)
      note(
        `VM step: engine ${engine === null ? "skips it" : "runs it"}, Koku ${reference.skipped ? "skips it" : "runs it"}`,
      );
    return { equal: differences.length === 0, differences, rows: 0 };
  }
  if (engine.kind !== reference.tmpSource) {
    note(`VM temporary table: engine reads ${engine.kind}, Koku's accessor picks ${reference.tmpSource}`);
    return { equal: false, differences, rows: 0 };
  }
  if (engine.kind === "vm-report") {
    const key = (r: { vm_name: unknown; node: unknown; pvc_name: unknown }) =>
      JSON.stringify([r.vm_name ?? null, r.node ?? null, r.pvc_name ?? null]);
    const wanted = new Map(reference.vmReport.map((r) => [key(r), r]));
    for (const row of engine.rows) {
      const other = wanted.get(key(row));
      wanted.delete(key(row));
      if (!other) note(`vm report row only in engine: ${key(row)}`);
      else if (!close(row.cpu_request, other.cpu_request) || !close(row.mem_request, other.mem_request))
        note(
          `vm report ${key(row)} requests: engine ${row.cpu_request}/${row.mem_request}, reference ${other.cpu_request}/${other.mem_request}`,
        );
    }
    for (const k of wanted.keys()) note(`vm report row only in reference: ${k}`);
    return { equal: differences.length === 0, differences, rows: engine.rows.length };
  }
  const pair = (p: VmPvcPair) => JSON.stringify([p.vm_name, p.pvc_name]);
  const wanted = new Set(reference.podClaims.map(pair));
  const got = new Set(engine.claims.map(pair));
  for (const p of got) if (!wanted.has(p)) note(`VM pod claim only in engine: ${p}`);
  for (const p of wanted) if (!got.has(p)) note(`VM pod claim only in reference: ${p}`);
  return { equal: differences.length === 0, differences, rows: engine.claims.length };
}

/** JSON text or value → text with keys sorted (jsonb and DuckDB print objects differently). */
function canonicalJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  const sort = (v: unknown): unknown =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, sort(x)]),
        )
      : Array.isArray(v)
        ? v.map(sort)
        : v;
  return JSON.stringify(sort(parsed));
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === "number" ? v : Number(v);
}

function close(a: number | null, b: number | null): boolean {
  return (
    a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))
  );
}
