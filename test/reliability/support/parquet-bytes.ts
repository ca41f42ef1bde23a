/**
 * Byte-level damage to a Parquet file: find a column chunk's pages through the footer and overwrite bytes in
 * place, so a test can break one page and leave the rest of the file readable.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type ColumnMetaData, parquetMetadata } from "hyparquet";

/** Footer metadata of one column chunk (by its top-level column name) in one row group. */
export function columnChunkMeta(path: string, rowGroup: number, column: string): ColumnMetaData {
  const bytes = readFileSync(path);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const chunk = metadata.row_groups[rowGroup].columns.find((c) => c.meta_data?.path_in_schema[0] === column);
  if (!chunk?.meta_data) throw new Error(`no chunk for ${column} in row group ${rowGroup}`);
  return chunk.meta_data;
}

/** Byte range of one column chunk's first data page header, from the footer. */
export function dataPageOffset(path: string, rowGroup: number, column: string): number {
  return Number(columnChunkMeta(path, rowGroup, column).data_page_offset);
}

export function overwrite(path: string, offset: number, bytes: number[]): void {
  const data = readFileSync(path);
  Buffer.from(bytes).copy(data, offset);
  writeFileSync(path, data);
}
