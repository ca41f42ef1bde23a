/**
 * Decodes one flat column chunk (all pages of one column in one row group) into typed arrays.
 * Dictionary pages are decoded and interned once; data pages then map codes → global ids with one array
 * lookup per row. PLAIN text goes from page bytes to ids without a per-value string (byte-strings.ts).
 * Measures become Float64Array, timestamps UTC epoch milliseconds. Definition levels decode into a byte
 * array, not a JS array: the common encodings (PLAIN, RLE_DICTIONARY; data pages v1 and v2) never allocate
 * per value. Rarer encodings (DELTA_*, BYTE_STREAM_SPLIT) fall back to hyparquet's page readers (hyparquet.ts).
 */
import type { ColumnKind, DecodedColumn } from "../model.js";
import type { ByteStringIds } from "./byte-strings.js";
import {
  type DataPageHeader,
  type DataPageHeaderV2,
  decodeDataPageV1,
  decodeDataPageV2,
  decompress,
  type PageColumn,
  type PageHeader,
  type ParquetType,
  readPageHeader,
  readPlainValues,
  readRleBitPacked,
  type SchemaElement,
} from "./hyparquet.js";

export interface ChunkDecodeOptions extends PageColumn {
  kind: ColumnKind;
  numRows: number;
  strings: ByteStringIds;
}

/** Converts physical values (a page or a dictionary) into the engine's representation. */
type ValueConverter = (raw: ArrayLike<unknown>) => Float64Array | Int32Array;

interface PageValues {
  /** Definition levels (null when every row of the page is non-null). */
  defs: Uint8Array | null;
  /** Non-null values, already in the engine's representation. */
  values: Float64Array | Int32Array;
  rows: number;
}

export function decodeColumnChunk(bytes: Uint8Array, opts: ChunkDecodeOptions): DecodedColumn {
  if (opts.schemaPath.length !== 2) throw new Error("nested columns are not supported here");
  const convert = converterFor(opts);
  const isString = opts.kind === "string";
  const out: Float64Array | Int32Array = isString
    ? new Int32Array(opts.numRows)
    : new Float64Array(opts.numRows);
  let nulls: Uint8Array | null = null;
  const nullValue = isString ? -1 : Number.NaN;
  let dictionary: Float64Array | Int32Array | null = null;

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  let row = 0;
  while (row < opts.numRows) {
    if (reader.offset >= bytes.byteLength) {
      throw new Error(
        `column chunk ended after ${row} of ${opts.numRows} rows (corrupt or truncated page data)`,
      );
    }
    const header = readPageHeader(reader);
    const size = header.compressed_page_size;
    if (!(size >= 0) || reader.offset + size > bytes.byteLength)
      throw new Error("page runs past the column chunk");
    const pageBytes = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;

    let page: PageValues;
    if (header.type === "DICTIONARY_PAGE") {
      const dph = header.dictionary_page_header;
      if (!dph) throw new Error("dictionary page without header");
      const raw = decompress(pageBytes, header.uncompressed_page_size, opts.codec, opts.compressors);
      dictionary = plainValues(raw, 0, dph.num_values, opts, convert);
      continue;
    } else if (header.type === "DATA_PAGE") {
      const daph = header.data_page_header;
      if (!daph) throw new Error("data page without header");
      const raw = decompress(pageBytes, header.uncompressed_page_size, opts.codec, opts.compressors);
      page = dataPageV1(raw, daph, opts, convert, dictionary);
    } else if (header.type === "DATA_PAGE_V2") {
      const daph2 = header.data_page_header_v2;
      if (!daph2) throw new Error("data page v2 without header");
      page = dataPageV2(pageBytes, header, daph2, opts, convert, dictionary);
    } else {
      continue; // index pages carry nothing we need
    }
    if (row + page.rows > opts.numRows) throw new Error("pages hold more rows than the row group");

    const { defs, values } = page;
    if (defs === null) {
      if (values.length !== page.rows)
        throw new Error(`page holds ${values.length} values for ${page.rows} rows`);
      out.set(values, row);
    } else {
      const maxDef = opts.maxDefinitionLevel;
      let j = 0;
      for (let i = 0; i < page.rows; i++) {
        if (defs[i] === maxDef) {
          out[row + i] = values[j++];
        } else {
          out[row + i] = nullValue;
          nulls ??= new Uint8Array(opts.numRows);
          nulls[row + i] = 1;
        }
      }
      if (j !== values.length) throw new Error("definition levels and values disagree");
    }
    row += page.rows;
  }

  if (opts.kind === "string") return { kind: "string", ids: out as Int32Array };
  if (opts.kind === "timestamp") return { kind: "timestamp", millis: out as Float64Array };
  return { kind: "double", values: out as Float64Array, nulls };
}

