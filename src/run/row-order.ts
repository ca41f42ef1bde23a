/** A canonical order for summary rows, so output never depends on file order, chunking or mode. */
import { SUMMARY_COLUMNS, type SummaryRow } from "../model.js";

export function sortSummaryRows(rows: SummaryRow[]): SummaryRow[] {
  const keyed = rows.map((row) => ({ row, key: rowKey(row) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.row);
}

function rowKey(row: SummaryRow): string {
  let key = "";
  for (const column of SUMMARY_COLUMNS) {
    const v = row[column];
    key += v === null ? "\u0000" : `\u0001${typeof v === "number" ? v.toPrecision(17) : v}`;
    key += "\u0002";
  }
  return key;
}
