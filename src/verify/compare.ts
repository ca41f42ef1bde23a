/**
 * Compares two multisets of summary rows: strings exactly, JSON columns as parsed values, numbers to a
 * relative tolerance. Rows are paired by their non-numeric columns first, then by closest numbers, so a
 * failure reports only the differing rows and, for paired rows, only the differing columns.
 */
import { SUMMARY_COLUMNS, type SummaryColumn } from "../model.js";
import { JSON_COLUMNS, NUMERIC_COLUMNS, type Row } from "./columns.js";
import { formatComparisonReport } from "./compare-report.js";

export type { Row } from "./columns.js";

export interface CompareOptions {
  /** Relative tolerance for numbers (default 1e-9). */
  relTol?: number;
  /** Absolute tolerance, for values near zero where relative error is meaningless (default 1e-9). */
  absTol?: number;
  /** How many differing rows the report lists before summarising (default 20). */
  reportLimit?: number;
}

export interface RowDiff {
  actual: Row;
  expected: Row;
  columns: string[];
}

export interface ComparisonResult {
  equal: boolean;
  onlyActual: Row[];
  onlyExpected: Row[];
  diffs: RowDiff[];
  report: string;
}

interface Tolerance {
  relTol: number;
  absTol: number;
}

const NUMERIC = SUMMARY_COLUMNS.filter((c) => NUMERIC_COLUMNS.has(c));
const NON_NUMERIC = SUMMARY_COLUMNS.filter((c) => !NUMERIC_COLUMNS.has(c));

/** JSON text → a canonical text with sorted keys, so equal objects compare equal as strings. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const obj = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

function cellKey(column: SummaryColumn, value: string | number | null): string {
  if (value === null || value === undefined) return "\u0000null";
  if (JSON_COLUMNS.has(column) && typeof value === "string") {
    try {
      return `j${canonicalJson(JSON.parse(value))}`;
    } catch {
      return `s${value}`; // not JSON: compared as text, so the diff still shows it
    }
  }
  if (JSON_COLUMNS.has(column) && typeof value === "object") return `j${canonicalJson(value)}`;
  return `s${String(value)}`;
}

/** Numbers may arrive as strings (PostgreSQL numeric); null stays null. */
function asNumber(value: string | number | null): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  const text = value.trim();
  if (text === "NaN") return Number.NaN;
  const n = Number(text);
  return Number.isNaN(n) ? Number.NaN : n;
}

export function numbersMatch(a: number | null, b: number | null, tol: Tolerance): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // also equal infinities
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= tol.absTol || diff <= tol.relTol * Math.max(Math.abs(a), Math.abs(b));
}

/** A distance for pairing: mismatching columns dominate, then the size of relative differences. */
function numericDistance(a: Row, b: Row, tol: Tolerance): number {
  let mismatches = 0;
  let spread = 0;
  for (const c of NUMERIC) {
    const x = asNumber(a[c]);
    const y = asNumber(b[c]);
    if (numbersMatch(x, y, tol)) continue;
    mismatches++;
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) {
      spread += Math.min(1, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300));
    } else {
      spread += 1;
    }
  }
  return mismatches + spread / (NUMERIC.length + 1);
}

/** Canonical keys of a row's non-numeric cells, computed once per row (JSON parsing is the cost). */
const cellKeyCache = new WeakMap<Row, Map<SummaryColumn, string>>();
function cachedCellKey(row: Row, column: SummaryColumn): string {
  let keys = cellKeyCache.get(row);
  if (!keys) {
    keys = new Map();
    cellKeyCache.set(row, keys);
  }
  let key = keys.get(column);
  if (key === undefined) {
    key = cellKey(column, row[column]);
    keys.set(column, key);
  }
  return key;
}

export function differingColumns(a: Row, b: Row, tol: Tolerance): string[] {
  const out: string[] = [];
  for (const c of SUMMARY_COLUMNS) {
    if (NUMERIC_COLUMNS.has(c)) {
      if (!numbersMatch(asNumber(a[c]), asNumber(b[c]), tol)) out.push(c);
    } else if (cachedCellKey(a, c) !== cachedCellKey(b, c)) {
      out.push(c);
    }
  }
  return out;
}

function groupKey(row: Row, columns: readonly SummaryColumn[]): string {
  return columns.map((c) => cachedCellKey(row, c)).join("\u0001");
}