function dataPageV1(
  raw: Uint8Array,
  daph: DataPageHeader,
  opts: ChunkDecodeOptions,
  convert: ValueConverter,
  dictionary: Float64Array | Int32Array | null,
): PageValues {
  const rows = daph.num_values;
  let offset = 0;
  let defs: Uint8Array | null = null;
  let present = rows;
  if (opts.maxDefinitionLevel > 0) {
    defs = new Uint8Array(rows);
    const reader = { view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: 0 };
    readRleBitPacked(reader, bitWidth(opts.maxDefinitionLevel), defs);
    offset = reader.offset;
    present = countPresent(defs, opts.maxDefinitionLevel);
    if (present === rows) defs = null;
  }
  const values = pageValues(raw, offset, present, daph.encoding, opts, convert, dictionary);
  if (values) return { defs, values, rows };
  // Rare encodings: let hyparquet decode the page.
  const decoded = decodeDataPageV1(raw, daph, opts);
  return fallback(decoded.definitionLevels, decoded.dataPage, rows, daph.encoding, opts, convert, dictionary);
}

function dataPageV2(
  pageBytes: Uint8Array,
  header: PageHeader,
  daph2: DataPageHeaderV2,
  opts: ChunkDecodeOptions,
  convert: ValueConverter,
  dictionary: Float64Array | Int32Array | null,
): PageValues {
  const rows = daph2.num_rows;
  if (daph2.num_values !== rows) throw new Error("repeated values in a flat column");
  const repLength = daph2.repetition_levels_byte_length;
  const defLength = daph2.definition_levels_byte_length;
  let defs: Uint8Array | null = null;
  let present = rows;
  if (opts.maxDefinitionLevel > 0 && defLength > 0) {
    defs = new Uint8Array(rows);
    const reader = {
      view: new DataView(pageBytes.buffer, pageBytes.byteOffset, pageBytes.byteLength),
      offset: repLength,
    };
    readRleBitPacked(reader, bitWidth(opts.maxDefinitionLevel), defs, defLength);
    present = countPresent(defs, opts.maxDefinitionLevel);
    if (present === rows) defs = null;
  }
  let raw = pageBytes.subarray(repLength + defLength);
  if (daph2.is_compressed !== false) {
    raw = decompress(
      raw,
      header.uncompressed_page_size - repLength - defLength,
      opts.codec,
      opts.compressors,
    );
  }
  const values = pageValues(raw, 0, present, daph2.encoding, opts, convert, dictionary);
  if (values) return { defs, values, rows };
  const decoded = decodeDataPageV2(pageBytes, header, opts);
  return fallback(
    decoded.definitionLevels,
    decoded.dataPage,
    rows,
    daph2.encoding,
    opts,
    convert,
    dictionary,
  );
}

/** Values of the common encodings, or null for an encoding left to hyparquet. */
function pageValues(
  raw: Uint8Array,
  offset: number,
  count: number,
  encoding: string,
  opts: ChunkDecodeOptions,
  convert: ValueConverter,
  dictionary: Float64Array | Int32Array | null,
): Float64Array | Int32Array | null {
  if (encoding === "PLAIN") return plainValues(raw, offset, count, opts, convert);
  if (encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY") {
    if (!dictionary) throw new Error("dictionary-coded page without a dictionary page");
    const codes = new Int32Array(count);
    if (count > 0) {
      const reader = { view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset };
      const width = raw[offset];
      reader.offset++;
      if (width > 0) readRleBitPacked(reader, width, codes, raw.byteLength - reader.offset);
    }
    return lookup(dictionary, codes);
  }
  return null;
}

function plainValues(
  raw: Uint8Array,
  offset: number,
  count: number,
  opts: ChunkDecodeOptions,
  convert: ValueConverter,
): Float64Array | Int32Array {
  if (opts.kind === "string" && opts.type === "BYTE_ARRAY")
    return plainStrings(raw, offset, count, opts.strings);
  if (opts.kind === "double" && opts.type === "DOUBLE") {
    if (offset + count * 8 > raw.byteLength) throw new Error("values run past the page (corrupt page)");
    const start = raw.byteOffset + offset;
    // A Float64Array view needs 8-byte alignment; copy otherwise.
    return start % 8 === 0
      ? new Float64Array(raw.buffer, start, count)
      : new Float64Array(raw.slice(offset, offset + count * 8).buffer);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return convert(readPlainValues({ view, offset }, opts.type, count, opts.element.type_length));
}

function fallback(
  definitionLevels: ArrayLike<number> | undefined,
  dataPage: ArrayLike<unknown>,
  rows: number,
  encoding: string,
  opts: ChunkDecodeOptions,
  convert: ValueConverter,
  dictionary: Float64Array | Int32Array | null,
): PageValues {
  let defs: Uint8Array | null = null;
  if (definitionLevels && definitionLevels.length > 0) {
    defs = Uint8Array.from(definitionLevels);
    if (countPresent(defs, opts.maxDefinitionLevel) === rows) defs = null;
  }
  const dictionaryCoded = encoding.endsWith("_DICTIONARY") || (encoding === "RLE" && opts.type !== "BOOLEAN");
  if (dictionaryCoded) {
    if (!dictionary) throw new Error("dictionary-coded page without a dictionary page");
    return { defs, values: lookup(dictionary, dataPage as ArrayLike<number>), rows };
  }
  return { defs, values: convert(dataPage), rows };
}

function countPresent(defs: Uint8Array, maxDef: number): number {
  let n = 0;
  for (let i = 0; i < defs.length; i++) if (defs[i] === maxDef) n++;
  return n;
}

function lookup(dictionary: Float64Array | Int32Array, codes: ArrayLike<number>): Float64Array | Int32Array {
  const n = codes.length;
  const out = dictionary instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
  const size = dictionary.length;
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code >= size)
      throw new Error(`dictionary code ${code} out of range (dictionary has ${size} entries)`);
    out[i] = dictionary[code];
  }
  return out;
}

