/**
 * Koku's F2 reads the OCP daily summary from its Hive copy (`hive.<schema>.reporting_ocpusagelineitem_daily_summary`,
 * spec §2.1), filtered by partition: `source = <OCP source>`, `year`, `lpad(month, 2, '0')` and `day IN (<unpadded
 * days>)`. Koku's Hive warehouse is `<bucket>/data/` (metastore.warehouse.dir), so a Trino-created table lives at
 *   <input root>/data/<schema>.db/reporting_ocpusagelineitem_daily_summary/source=<uuid>/year=<y>/month=<m>/day=<d>/
 * which is where `aggregate --summary-parquet` writes when given that folder. When the source's month has files
 * there, the OCP-on-AWS run reads them instead of computing the rows; otherwise the run computes them.
 */
import { join } from "node:path";
import type { ByteSource, DecodedColumn, InputFile, InputSource, SummaryRow } from "../../model.js";
import { InlineDecoder, openParquetFile, readRowGroup } from "../../parquet/reader.js";
import { joinPath } from "../../source/layout.js";
import { treeBrowserOf } from "../source/cur-layout.js";
import { StringTable } from "./string-table.js";

export const SUMMARY_HIVE_TABLE = "reporting_ocpusagelineitem_daily_summary";

export class SummaryCopyReadError extends Error {}

/** The summary columns F2 reads: from our engine's rows or from the Parquet copy of the summary. */
export type SummaryInputRow = Pick<
  SummaryRow,
  | "source_uuid"
  | "cluster_id"
  | "cluster_alias"
  | "data_source"
  | "usage_start"
  | "namespace"
  | "node"
  | "resource_id"
  | "pod_labels"
  | "volume_labels"
  | "pod_effective_usage_cpu_core_hours"
  | "pod_effective_usage_memory_gigabyte_hours"
  | "node_capacity_cpu_core_hours"
  | "node_capacity_memory_gigabyte_hours"
  | "persistentvolumeclaim"
  | "persistentvolume"
  | "storageclass"
  | "persistentvolumeclaim_capacity_gigabyte"
  | "cost_category_id"
>;

/** The summary columns F2 reads, as they come from the copy. */
export type SummaryCopyRow = SummaryInputRow & {
  /** The Storage rows' CSI handle; undefined when the file has no such column (a copy written before it had one). */
  csi_volume_handle: string | null | undefined;
};

export interface SummaryCopy {
  /** The table folder relative to the input root. */
  table: string;
  files: string[];
  rows: SummaryCopyRow[];
}

/** The table's folder under the input root for a tenant schema. */
export function summaryCopyTable(schema: string): string {
  return joinPath("data", `${schema}.db`, SUMMARY_HIVE_TABLE);
}

const TEXT_COLUMNS = [
  "cluster_id",
  "cluster_alias",
  "namespace",
  "node",
  "resource_id",
  "pod_labels",
  "volume_labels",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
] as const;
const NUMBER_COLUMNS = [
  "pod_effective_usage_cpu_core_hours",
  "pod_effective_usage_memory_gigabyte_hours",
  "node_capacity_cpu_core_hours",
  "node_capacity_memory_gigabyte_hours",
  "persistentvolumeclaim_capacity_gigabyte",
  "cost_category_id",
] as const;

const dayNumbers = (startDate: string, endDate: string) => {
  const days: number[] = [];
  for (let d = Number(startDate.slice(8, 10)); d <= Number(endDate.slice(8, 10)); d++) days.push(d);
  return days;
};

/**
 * The copy's rows of one OCP source and day range, or null when the source's month has no file there.
 * Day partitions are Koku's unpadded `day=<d>`; the month folder may be padded or not (Koku compares it padded).
 */
