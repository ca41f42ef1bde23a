/**
 * The canonical row order (src/engine/row-order.ts): the comparator names its leading columns for speed; the
 * order must stay exactly "column by column, leading columns first" (nulls first, numbers by value with NaN
 * last, texts by code unit), whatever the ties.
 */
import { describe, expect, it } from "vitest";
import { sortSummaryRows } from "../../src/engine/row-order.js";
import { SUMMARY_COLUMNS, type SummaryColumn, type SummaryRow } from "../../src/model.js";
import { podRow } from "../sink/rows.js";

const LEADING: SummaryColumn[] = [
  "usage_start",
  "data_source",
  "node",
  "namespace",
  "pod_labels",
  "persistentvolumeclaim",
  "persistentvolume",
  "volume_labels",
];
const ORDER = [...LEADING, ...SUMMARY_COLUMNS.filter((c) => !LEADING.includes(c))];

function reference(a: SummaryRow, b: SummaryRow): number {
  for (const column of ORDER) {
    const x = a[column];
    const y = b[column];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === "number" && typeof y === "number") {
      if (x < y) return -1;
      if (x > y) return 1;
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A small deterministic generator: few distinct values per column, so most rows tie on many columns. */
function rows(count: number): SummaryRow[] {
  let state = 12345;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const pick = <T>(values: T[]) => values[next(values.length)];
  return Array.from({ length: count }, () =>
    podRow({
      usage_start: pick(["2025-10-01", "2025-10-02"]),
      data_source: pick(["Pod", "Storage"]),
      node: pick([null, "node-a", "node-b"]),
      namespace: pick(["ns-1", "ns-2", "ns-10"]),
      pod_labels: pick([null, '{"app":"web"}', '{"app":"db"}', '{"app":"web","env":"prod"}']),
      persistentvolumeclaim: pick([null, "claim-1"]),
      volume_labels: pick([null, '{"tier":"gold"}']),
      pod_usage_cpu_core_hours: pick([null, 0, 1.5, Number.NaN, -2]),
      node_capacity_cpu_cores: pick([null, 4, 8]),
      cost_category_id: pick([null, 1, 2]),
    }),
  );
}

describe("sortSummaryRows", () => {
  it("orders rows column by column, leading columns first, through every kind of tie", () => {
    const input = rows(3000);
    const expected = [...input].sort(reference);
    expect(sortSummaryRows([...input])).toEqual(expected);
    // Ties on every column compare equal both ways, so the stable sort keeps their input order.
    expect(sortSummaryRows([...input]).map((r) => input.indexOf(r))).toEqual(
      expected.map((r) => input.indexOf(r)),
    );
  });
});