/** `count` PLAIN byte-array values (4-byte length + bytes each) → string ids. */
function plainStrings(page: Uint8Array, start: number, count: number, strings: ByteStringIds): Int32Array {
  const ids = new Int32Array(count);
  let offset = start;
  const end = page.length;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > end) throw new Error("text value runs past the page (corrupt page)");
    const length =
      page[offset] | (page[offset + 1] << 8) | (page[offset + 2] << 16) | (page[offset + 3] << 24);
    offset += 4;
    if (length < 0 || offset + length > end) throw new Error("text value runs past the page (corrupt page)");
    try {
      ids[i] = strings.idOf(page, offset, length);
    } catch (err) {
      if (err instanceof TypeError) throw new Error("text value is not valid UTF-8");
      throw err;
    }
    offset += length;
  }
  return ids;
}

function converterFor(opts: ChunkDecodeOptions): ValueConverter {
  const { kind, type, element } = opts;
  const columnType = describeType(element, type);
  if (kind === "string") {
    if (type !== "BYTE_ARRAY") throw new Error(`expected a text column, found ${columnType}`);
    return (raw) => {
      const ids = new Int32Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const bytes = raw[i] as Uint8Array;
        ids[i] = opts.strings.idOf(bytes, 0, bytes.length);
      }
      return ids;
    };
  }
  if (kind === "double") {
    if (type === "DOUBLE" || type === "FLOAT" || type === "INT32") {
      return (raw) => Float64Array.from(raw as ArrayLike<number>);
    }
    if (type === "INT64") {
      return (raw) => {
        const values = raw as BigInt64Array;
        const out = new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
        return out;
      };
    }
    throw new Error(`expected a numeric column, found ${columnType}`);
  }
  // timestamps → UTC epoch milliseconds
  if (type === "INT96") {
    return (raw) => {
      const out = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i] as bigint;
        const julianDay = Number(v >> 64n);
        const nanosOfDay = Number(BigInt.asUintN(64, v));
        out[i] = (julianDay - 2440588) * 86_400_000 + Math.floor(nanosOfDay / 1e6);
      }
      return out;
    };
  }
  if (type === "INT64") {
    const unit = timestampUnit(element);
    if (!unit) throw new Error(`expected a timestamp column, found ${columnType}`);
    const divisor = unit === "MILLIS" ? 1n : unit === "MICROS" ? 1000n : 1_000_000n;
    return (raw) => {
      const values = raw as BigInt64Array;
      const out = new Float64Array(values.length);
      // floor division keeps pre-1970 instants on the right day
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        let q = v / divisor;
        if (v < 0n && q * divisor !== v) q -= 1n;
        out[i] = Number(q);
      }
      return out;
    };
  }
  if (type === "INT32" && (element.converted_type === "DATE" || element.logical_type?.type === "DATE")) {
    return (raw) => {
      const out = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = (raw[i] as number) * 86_400_000;
      return out;
    };
  }
  throw new Error(`expected a timestamp column, found ${columnType}`);
}

function timestampUnit(element: SchemaElement): "MILLIS" | "MICROS" | "NANOS" | null {
  const logical = element.logical_type;
  if (logical?.type === "TIMESTAMP") return logical.unit as "MILLIS" | "MICROS" | "NANOS";
  if (element.converted_type === "TIMESTAMP_MILLIS") return "MILLIS";
  if (element.converted_type === "TIMESTAMP_MICROS") return "MICROS";
  return null;
}

function describeType(element: SchemaElement, type: ParquetType): string {
  const logical = element.logical_type?.type ?? element.converted_type;
  return logical ? `${type} (${logical})` : type;
}

function bitWidth(value: number): number {
  return 32 - Math.clz32(value);
}
