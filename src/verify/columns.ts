import type { SummaryColumn } from "../model.js";

/** Summary columns holding JSON text (jsonb in PostgreSQL): compared as parsed values, key order irrelevant. */
export const JSON_COLUMNS: ReadonlySet<SummaryColumn> = new Set<SummaryColumn>([
  "pod_labels",
  "volume_labels",
  "all_labels",
  "infrastructure_usage_cost",
]);

/** A summary row as compared: SummaryRow is one, so are rows parsed from CSV or read back from PostgreSQL. */
export type Row = Record<SummaryColumn, string | number | null>;
