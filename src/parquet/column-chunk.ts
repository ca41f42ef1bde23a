/**
 * Decodes one flat column chunk (all pages of one column in one row group) into typed arrays.
 * Dictionary pages are decoded and interned once; data pages then map codes → global ids with one array
 * lookup per row. Measures become Float64Array, timestamps UTC epoch milliseconds.
 */
import type { Compressors, ParquetType, SchemaElement, SchemaTree } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readPlain } from "hyparquet/src/plain.js";
import type { ColumnKind, DecodedColumn, StringInterner } from "./reader.js";

export interface ChunkDecodeOptions {
  kind: ColumnKind;
  numRows: number;
  element: SchemaElement;
  type: ParquetType;
  codec: string;
  schemaPath: SchemaTree[];
  maxDefinitionLevel: number;
  compressors: Compressors;
  interner: StringInterner;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Converts the physical values of a page (or dictionary) into the engine's representation. */
type ValueConverter = (raw: ArrayLike<unknown>) => Float64Array | Int32Array;

export function decodeColumnChunk(bytes: Uint8Array, opts: ChunkDecodeOptions): DecodedColumn {
  if (opts.schemaPath.length !== 2) throw new Error("nested columns are not supported here");
  const convert = converterFor(opts);
  const isString = opts.kind === "string";
  const out: Float64Array | Int32Array = isString ? new Int32Array(opts.numRows) : new Float64Array(opts.numRows);
  let nulls: Uint8Array | null = null;
  const nullValue = isString ? -1 : Number.NaN;
  let dictionary: Float64Array | Int32Array | null = null;
  const decoder = {
    pathInSchema: [opts.element.name],
    type: opts.type,
    element: opts.element,
    schemaPath: opts.schemaPath,
    codec: opts.codec,
    compressors: opts.compressors,
    parsers: undefined as never,
  } as const;

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  let row = 0;
  while (row < opts.numRows) {
    if (reader.offset >= bytes.byteLength) {
      throw new Error(`column chunk ended after ${row} of ${opts.numRows} rows (corrupt or truncated page data)`);
    }
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (size < 0 || reader.offset + size > bytes.byteLength) throw new Error("page runs past the column chunk");
    const pageBytes = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;

    let definitionLevels: ArrayLike<number> | undefined;
    let values: ArrayLike<unknown>;
    let encoding: string;
    let pageRows: number;
    if (header.type === "DICTIONARY_PAGE") {
      const dph = header.dictionary_page_header;
      if (!dph) throw new Error("dictionary page without header");
      const page = decompressPage(pageBytes, header.uncompressed_page_size, opts.codec as never, opts.compressors);
      const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
      dictionary = convert(readPlain({ view: pageView, offset: 0 }, opts.type, dph.num_values, opts.element.type_length));
      continue;
    } else if (header.type === "DATA_PAGE") {
      const daph = header.data_page_header;
      if (!daph) throw new Error("data page without header");
      const page = decompressPage(pageBytes, header.uncompressed_page_size, opts.codec as never, opts.compressors);
      const decoded = readDataPage(page, daph, decoder as never);
      definitionLevels = decoded.definitionLevels;
      values = decoded.dataPage;
      encoding = daph.encoding;
      pageRows = daph.num_values;
    } else if (header.type === "DATA_PAGE_V2") {
      const daph2 = header.data_page_header_v2;
      if (!daph2) throw new Error("data page v2 without header");
      const decoded = readDataPageV2(pageBytes, header, decoder as never);
      definitionLevels = decoded.definitionLevels;
      values = decoded.dataPage;
      encoding = daph2.encoding;
      pageRows = daph2.num_rows;
    } else {
      continue; // index pages carry nothing we need
    }
    if (row + pageRows > opts.numRows) throw new Error("pages hold more rows than the row group");

    const dictionaryCoded = encoding.endsWith("_DICTIONARY") || (encoding === "RLE" && opts.type !== "BOOLEAN");
    let mapped: Float64Array | Int32Array;
    if (dictionaryCoded) {
      if (!dictionary) throw new Error("dictionary-coded page without a dictionary page");
      mapped = lookup(dictionary, values as ArrayLike<number>);
    } else {
      mapped = convert(values);
    }

    if (!definitionLevels || definitionLevels.length === 0) {
      if (mapped.length !== pageRows) throw new Error(`page holds ${mapped.length} values for ${pageRows} rows`);
      out.set(mapped, row);
    } else {
      nulls ??= new Uint8Array(opts.numRows);
      const maxDef = opts.maxDefinitionLevel;
      let j = 0;
      for (let i = 0; i < pageRows; i++) {
        if (definitionLevels[i] === maxDef) {
          out[row + i] = mapped[j++];
        } else {
          out[row + i] = nullValue;
          nulls[row + i] = 1;
        }
      }
      if (j !== mapped.length) throw new Error("definition levels and values disagree");
    }
    row += pageRows;
  }

  if (opts.kind === "string") return { kind: "string", ids: out as Int32Array };
  if (opts.kind === "timestamp") return { kind: "timestamp", millis: out as Float64Array };
  return { kind: "double", values: out as Float64Array, nulls };
}

function lookup(dictionary: Float64Array | Int32Array, codes: ArrayLike<number>): Float64Array | Int32Array {
  const n = codes.length;
  const out = dictionary instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
  const size = dictionary.length;
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code >= size) throw new Error(`dictionary code ${code} out of range (dictionary has ${size} entries)`);
    out[i] = dictionary[code];
  }
  return out;
}

function converterFor(opts: ChunkDecodeOptions): ValueConverter {
  const { kind, type, element } = opts;
  const columnType = describeType(element, type);
  if (kind === "string") {
    if (type !== "BYTE_ARRAY") throw new Error(`expected a text column, found ${columnType}`);
    return (raw) => {
      const n = raw.length;
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const bytes = raw[i] as Uint8Array;
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          throw new Error("text value is not valid UTF-8");
        }
        ids[i] = opts.interner.intern(text);
      }
      return ids;
    };
  }
  if (kind === "double") {
    if (type === "DOUBLE" || type === "FLOAT" || type === "INT32") return (raw) => Float64Array.from(raw as ArrayLike<number>);
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
