/**
 * Reads an AWS source's CUR Parquet for one month through the project's Parquet reader (row group by row group,
 * only the needed columns): the daily rows F1 needs and, from the hourly files, the per-resource-and-day
 * maxima F2's disk capacity needs. AWS bills are small next to OCP usage, so rows are kept in memory.
 */
import { join } from "node:path";
import type { ByteSource, DecodedColumn, InputFile, InputSource } from "../../model.js";
import {
  type ChunkDecoder,
  InlineDecoder,
  openParquetFile,
  type ParquetFileHandle,
  readRowGroup,
} from "../../parquet/reader.js";
import type { AwsDailyRow, AwsHourlyMax } from "../model.js";
import { type CurColumn, DAILY_COLUMNS, HOURLY_COLUMNS, physicalName } from "../source/cur-columns.js";
import { type CurFile, type CurQuery, listCurFiles, treeBrowserOf } from "../source/cur-layout.js";
import { StringTable } from "./string-table.js";

export class CurReadError extends Error {}

export interface CurMonth {
  files: CurFile[];
  daily: AwsDailyRow[];
  /** `${resourceId}\u0000${day}` → hourly maxima. */
  hourly: Map<string, AwsHourlyMax>;
  inputRows: number;
}

/** Where a listed CUR path lives, as the source's open() expects it (a local path or s3://bucket/key). */
export function curFileLocation(source: InputSource, path: string): string {
  const root = source.describe();
  if (root.startsWith("s3://")) return `${root.endsWith("/") ? root : `${root}/`}${path}`;
  return join(root, ...path.split("/"));
}

interface ColumnAccess {
  text(name: string, i: number): string | null;
  number(name: string, i: number): number | null;
  time(name: string, i: number): number | null;
}

async function eachRowGroup(
  source: InputSource,
  file: CurFile,
  columns: readonly CurColumn[],
  strings: StringTable,
  decoder: ChunkDecoder,
  visit: (access: ColumnAccess, numRows: number, where: (i: number) => string) => void,
): Promise<number> {
  const location = curFileLocation(source, file.path);
  const input: InputFile = {
    reportType: "pod_usage",
    granularity: file.granularity,
    location,
    size: file.size,
  };
  const bytes: ByteSource = await source.open(input);
  const handle: ParquetFileHandle = await openParquetFile(location, bytes);
  const requests = columns.map((c) => ({
    name: physicalName(c, handle.columnNames),
    kind: c.kind,
    required: c.required,
  }));
  for (let rg = 0; rg < handle.rowGroupRows.length; rg++) {
    const batch = await readRowGroup(handle, bytes, rg, requests, decoder);
    const byName = new Map<string, DecodedColumn>();
    for (let k = 0; k < columns.length; k++) {
      byName.set(columns[k].name, batch.columns.get(requests[k].name) as DecodedColumn);
    }
    const access: ColumnAccess = {
      text: (name, i) => {
        const col = byName.get(name) as { ids: Int32Array };
        const id = col.ids[i];
        return id < 0 ? null : strings.values[id];
      },
      number: (name, i) => {
        const col = byName.get(name) as { values: Float64Array; nulls: Uint8Array | null };
        return col.nulls?.[i] ? null : col.values[i];
      },
      time: (name, i) => {
        const v = (byName.get(name) as { millis: Float64Array }).millis[i];
        return Number.isNaN(v) ? null : v;
      },
    };
    visit(access, batch.numRows, (i) => `${location}, row group ${rg}, row ${i}`);
  }
  return handle.numRows;
}

const dayOf = (millis: number) => new Date(millis).toISOString().slice(0, 10);

export async function readCurMonth(source: InputSource, query: CurQuery): Promise<CurMonth> {
  const files = await listCurFiles(treeBrowserOf(source), source.describe(), query);
  const strings = new StringTable();
  const decoder = new InlineDecoder(strings);
  const daily: AwsDailyRow[] = [];
  const hourly = new Map<string, AwsHourlyMax>();
  let inputRows = 0;
  try {
    for (const file of files) {
      if (file.granularity === "daily") {
        inputRows += await eachRowGroup(source, file, DAILY_COLUMNS, strings, decoder, (a, n, where) => {
          for (let i = 0; i < n; i++) daily.push(dailyRow(a, i, where));
        });
      } else {
        inputRows += await eachRowGroup(source, file, HOURLY_COLUMNS, strings, decoder, (a, n, where) => {
          for (let i = 0; i < n; i++) addHourly(hourly, a, i, where);
        });
      }
    }
  } finally {
    await decoder.close();
  }
  return { files, daily, hourly, inputRows };
}

function dailyRow(a: ColumnAccess, i: number, where: (i: number) => string): AwsDailyRow {
  const start = a.time("lineitem_usagestartdate", i);
  if (start === null) throw new CurReadError(`${where(i)}: lineitem_usagestartdate is null`);
  const str = (name: string) => a.text(name, i) ?? "";
  // Koku's converters turn empty money/usage text into 0.0 (safe_float): a null reads the same way.
  const num = (name: string) => a.number(name, i) ?? 0;
  const tags = a.text("resourcetags", i);
  const category = a.text("costcategory", i);
  return {
    rowUuid: a.text("row_uuid", i) || where(i),
    resourceId: str("lineitem_resourceid"),
    usageStart: dayOf(start),
    billingEntity: str("bill_billingentity"),
    productCode: str("lineitem_productcode"),
    productName: str("product_productname"),
    usageAccountId: str("lineitem_usageaccountid"),
    availabilityZone: str("lineitem_availabilityzone"),
    productFamily: str("product_productfamily"),
    instanceType: str("product_instancetype"),
    region: str("product_region"),
    unit: str("pricing_unit"),
    usageType: str("lineitem_usagetype"),
    operation: str("lineitem_operation"),
    lineItemType: str("lineitem_lineitemtype"),
    currencyCode: str("lineitem_currencycode"),
    // Koku writes json.dumps of the user tags ('{}' when none)
    resourceTags: tags === null || tags === "" ? "{}" : tags,
    costCategory: category === null || category === "" ? null : category,
    usageAmount: num("lineitem_usageamount"),
    unblendedCost: num("lineitem_unblendedcost"),
    blendedCost: num("lineitem_blendedcost"),
    savingsPlanEffectiveCost: num("savingsplan_savingsplaneffectivecost"),
  };
}

function addHourly(
  into: Map<string, AwsHourlyMax>,
  a: ColumnAccess,
  i: number,
  where: (i: number) => string,
): void {
  const start = a.time("lineitem_usagestartdate", i);
  if (start === null) throw new CurReadError(`${where(i)}: lineitem_usagestartdate is null`);
  const resourceId = a.text("lineitem_resourceid", i) ?? "";
  if (resourceId === "") return;
  const day = dayOf(start);
  const key = `${resourceId}\u0000${day}`;
  const cost = a.number("lineitem_unblendedcost", i);
  const rate = a.number("lineitem_unblendedrate", i);
  const entry = into.get(key);
  if (!entry) {
    into.set(key, {
      resourceId,
      day,
      maxUnblendedCost: cost ?? Number.NEGATIVE_INFINITY,
      maxUnblendedRate: rate ?? Number.NEGATIVE_INFINITY,
    });
    return;
  }
  if (cost !== null && cost > entry.maxUnblendedCost) entry.maxUnblendedCost = cost;
  if (rate !== null && rate > entry.maxUnblendedRate) entry.maxUnblendedRate = rate;
}
