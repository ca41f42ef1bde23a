/** One column chunk to decode, self-contained so it can be decoded here or on a worker thread. */
import type { ColumnKind, DecodedColumn } from "../model.js";
import type { ByteStringIds } from "./byte-strings.js";
import { decodeColumnChunk } from "./column-chunk.js";
import {
  type CompressionCodec,
  columnSchema,
  compressors,
  type ParquetType,
  type SchemaElement,
} from "./hyparquet.js";

export interface ChunkTask {
  bytes: Uint8Array;
  name: string;
  kind: ColumnKind;
  numRows: number;
  type: ParquetType;
  codec: CompressionCodec;
  schema: SchemaElement[];
}

export function decodeChunkTask(task: ChunkTask, strings: ByteStringIds): DecodedColumn {
  return decodeColumnChunk(task.bytes, {
    ...columnSchema(task.schema, task.name),
    kind: task.kind,
    numRows: task.numRows,
    type: task.type,
    codec: task.codec,
    compressors,
    strings,
  });
}

/** Decodes the chunks of one row group; the inline and worker-thread decoders implement it. */
export interface ChunkDecoder {
  decode(tasks: ChunkTask[]): Promise<DecodedColumn[]>;
  close(): Promise<void>;
}
