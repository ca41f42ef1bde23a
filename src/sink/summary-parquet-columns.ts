/**
 * The columns of Koku's Hive table `reporting_ocpusagelineitem_daily_summary`
 * (trino_sql/openshift/reporting_ocpusagelineitem_daily_summary.sql:6-48), derived from what the sink writes
 * to PostgreSQL (SUMMARY_COLUMNS, typed by SUMMARY_TABLE_COLUMNS) so the two cannot drift apart. The Hive
 * table differs from the PostgreSQL one in three columns only:
 * - `uuid` comes first (PostgreSQL's gets its value from the COPY's table default, so it is not in
 *   SUMMARY_COLUMNS);
 * - `all_labels` is absent (Koku's Trino statement computes it only when it copies the rows into PostgreSQL);
 * - `csi_volume_handle` (the storage rows' CSI handle, a grouping key) stands before `cost_category_id`;
 *   PostgreSQL's table has no such column.
 * Partition columns (source, year, month, day) live in the object path only.
 */
import { SUMMARY_COLUMNS } from "../model.js";
import { SUMMARY_TABLE_COLUMNS } from "./summary-ddl.js";

export type HiveKind = "varchar" | "int" | "date" | "double";

export interface HiveColumn {
  name: string;
  kind: HiveKind;
}

/** Koku's Trino table stores PostgreSQL's types as: uuid/varchar/jsonb → varchar, numeric → double, … */
function hiveKindOf(sqlType: string): HiveKind {
  const base = sqlType.split(/[\s(]/, 1)[0];
  switch (base) {
    case "uuid":
    case "varchar":
    case "text":
    case "jsonb":
      return "varchar";
    case "numeric":
      return "double";
    case "integer":
      return "int";
    case "date":
      return "date";
    default:
      throw new Error(`summary column type ${sqlType} has no Hive counterpart`);
  }
}

const SQL_TYPES = new Map<string, string>(SUMMARY_TABLE_COLUMNS.map(([name, type]) => [name, type]));

function columnOf(name: string): HiveColumn {
  const type = SQL_TYPES.get(name);
  if (type === undefined) throw new Error(`summary column ${name} has no type in SUMMARY_TABLE_COLUMNS`);
  return { name, kind: hiveKindOf(type) };
}

/** The Hive table's columns in Koku's order, without the partition columns. */
export const SUMMARY_PARQUET_COLUMNS: readonly HiveColumn[] = [
  columnOf("uuid"),
  ...SUMMARY_COLUMNS.filter((name) => name !== "all_labels").flatMap((name) =>
    name === "cost_category_id"
      ? [{ name: "csi_volume_handle", kind: "varchar" as const }, columnOf(name)]
      : [columnOf(name)],
  ),
];
