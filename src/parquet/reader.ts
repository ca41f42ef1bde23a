/**
 * The one module that knows the Parquet library. It reads ONE row group at a time and ONLY the columns asked
 * for, and hands strings over as integer ids (dictionary codes mapped once per dictionary page to global ids),
 * never as per-row string objects. Built on hyparquet's metadata and page decoders, with a fast path for the flat
 * (non-nested) columns Koku writes.
 */

import type { ByteSource, ColumnKind, ColumnRequest, DecodedColumn, RowGroupBatch } from "../model.js";
import type { ChunkDecoder, ChunkTask } from "./chunk-task.js";
import { ChunkDecodeError, ParquetReadError } from "./errors.js";
import { columnStatistics, type FileMetaData, readFooter, type SchemaElement } from "./hyparquet.js";

// The decoded-batch types are the engine's contract and live in model.ts; re-exported for parquet/'s users.
export type { ColumnKind, ColumnRequest, DecodedColumn, RowGroupBatch, StringInterner } from "../model.js";
export type { ChunkDecoder } from "./chunk-task.js";
export { InlineDecoder, WorkerDecoder } from "./decoders.js";
export { ParquetReadError } from "./errors.js";

export interface ParquetFileHandle {
  location: string;
  metadata: FileMetaData;
  numRows: number;
  rowGroupRows: number[];
  columnNames: Set<string>;
}

export async function openParquetFile(location: string, source: ByteSource): Promise<ParquetFileHandle> {
  if (source.byteLength < 12) {
    throw new ParquetReadError(location, null, null, `not a Parquet file: only ${source.byteLength} bytes`);
  }
  let metadata: FileMetaData;
  try {
    metadata = await readFooter(source);
  } catch (err) {
    throw new ParquetReadError(
      location,
      null,
      null,
      `unreadable Parquet footer: ${(err as Error).message}`,
      err,
    );
  }
  const columnNames = new Set<string>();
  for (const element of metadata.schema.slice(1)) columnNames.add(element.name);
  return {
    location,
    metadata,
    numRows: Number(metadata.num_rows),
    rowGroupRows: metadata.row_groups.map((rg) => Number(rg.num_rows)),
    columnNames,
  };
}

/** Reads one row group, only the requested columns. */
export async function readRowGroup(
  file: ParquetFileHandle,
  source: ByteSource,
  rowGroup: number,
  requests: readonly ColumnRequest[],
  decoder: ChunkDecoder,
): Promise<RowGroupBatch> {
  const group = file.metadata.row_groups[rowGroup];
  const numRows = Number(group.num_rows);
  const plans: {
    request: ColumnRequest;
    element: SchemaElement;
    start: number;
    end: number;
    chunkIndex: number;
  }[] = [];
  const columns = new Map<string, DecodedColumn>();
  for (const request of requests) {
    const chunkIndex = group.columns.findIndex(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === request.name,
    );
    if (chunkIndex < 0) {
      if (request.required) {
        throw new ParquetReadError(file.location, rowGroup, request.name, "required column is missing");
      }
      columns.set(request.name, allNullColumn(request.kind, numRows));
      continue;
    }
    const meta = group.columns[chunkIndex].meta_data;
    if (!meta)
      throw new ParquetReadError(file.location, rowGroup, request.name, "column chunk has no metadata");
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const end = start + Number(meta.total_compressed_size);
    if (start < 0 || end > source.byteLength) {
      throw new ParquetReadError(file.location, rowGroup, request.name, "column chunk lies outside the file");
    }
    const element = file.metadata.schema.find((e) => e.name === request.name) as SchemaElement;
    plans.push({ request, element, start, end, chunkIndex });
  }

  const fetched = await fetchRanges(
    source,
    plans.map((p) => [p.start, p.end]),
    file.location,
  );
  let bytes = 0;
  const tasks: ChunkTask[] = plans.map((plan, i) => {
    const meta = group.columns[plan.chunkIndex].meta_data as NonNullable<
      (typeof group.columns)[number]["meta_data"]
    >;
    bytes += fetched[i].byteLength;
    return {
      bytes: fetched[i],
      name: plan.request.name,
      kind: plan.request.kind,
      numRows,
      type: meta.type,
      codec: meta.codec,
      schema: file.metadata.schema,
    };
  });
  let decoded: DecodedColumn[];
  try {
    decoded = await decoder.decode(tasks);
  } catch (err) {
    if (err instanceof ChunkDecodeError) {
      throw new ParquetReadError(file.location, rowGroup, err.column, err.message, err);
    }
    throw new ParquetReadError(file.location, rowGroup, null, (err as Error).message, err);
  }
  for (let i = 0; i < plans.length; i++) columns.set(plans[i].request.name, decoded[i]);
  return { location: file.location, rowGroup, numRows, columns, bytes };
}

function allNullColumn(kind: ColumnKind, numRows: number): DecodedColumn {
  if (kind === "string") return { kind, ids: new Int32Array(numRows).fill(-1) };
  if (kind === "timestamp") return { kind, millis: new Float64Array(numRows).fill(Number.NaN) };
  return { kind, values: new Float64Array(numRows), nulls: new Uint8Array(numRows).fill(1) };
}

/** Coalesces nearby byte ranges into fewer reads (matters on S3), then cuts them back apart. */
async function fetchRanges(
  source: ByteSource,
  ranges: [number, number][],
  location: string,
): Promise<Uint8Array[]> {
  const MAX_GAP = 256 * 1024;
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a][0] - ranges[b][0]);
  const merged: { start: number; end: number; members: number[] }[] = [];
  for (const i of order) {
    const [start, end] = ranges[i];
    const last = merged[merged.length - 1];
    if (last && start - last.end <= MAX_GAP) {
      last.end = Math.max(last.end, end);
      last.members.push(i);
    } else {
      merged.push({ start, end, members: [i] });
    }
  }
  const out: Uint8Array[] = new Array(ranges.length);
  await Promise.all(
    merged.map(async (m) => {
      const buffer = await source.slice(m.start, m.end);
      if (buffer.byteLength !== m.end - m.start) {
        throw new ParquetReadError(
          location,
          null,
          null,
          `short read: wanted bytes ${m.start}-${m.end}, got ${buffer.byteLength} (file truncated?)`,
        );
      }
      for (const i of m.members) {
        out[i] = new Uint8Array(buffer, ranges[i][0] - m.start, ranges[i][1] - ranges[i][0]);
      }
    }),
  );
  return out;
}

/** Min/max of a column's statistics in one row group, as hyparquet parsed them (null when not recorded). */
export function rowGroupStatistics(
  file: ParquetFileHandle,
  rowGroup: number,
  column: string,
): { min: unknown; max: unknown } | null {
  return columnStatistics(file.metadata, rowGroup, column);
}
