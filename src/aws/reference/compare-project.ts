/**
 * Row-set comparison of project rows (engine vs reference, or vs what PostgreSQL holds): rows are matched on
 * their text/identity columns, numbers compared with a relative tolerance (both sides are doubles summed in
 * different orders; PostgreSQL rounds to 15 or 9 decimals).
 */
import { PROJECT_COLUMNS, PROJECT_NUMERIC_COLUMNS } from "../model.js";

export interface CompareResult {
  equal: boolean;
  report: string;
}

const ID_COLUMNS = new Set([
  "report_period_id",
  "cost_entry_bill_id",
  "account_alias_id",
  "cost_category_id",
]);

export function numbersClose(a: unknown, b: unknown, relative = 1e-9, absolute = 1e-8): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  return Math.abs(x - y) <= Math.max(absolute, relative * Math.max(Math.abs(x), Math.abs(y)));
}

/** Normalises JSON text so jsonb output and compact text compare equal. */
function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "object") return JSON.stringify(sortKeys(value));
  const text = String(value);
  if (text.startsWith("{")) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(text)));
    } catch {
      return text;
    }
  }
  return text;
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value as object)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

export function compareRowSets(
  actual: readonly Record<string, unknown>[],
  expected: readonly Record<string, unknown>[],
  columns: readonly string[] = PROJECT_COLUMNS,
  numeric: ReadonlySet<string> = PROJECT_NUMERIC_COLUMNS,
): CompareResult {
  const keyColumns = columns.filter((c) => !numeric.has(c) || ID_COLUMNS.has(c));
  const valueColumns = columns.filter((c) => numeric.has(c) && !ID_COLUMNS.has(c));
  const keyOf = (row: Record<string, unknown>) =>
    JSON.stringify(keyColumns.map((c) => (ID_COLUMNS.has(c) ? (row[c] ?? null) : canonical(row[c]))));
  const group = (rows: readonly Record<string, unknown>[]) => {
    const map = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const k = keyOf(row);
      map.set(k, [...(map.get(k) ?? []), row]);
    }
    return map;
  };
  const a = group(actual);
  const e = group(expected);
  const problems: string[] = [];
  for (const [key, rows] of e) {
    const got = a.get(key) ?? [];
    if (got.length !== rows.length) {
      problems.push(`${rows.length} expected, ${got.length} actual: ${key}`);
      continue;
    }
    const order = (r: Record<string, unknown>) =>
      valueColumns.map((c) => Number(r[c] ?? Number.NEGATIVE_INFINITY));
    const sort = (list: Record<string, unknown>[]) =>
      [...list].sort((x, y) => {
        const ox = order(x);
        const oy = order(y);
        for (let i = 0; i < ox.length; i++) if (ox[i] !== oy[i]) return ox[i] - oy[i];
        return 0;
      });
    const sa = sort(got);
    const se = sort(rows);
    for (let i = 0; i < se.length; i++) {
      for (const c of valueColumns) {
        if (!numbersClose(sa[i][c], se[i][c]))
          problems.push(`${c}: actual ${sa[i][c]} expected ${se[i][c]} in ${key}`);
      }
    }
  }
  for (const [key, rows] of a) if (!e.has(key)) problems.push(`${rows.length} unexpected actual: ${key}`);
  return {
    equal: problems.length === 0,
    report:
      problems.length === 0
        ? `${actual.length} rows equal`
        : `${problems.length} differences (actual ${actual.length} rows, expected ${expected.length}):\n${problems.slice(0, 20).join("\n")}`,
  };
}
