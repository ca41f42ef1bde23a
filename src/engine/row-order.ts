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
const ORDER: SummaryColumn[] = [...LEADING, ...SUMMARY_COLUMNS.filter((c) => !LEADING.includes(c))];

export function sortSummaryRows(rows: SummaryRow[]): SummaryRow[] {
  return rows.sort(compareRows);
}

function compareRows(a: SummaryRow, b: SummaryRow): number {
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
