/**
 * Writes CUR rows as Koku's Parquet (spec §1.2): money/usage columns DOUBLE, the date columns
 * TIMESTAMP(MILLIS, UTC), everything else UTF-8 text; optionally with CUR 2.0 names for the columns that have one.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { SchemaElement } from "hyparquet";
import { type ColumnSource, fileWriter, ParquetWriter } from "hyparquet-writer";
import { DAILY_COLUMNS, HOURLY_COLUMNS } from "../source/cur-columns.js";
import type { CurRow } from "./cur-rows.js";

const DOUBLES = new Set([
  "lineitem_usageamount",
  "lineitem_normalizationfactor",
  "lineitem_normalizedusageamount",
  "lineitem_unblendedrate",
  "lineitem_unblendedcost",
  "lineitem_blendedrate",
  "lineitem_blendedcost",
  "pricing_publicondemandcost",
  "pricing_publicondemandrate",
  "savingsplan_savingsplaneffectivecost",
]);
const TIMESTAMPS = new Set([
  "bill_billingperiodstartdate",
  "bill_billingperiodenddate",
  "lineitem_usagestartdate",
  "lineitem_usageenddate",
]);

const CUR2_NAMES = new Map<string, string>(
  [...DAILY_COLUMNS, ...HOURLY_COLUMNS].filter((c) => c.cur2 !== null).map((c) => [c.name, c.cur2 as string]),
);

function element(name: string, physical: string): SchemaElement {
  if (DOUBLES.has(name)) return { name: physical, type: "DOUBLE", repetition_type: "OPTIONAL" };
  if (TIMESTAMPS.has(name)) {
    return {
      name: physical,
      type: "INT64",
      repetition_type: "OPTIONAL",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    };
  }
  return {
    name: physical,
    type: "BYTE_ARRAY",
    repetition_type: "OPTIONAL",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
  };
}

export function writeCurParquet(
  path: string,
  columns: readonly string[],
  rows: readonly CurRow[],
  cur2Names: boolean,
): void {
  mkdirSync(dirname(path), { recursive: true });
  const physical = columns.map((c) => (cur2Names ? (CUR2_NAMES.get(c) ?? c) : c));
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: [
      { name: "schema", repetition_type: "REQUIRED", num_children: columns.length },
      ...columns.map((c, i) => element(c, physical[i])),
    ],
    codec: "SNAPPY",
    createdBy: "ocp-aggregator generate (OCP on AWS)",
  });
  if (rows.length > 0) {
    const columnData: ColumnSource[] = columns.map((c, i) => ({
      name: physical[i],
      data: rows.map((r) => (r[c] === undefined ? null : r[c])) as ColumnSource["data"],
    }));
    writer.write({ columnData, rowGroupSize: rows.length });
  }
  writer.finish();
}
