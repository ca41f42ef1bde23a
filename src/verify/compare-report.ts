/** Human-readable text of a row-set comparison: counts, then the differing rows and columns. */
import type { SummaryColumn } from "../model.js";
import type { Row } from "./columns.js";

interface ReportInput {
  actualCount: number;
  expectedCount: number;
  diffs: { actual: Row; expected: Row; columns: string[] }[];
  onlyActual: Row[];
  onlyExpected: Row[];
  limit: number;
}

/** Columns that say which row this is, shown for every differing row. */
const IDENTITY_COLUMNS: readonly SummaryColumn[] = [
  "data_source",
  "usage_start",
  "namespace",
  "node",
  "resource_id",
  "persistentvolumeclaim",
  "persistentvolume",
  "pod_labels",
  "volume_labels",
  "cost_category_id",
];

function show(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

function identity(row: Row): string {
  return IDENTITY_COLUMNS.filter((c) => row[c] !== null && row[c] !== undefined)
    .map((c) => `${c}=${show(row[c])}`)
    .join(" ");
}

function relativeDifference(a: unknown, b: unknown): string {
  const x = typeof a === "string" ? Number(a) : a;
  const y = typeof b === "string" ? Number(b) : b;
  if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y)) return "";
  const scale = Math.max(Math.abs(x), Math.abs(y));
  if (scale === 0) return "";
  return ` (rel diff ${(Math.abs(x - y) / scale).toExponential(2)})`;
}

/** Non-null cells of a row that has no partner, for the "only in" sections. */
function describeUnpaired(row: Row): string {
  return Object.entries(row)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([c, v]) => `${c}=${show(v)}`)
    .join(" ");
}

export function formatComparisonReport(input: ReportInput): string {
  const { diffs, onlyActual, onlyExpected, limit } = input;
  const lines: string[] = [];
  const matched = input.actualCount - diffs.length - onlyActual.length;
  lines.push(
    `rows: actual ${input.actualCount}, expected ${input.expectedCount}; equal ${matched}, ` +
      `differing ${diffs.length}, only in actual ${onlyActual.length}, only in expected ${onlyExpected.length}`,
  );
  if (diffs.length === 0 && onlyActual.length === 0 && onlyExpected.length === 0) {
    lines.push("row sets are equal");
    return lines.join("\n");
  }
  let budget = limit;
  if (diffs.length > 0) lines.push("", "differing rows (actual vs expected):");
  for (const d of diffs) {
    if (budget-- <= 0) break;
    lines.push(`- ${identity(d.expected)}`);
    for (const c of d.columns) {
      const a = d.actual[c as SummaryColumn];
      const e = d.expected[c as SummaryColumn];
      lines.push(`    ${c}: actual ${show(a)}, expected ${show(e)}${relativeDifference(a, e)}`);
    }
  }
  for (const [title, rows] of [
    ["rows only in actual:", onlyActual],
    ["rows only in expected:", onlyExpected],
  ] as const) {
    if (rows.length === 0) continue;
    lines.push("", title);
    for (const row of rows) {
      if (budget-- <= 0) break;
      lines.push(`- ${describeUnpaired(row)}`);
    }
  }
  const shown = Math.min(limit, diffs.length + onlyActual.length + onlyExpected.length);
  const total = diffs.length + onlyActual.length + onlyExpected.length;
  if (shown < total) lines.push("", `(${total - shown} more differences not shown)`);
  return lines.join("\n");
}
