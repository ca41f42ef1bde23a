/**
 * The one door to hyparquet (and hyparquet-compressors). The reader uses its public footer parser; the fast
 * column decoder uses internals under `hyparquet/src/*.js` that semver does not cover, so package.json pins
 * hyparquet exactly and test/parquet/hyparquet-adapter.test.ts fails loudly when an upgrade moves them.
 * Everything here is typed in hyparquet's own terms; no caller needs a cast.
 */
import type {
  CompressionCodec,
  Compressors,
  DataPageHeader,
  DataReader,
  DecodedArray,
  FileMetaData,
  PageHeader,
  ParquetType,
  SchemaElement,
  SchemaTree,
} from "hyparquet";
import { parquetMetadataAsync } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { readPlain } from "hyparquet/src/plain.js";
import { getMaxDefinitionLevel, getSchemaPath } from "hyparquet/src/schema.js";
import type { ColumnDecoder, DataPage } from "hyparquet/src/types.js";
import { compressors as allCompressors } from "hyparquet-compressors";
import type { ByteSource } from "../model.js";

export type { DataPageHeaderV2 } from "hyparquet/src/types.js";
export type {
  CompressionCodec,
  Compressors,
  DataPage,
  DataPageHeader,
  DataReader,
  DecodedArray,
  FileMetaData,
  PageHeader,
  ParquetType,
  SchemaElement,
  SchemaTree,
};

/** Every codec hyparquet-compressors decodes (SNAPPY, GZIP, ZSTD, BROTLI, LZ4). */
export const compressors: Compressors = allCompressors;

/** The file's footer (schema, row groups, statistics). */
export function readFooter(source: ByteSource): Promise<FileMetaData> {
  return parquetMetadataAsync(source);
}

/** What a decoder needs to know of one top-level column. */
export interface ColumnSchema {
  element: SchemaElement;
  /** Root to leaf; a flat column has two entries. */
  schemaPath: SchemaTree[];
  maxDefinitionLevel: number;
}

export function columnSchema(schema: SchemaElement[], name: string): ColumnSchema {
  const schemaPath = getSchemaPath(schema, [name]);
  return {
    element: schemaPath[schemaPath.length - 1].element,
    schemaPath,
    maxDefinitionLevel: getMaxDefinitionLevel(schemaPath),
  };
}

/** Min and max statistics of a top-level column in one row group, when the writer recorded them. */
export function columnStatistics(
  metadata: FileMetaData,
  rowGroup: number,
  name: string,
): { min: unknown; max: unknown } | null {
  const chunk = metadata.row_groups[rowGroup]?.columns.find(
    (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
  );
  const stats = chunk?.meta_data?.statistics;
  if (!stats) return null;
  return { min: stats.min_value ?? stats.min, max: stats.max_value ?? stats.max };
}

/** Reads one page header, leaving the reader at the page's data. */
export function readPageHeader(reader: DataReader): PageHeader {
  return parquetHeader(reader);
}

export function decompress(
  bytes: Uint8Array,
  uncompressedSize: number,
  codec: CompressionCodec,
  codecs: Compressors,
): Uint8Array {
  return decompressPage(bytes, uncompressedSize, codec, codecs);
}

/** RLE / bit-packed hybrid values (definition levels, dictionary codes) into `output`. */
export function readRleBitPacked(
  reader: DataReader,
  bitWidth: number,
  output: Uint8Array | Int32Array,
  length?: number,
): void {
  readRleBitPackedHybrid(reader, bitWidth, output, length);
}

export function readPlainValues(
  reader: DataReader,
  type: ParquetType,
  count: number,
  fixedLength: number | undefined,
): DecodedArray {
  return readPlain(reader, type, count, fixedLength);
}

/** A column as hyparquet's page readers see it. */
export interface PageColumn extends ColumnSchema {
  type: ParquetType;
  codec: CompressionCodec;
  compressors: Compressors;
}

function columnDecoder(column: PageColumn): ColumnDecoder {
  return {
    pathInSchema: [column.element.name],
    type: column.type,
    element: column.element,
    schemaPath: column.schemaPath,
    codec: column.codec,
    parsers: DEFAULT_PARSERS,
    compressors: column.compressors,
  };
}

/** hyparquet's own decoding of a (decompressed) v1 data page, for the encodings the fast path leaves to it. */
export function decodeDataPageV1(raw: Uint8Array, header: DataPageHeader, column: PageColumn): DataPage {
  return readDataPage(raw, header, columnDecoder(column));
}

/** hyparquet's own decoding of a v2 data page (still compressed; levels are never compressed in v2). */
export function decodeDataPageV2(pageBytes: Uint8Array, header: PageHeader, column: PageColumn): DataPage {
  return readDataPageV2(pageBytes, header, columnDecoder(column));
}
