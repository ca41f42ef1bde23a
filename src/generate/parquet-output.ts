/**
 * Streams one Parquet file row group by row group: rows are buffered into column arrays of at most
 * `rowGroupSize` rows and written when full, so memory is bounded by one row group, never the file.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import * as zlib from "node:zlib";
import { type ColumnSource, fileWriter, ParquetWriter } from "hyparquet-writer";
import type { CompressionCodec } from "../parquet/hyparquet.js";
import { type ColumnDef, parquetSchema } from "./parquet-schemas.js";

export type Compression = "snappy" | "zstd";

/** A row: strings as UTF-8 bytes (interned, so repeated values cost nothing), numbers as numbers. */
export type RowValue = Uint8Array | number | null;
export type Row = Record<string, RowValue>;

type ZstdZlib = typeof zlib & { zstdCompressSync?: (input: Uint8Array) => Buffer };

/** zstd needs Node's native encoder (Node >= 22.15); Node 20 has none, and no JS encoder is installed. */
function codecSetup(compression: Compression): {
  codec: CompressionCodec;
  compressors: Record<string, unknown>;
} {
  if (compression === "snappy") return { codec: "SNAPPY", compressors: {} };
  const zstd = (zlib as ZstdZlib).zstdCompressSync;
  if (!zstd) {
    throw new Error(
      `zstd compression needs Node.js >= 22.15 (zlib.zstdCompressSync); this is Node ${process.versions.node}. Use --compression snappy.`,
    );
  }
  return { codec: "ZSTD", compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(zstd(input)) } };
}

export function compressionAvailable(compression: Compression): boolean {
  return compression === "snappy" || typeof (zlib as ZstdZlib).zstdCompressSync === "function";
}

export interface ParquetOutputOptions {
  rowGroupSize: number;
  compression: Compression;
}

export class ParquetFileOutput {
  private readonly writer: ParquetWriter;
  private readonly buffers: (RowValue[] | Float64Array)[];
  private buffered = 0;
  private closed = false;
  rowCount = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly ColumnDef[],
    private readonly options: ParquetOutputOptions,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const { codec, compressors } = codecSetup(options.compression);
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: parquetSchema(columns),
      codec,
      compressors: compressors as never,
      createdBy: "ocp-aggregator generate",
    });
    this.buffers = columns.map(() => []);
    this.resetBuffers();
  }

  private resetBuffers(): void {
    const size = this.options.rowGroupSize;
    for (let c = 0; c < this.columns.length; c++) {
      // Typed arrays for measures and timestamps: no boxed numbers, less garbage per row group.
      this.buffers[c] =
        this.columns[c].kind === "string" || this.columns[c].kind === "nullable-double"
          ? new Array<RowValue>(size)
          : new Float64Array(size);
    }
    this.buffered = 0;
  }

  append(row: Row): void {
    const i = this.buffered;
    for (let c = 0; c < this.columns.length; c++) {
      const value = row[this.columns[c].name];
      const buffer = this.buffers[c];
      if (buffer instanceof Float64Array) {
        if (typeof value !== "number") throw new Error(`column ${this.columns[c].name} needs a number`);
        buffer[i] = value;
      } else {
        buffer[i] = value ?? null;
      }
    }
    this.buffered++;
    this.rowCount++;
    if (this.buffered === this.options.rowGroupSize) this.flush();
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const n = this.buffered;
    const columnData: ColumnSource[] = this.columns.map((column, c) => {
      const buffer = this.buffers[c];
      const data = n === buffer.length ? buffer : buffer.slice(0, n);
      return { name: column.name, data: data as ColumnSource["data"] };
    });
    this.writer.write({ columnData, rowGroupSize: n });
    // write() is synchronous and copies what it needs: the buffers are reused at their grown size.
    this.buffered = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.writer.finish();
    this.closed = true;
  }
}
