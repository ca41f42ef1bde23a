/**
 * Plain sequential reads for the steps beyond the daily summary (inventory, GPU, VM): the chosen files of a
 * report type, row group by row group, only the asked columns, strings as ids of the caller's interner.
 * Their inputs are small beside the summary's (daily trees, few columns), so no read-ahead or worker.
 */
import type { AnyReportType, Granularity, InputFile, InputSource } from "../model.js";
import {
  type ColumnRequest,
  InlineDecoder,
  openParquetFile,
  type RowGroupBatch,
  readRowGroup,
  type StringInterner,
} from "../parquet/reader.js";

export interface ScanStats {
  files: number;
  rows: number;
  bytes: number;
}

/**
 * The files of one report type in the tree Koku's query reads (`prefer`), falling back to the other tree
 * when that one has none (an ingest that wrote only one of them). Sorted by location.
 */
export function filesOf(
  files: readonly InputFile[],
  reportType: AnyReportType,
  prefer: Granularity,
): InputFile[] {
  const of = (granularity: Granularity) =>
    files
      .filter((f) => f.reportType === reportType && f.granularity === granularity)
      .sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  const preferred = of(prefer);
  return preferred.length > 0 ? preferred : of(prefer === "daily" ? "hourly" : "daily");
}

/** Reads every row group of `files` in order and hands each batch to `onBatch`. */
export async function scanFiles(
  source: InputSource,
  files: readonly InputFile[],
  columns: readonly ColumnRequest[],
  interner: StringInterner,
  onBatch: (batch: RowGroupBatch, file: InputFile) => void,
): Promise<ScanStats> {
  const decoder = new InlineDecoder(interner);
  const stats: ScanStats = { files: 0, rows: 0, bytes: 0 };
  try {
    for (const file of files) {
      const bytes = await source.open(file);
      const handle = await openParquetFile(file.location, bytes);
      for (let rowGroup = 0; rowGroup < handle.rowGroupRows.length; rowGroup++) {
        const batch = await readRowGroup(handle, bytes, rowGroup, columns, decoder);
        onBatch(batch, file);
        stats.rows += batch.numRows;
        stats.bytes += batch.bytes;
      }
      stats.files++;
    }
  } finally {
    await decoder.close();
  }
  return stats;
}

/** Column requests: the required ones fail the read when absent, the optional ones read as null. */
export function columnRequests(
  required: readonly string[],
  optional: readonly string[],
  kindOf: (name: string) => ColumnRequest["kind"],
): ColumnRequest[] {
  return [
    ...required.map((name) => ({ name, kind: kindOf(name), required: true })),
    ...optional.map((name) => ({ name, kind: kindOf(name), required: false })),
  ];
}
