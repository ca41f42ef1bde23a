/** A canonical order for summary rows, so output never depends on file order, chunking or mode. */
import { SUMMARY_COLUMNS, type SummaryColumn, type SummaryRow } from "../model.js";

/** The columns that tell rows apart come first, so most comparisons end after one or two. */
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
/** The other columns, compared when the leading ones are equal. */
const REST: SummaryColumn[] = SUMMARY_COLUMNS.filter((c) => !LEADING.includes(c));

export function sortSummaryRows(rows: SummaryRow[]): SummaryRow[] {
  return rows.sort(compareRows);
}

/**
 * The leading columns by name rather than through a column list: a keyed load `row[column]` with a changing key
 * is megamorphic, and the sort is ~1 M comparisons per 50K-row day (measured: the comparator was 4 % of the
 * engine's main thread at 5m). Same order as comparing column by column in ORDER.
 */
function compareRows(a: SummaryRow, b: SummaryRow): number {
  return (
    compareValues(a.usage_start, b.usage_start) ||
    compareValues(a.data_source, b.data_source) ||
    compareValues(a.node, b.node) ||
    compareValues(a.namespace, b.namespace) ||
    compareValues(a.pod_labels, b.pod_labels) ||
    compareValues(a.persistentvolumeclaim, b.persistentvolumeclaim) ||
    compareValues(a.persistentvolume, b.persistentvolume) ||
    compareValues(a.volume_labels, b.volume_labels) ||
    compareRest(a, b)
  );
}

function compareRest(a: SummaryRow, b: SummaryRow): number {
  for (const column of REST) {
    const order = compareValues(a[column], b[column]);
    if (order !== 0) return order;
  }
  return 0;
}

/** null first, numbers by value (NaN after the others), texts by code unit. */
function compareValues(x: SummaryRow[SummaryColumn], y: SummaryRow[SummaryColumn]): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === "number" && typeof y === "number") {
    if (x < y) return -1;
    if (x > y) return 1;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return 0;
  }
  return x < y ? -1 : 1;
}
