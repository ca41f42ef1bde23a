/** A canonical order for summary rows, so output never depends on file order, chunking or mode. */
import { SUMMARY_COLUMNS, type SummaryRow } from "../model.js";

export function sortSummaryRows(rows: SummaryRow[]): SummaryRow[] {
  return rows.sort(compareRows);
}

function compareRows(a: SummaryRow, b: SummaryRow): number {
  for (const column of SUMMARY_COLUMNS) {
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