function groupBy(rows: Row[], columns: readonly SummaryColumn[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = groupKey(row, columns);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/**
 * Pairs two lists greedily by smallest distance (exact matches first). Above a size where the
 * quadratic search is too slow, rows are sorted by their numbers and zipped instead.
 */
function pairClosest(
  actual: Row[],
  expected: Row[],
  distance: (a: Row, b: Row) => number,
  maxDistance: number,
): { pairs: [Row, Row, number][]; restActual: Row[]; restExpected: Row[] } {
  const pairs: [Row, Row, number][] = [];
  if (actual.length * expected.length > 250_000) {
    const sortKey = (r: Row) => NUMERIC.map((c) => asNumber(r[c]) ?? Number.NEGATIVE_INFINITY);
    const byNumbers = (x: Row, y: Row) => {
      const kx = sortKey(x);
      const ky = sortKey(y);
      for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
      return 0;
    };
    const a = [...actual].sort(byNumbers);
    const e = [...expected].sort(byNumbers);
    const n = Math.min(a.length, e.length);
    for (let i = 0; i < n; i++) pairs.push([a[i], e[i], distance(a[i], e[i])]);
    return { pairs, restActual: a.slice(n), restExpected: e.slice(n) };
  }
  const candidates: [number, number, number][] = [];
  for (let i = 0; i < actual.length; i++) {
    for (let j = 0; j < expected.length; j++) {
      const d = distance(actual[i], expected[j]);
      if (d <= maxDistance) candidates.push([d, i, j]);
    }
  }
  candidates.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const usedA = new Uint8Array(actual.length);
  const usedE = new Uint8Array(expected.length);
  for (const [d, i, j] of candidates) {
    if (usedA[i] || usedE[j]) continue;
    usedA[i] = 1;
    usedE[j] = 1;
    pairs.push([actual[i], expected[j], d]);
  }
  return {
    pairs,
    restActual: actual.filter((_, i) => !usedA[i]),
    restExpected: expected.filter((_, j) => !usedE[j]),
  };
}

/** Rows left over after same-key pairing are paired across keys only when few columns differ. */
const CROSS_KEY_COLUMNS: readonly SummaryColumn[] = ["data_source", "usage_start"];
const MAX_CROSS_KEY_DIFFS = 6;

export function compareRowSets(actual: Row[], expected: Row[], opts: CompareOptions = {}): ComparisonResult {
  const tol: Tolerance = { relTol: opts.relTol ?? 1e-9, absTol: opts.absTol ?? 1e-9 };
  const diffs: RowDiff[] = [];
  let leftActual: Row[] = [];
  let leftExpected: Row[] = [];

  const expectedGroups = groupBy(expected, NON_NUMERIC);
  const actualGroups = groupBy(actual, NON_NUMERIC);
  for (const [key, aRows] of actualGroups) {
    const eRows = expectedGroups.get(key) ?? [];
    expectedGroups.delete(key);
    const { pairs, restActual, restExpected } = pairClosest(
      aRows,
      eRows,
      (a, b) => numericDistance(a, b, tol),
      Number.POSITIVE_INFINITY,
    );
    for (const [a, e, d] of pairs) {
      if (d > 0) diffs.push({ actual: a, expected: e, columns: differingColumns(a, e, tol) });
    }
    leftActual = leftActual.concat(restActual);
    leftExpected = leftExpected.concat(restExpected);
  }
  for (const eRows of expectedGroups.values()) leftExpected = leftExpected.concat(eRows);

  // Rows whose text/JSON columns differ: pair those that differ in a few columns only (same source, day).
  const onlyActual: Row[] = [];
  const onlyExpected: Row[] = [];
  const crossExpected = groupBy(leftExpected, CROSS_KEY_COLUMNS);
  for (const [key, aRows] of groupBy(leftActual, CROSS_KEY_COLUMNS)) {
    const eRows = crossExpected.get(key) ?? [];
    crossExpected.delete(key);
    const { pairs, restActual, restExpected } = pairClosest(
      aRows,
      eRows,
      (a, b) => differingColumns(a, b, tol).length + numericDistance(a, b, tol) / (NUMERIC.length + 1),
      MAX_CROSS_KEY_DIFFS + 1,
    );
    for (const [a, e] of pairs) {
      const columns = differingColumns(a, e, tol);
      if (columns.length <= MAX_CROSS_KEY_DIFFS) {
        diffs.push({ actual: a, expected: e, columns });
      } else {
        onlyActual.push(a);
        onlyExpected.push(e);
      }
    }
    onlyActual.push(...restActual);
    onlyExpected.push(...restExpected);
  }
  for (const eRows of crossExpected.values()) onlyExpected.push(...eRows);

  const equal = diffs.length === 0 && onlyActual.length === 0 && onlyExpected.length === 0;
  const report = formatComparisonReport({
    actualCount: actual.length,
    expectedCount: expected.length,
    diffs,
    onlyActual,
    onlyExpected,
    limit: opts.reportLimit ?? 20,
  });
  return { equal, onlyActual, onlyExpected, diffs, report };
}