export async function readSummaryCopy(
  source: InputSource,
  query: {
    schema: string;
    sourceUuid: string;
    year: number;
    month: number;
    startDate: string;
    endDate: string;
  },
): Promise<SummaryCopy | null> {
  const browser = treeBrowserOf(source);
  const table = summaryCopyTable(query.schema);
  const yearPath = joinPath(table, `source=${query.sourceUuid}`, `year=${query.year}`);
  const monthFolders = (await browser.listFolders(yearPath)).filter(
    (f) => f.startsWith("month=") && f.slice(6).padStart(2, "0") === String(query.month).padStart(2, "0"),
  );
  const files: { path: string; size: number }[] = [];
  for (const monthFolder of monthFolders) {
    const monthPath = joinPath(yearPath, monthFolder);
    for (const entry of await browser.listFilesBelow(monthPath)) {
      if (
        entry.relativePath.endsWith(".parquet") &&
        !entry.relativePath.split("/").some((p) => p.startsWith("."))
      )
        files.push({ path: joinPath(monthPath, entry.relativePath), size: entry.size });
    }
  }
  if (files.length === 0) return null;
  const days = new Set(dayNumbers(query.startDate, query.endDate).map((d) => `day=${d}`));
  const inRange = files
    .filter((f) => days.has(f.path.split("/").find((p) => p.startsWith("day=")) ?? ""))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const texts = new StringTable();
  const decoder = new InlineDecoder(texts);
  const rows: SummaryCopyRow[] = [];
  try {
    for (const file of inRange)
      rows.push(...(await readFile(source, file, query.sourceUuid, texts, decoder)));
  } finally {
    await decoder.close();
  }
  return { table, files: inRange.map((f) => f.path), rows };
}

function locationOf(source: InputSource, path: string): string {
  const root = source.describe();
  if (root.startsWith("s3://")) return `${root.endsWith("/") ? root : `${root}/`}${path}`;
  return join(root, ...path.split("/"));
}

async function readFile(
  source: InputSource,
  file: { path: string; size: number },
  sourceUuid: string,
  texts: StringTable,
  decoder: InlineDecoder,
): Promise<SummaryCopyRow[]> {
  const location = locationOf(source, file.path);
  const input: InputFile = { reportType: "pod_usage", granularity: "daily", location, size: file.size };
  const bytes: ByteSource = await source.open(input);
  const handle = await openParquetFile(location, bytes);
  const hasHandle = handle.columnNames.has("csi_volume_handle");
  const requests = [
    { name: "data_source", kind: "string" as const, required: true },
    { name: "usage_start", kind: "timestamp" as const, required: true },
    ...TEXT_COLUMNS.map((name) => ({ name, kind: "string" as const, required: true })),
    ...NUMBER_COLUMNS.map((name) => ({ name, kind: "double" as const, required: true })),
    ...(hasHandle ? [{ name: "csi_volume_handle", kind: "string" as const, required: true }] : []),
  ];
  const rows: SummaryCopyRow[] = [];
  for (let rg = 0; rg < handle.rowGroupRows.length; rg++) {
    const batch = await readRowGroup(handle, bytes, rg, requests, decoder);
    const column = (name: string) => batch.columns.get(name) as DecodedColumn;
    const text = (name: string) => {
      const ids = (column(name) as { ids: Int32Array }).ids;
      return (i: number) => (ids[i] < 0 ? null : texts.values[ids[i]]);
    };
    const number = (name: string) => {
      const c = column(name) as { values: Float64Array; nulls: Uint8Array | null };
      return (i: number) => (c.nulls?.[i] ? null : c.values[i]);
    };
    const dataSource = text("data_source");
    const start = (column("usage_start") as { millis: Float64Array }).millis;
    const textOf = Object.fromEntries(TEXT_COLUMNS.map((n) => [n, text(n)]));
    const numberOf = Object.fromEntries(NUMBER_COLUMNS.map((n) => [n, number(n)]));
    const csi = hasHandle ? text("csi_volume_handle") : () => undefined;
    for (let i = 0; i < batch.numRows; i++) {
      const where = `${location}, row group ${rg}, row ${i}`;
      const kind = dataSource(i);
      if (kind !== "Pod" && kind !== "Storage")
        throw new SummaryCopyReadError(
          `${where}: data_source must be Pod or Storage, got ${JSON.stringify(kind)}`,
        );
      if (Number.isNaN(start[i])) throw new SummaryCopyReadError(`${where}: usage_start is null`);
      const row = {
        source_uuid: sourceUuid,
        data_source: kind,
        usage_start: dayOf(start[i]),
      } as SummaryCopyRow;
      const record = row as unknown as Record<string, unknown>;
      for (const n of TEXT_COLUMNS) record[n] = textOf[n](i);
      for (const n of NUMBER_COLUMNS) record[n] = numberOf[n](i);
      row.csi_volume_handle = csi(i);
      rows.push(row);
    }
  }
  return rows;
}

const dayOf = (millis: number) => new Date(millis).toISOString().slice(0, 10);
