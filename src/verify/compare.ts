/**
 * Compares two multisets of summary rows: strings exactly, JSON columns as parsed values, numbers to a
 * relative tolerance (no absolute floor unless a caller asks for one). Rows are paired by their non-numeric columns first, then by closest numbers, so a
 * failure reports only the differing rows and, for paired rows, only the differing columns.
 */
import { NUMERIC_SUMMARY_COLUMNS, SUMMARY_COLUMNS, type SummaryColumn } from "../model.js";
import { JSON_COLUMNS, type Row } from "./columns.js";
import { formatComparisonReport } from "./compare-report.js";

export type { Row } from "./columns.js";

export interface CompareOptions {
  /** Relative tolerance for numbers (default 1e-9). */
  relTol?: number;
  /**
   * Absolute tolerance (default 0: relative only). Any absolute floor must sit far below the smallest value
   * compared: storage gigabyte-months are often below 1e-9, so a floor of that size would hide a 100× error.
   */
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

const NUMERIC = SUMMARY_COLUMNS.filter((c) => NUMERIC_SUMMARY_COLUMNS.has(c));
const NON_NUMERIC = SUMMARY_COLUMNS.filter((c) => !NUMERIC_SUMMARY_COLUMNS.has(c));

/** JSON value → a canonical text with sorted keys, so equal objects compare equal as strings. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const obj = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** Numbers may arrive as strings (PostgreSQL numeric); null stays null. */
function asNumber(value: string | number | null): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  const n = Number(value.trim());
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

/** A row with its cells in comparable form, computed once (JSON canonicalisation is the cost). */
interface Prepared {
  row: Row;
  /** Canonical text of each NON_NUMERIC column ("\u0000null" for NULL, "j…" JSON, "s…" text). */
  text: string[];
  /** Each NUMERIC column as a number or null. */
  numbers: (number | null)[];
  /** All of `text` joined: rows pair first within equal keys. */
  key: string;
}

/** Prepares rows; label texts repeat a lot, so canonical JSON is cached per distinct text. */
function preparer(): (row: Row) => Prepared {
  const jsonCache = new Map<string, string>();
  const cell = (column: SummaryColumn, value: unknown): string => {
    if (value === null || value === undefined) return "\u0000null";
    if (!JSON_COLUMNS.has(column)) return `s${String(value)}`;
    if (typeof value !== "string") return `j${canonicalJson(value)}`;
    let canonical = jsonCache.get(value);
    if (canonical === undefined) {
      try {
        canonical = `j${canonicalJson(JSON.parse(value))}`;
      } catch {
        canonical = `s${value}`; // not JSON: compared as text, so the diff still shows it
      }
      jsonCache.set(value, canonical);
    }
    return canonical;
  };
  return (row) => {
    const text = NON_NUMERIC.map((c) => cell(c, row[c]));
    return { row, text, numbers: NUMERIC.map((c) => asNumber(row[c])), key: text.join("\u0001") };
  };
}

/** A distance for pairing: mismatching columns dominate, then the size of relative differences. */
function numericDistance(a: Prepared, b: Prepared, tol: Tolerance): number {
  let mismatches = 0;
  let spread = 0;
  for (let i = 0; i < NUMERIC.length; i++) {
    const x = a.numbers[i];
    const y = b.numbers[i];
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

const NUMERIC_INDEX = new Map(NUMERIC.map((c, i) => [c, i]));
const TEXT_INDEX = new Map(NON_NUMERIC.map((c, i) => [c, i]));

/** Names of the columns where two prepared rows differ, in SUMMARY_COLUMNS order. */
function differingColumns(a: Prepared, b: Prepared, tol: Tolerance): string[] {
  const out: string[] = [];
  for (const c of SUMMARY_COLUMNS) {
    const n = NUMERIC_INDEX.get(c);
    if (n !== undefined) {
      if (!numbersMatch(a.numbers[n], b.numbers[n], tol)) out.push(c);
    } else {
      const t = TEXT_INDEX.get(c) as number;
      if (a.text[t] !== b.text[t]) out.push(c);
    }
  }
  return out;
}

function groupBy(rows: Prepared[], keyOf: (p: Prepared) => string): Map<string, Prepared[]> {
  const groups = new Map<string, Prepared[]>();
  for (const row of rows) {
    const key = keyOf(row);
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
  actual: Prepared[],
  expected: Prepared[],
  distance: (a: Prepared, b: Prepared) => number,
  maxDistance: number,
): { pairs: [Prepared, Prepared, number][]; restActual: Prepared[]; restExpected: Prepared[] } {
  const pairs: [Prepared, Prepared, number][] = [];
  if (actual.length === 1 && expected.length === 1) {
    const d = distance(actual[0], expected[0]);
    if (d <= maxDistance) return { pairs: [[actual[0], expected[0], d]], restActual: [], restExpected: [] };
    return { pairs, restActual: actual, restExpected: expected };
  }
  if (actual.length * expected.length > 250_000) {
    const byNumbers = (x: Prepared, y: Prepared) => {
      for (let i = 0; i < NUMERIC.length; i++) {
        const a = x.numbers[i] ?? Number.NEGATIVE_INFINITY;
        const b = y.numbers[i] ?? Number.NEGATIVE_INFINITY;
        if (a !== b) return a < b ? -1 : 1;
      }
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
const CROSS_KEY_COLUMNS = [TEXT_INDEX.get("data_source") as number, TEXT_INDEX.get("usage_start") as number];
const MAX_CROSS_KEY_DIFFS = 6;

export function compareRowSets(actual: Row[], expected: Row[], opts: CompareOptions = {}): ComparisonResult {
  const tol: Tolerance = { relTol: opts.relTol ?? 1e-9, absTol: opts.absTol ?? 0 };
  const prepare = preparer();
  const diffs: RowDiff[] = [];
  const leftActual: Prepared[] = [];
  const leftExpected: Prepared[] = [];

  const expectedGroups = groupBy(expected.map(prepare), (p) => p.key);
  for (const [key, aRows] of groupBy(actual.map(prepare), (p) => p.key)) {
    const eRows = expectedGroups.get(key) ?? [];
    expectedGroups.delete(key);
    const { pairs, restActual, restExpected } = pairClosest(
      aRows,
      eRows,
      (a, b) => numericDistance(a, b, tol),
      Number.POSITIVE_INFINITY,
    );
    for (const [a, e, d] of pairs) {
      if (d > 0) diffs.push({ actual: a.row, expected: e.row, columns: differingColumns(a, e, tol) });
    }
    leftActual.push(...restActual);
    leftExpected.push(...restExpected);
  }
  for (const eRows of expectedGroups.values()) leftExpected.push(...eRows);

  // Rows whose text/JSON columns differ: pair those that differ in a few columns only (same source, day).
  const onlyActual: Row[] = [];
  const onlyExpected: Row[] = [];
  const crossKey = (p: Prepared) => CROSS_KEY_COLUMNS.map((i) => p.text[i]).join("\u0001");
  const crossExpected = groupBy(leftExpected, crossKey);
  for (const [key, aRows] of groupBy(leftActual, crossKey)) {
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
        diffs.push({ actual: a.row, expected: e.row, columns });
      } else {
        onlyActual.push(a.row);
        onlyExpected.push(e.row);
      }
    }
    for (const p of restActual) onlyActual.push(p.row);
    for (const p of restExpected) onlyExpected.push(p.row);
  }
  for (const eRows of crossExpected.values()) for (const p of eRows) onlyExpected.push(p.row);

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
