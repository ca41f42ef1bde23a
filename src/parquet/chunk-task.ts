/** One column chunk to decode, self-contained so it can be decoded here or on a worker thread. */
import type { SchemaElement } from "hyparquet";
import { getMaxDefinitionLevel, getSchemaPath } from "hyparquet/src/schema.js";
import { compressors } from "hyparquet-compressors";
import type { ByteStringIds } from "./byte-strings.js";
import { decodeColumnChunk } from "./column-chunk.js";
import type { ColumnKind, DecodedColumn } from "./reader.js";

export interface ChunkTask {
  bytes: Uint8Array;
  name: string;
  kind: ColumnKind;
  numRows: number;
  type: string;
  codec: string;
  schema: SchemaElement[];
}

export function decodeChunkTask(task: ChunkTask, strings: ByteStringIds): DecodedColumn {
  const schemaPath = getSchemaPath(task.schema, [task.name]);
  const element = schemaPath[schemaPath.length - 1].element;
  return decodeColumnChunk(task.bytes, {
    kind: task.kind,
    numRows: task.numRows,
    element,
    type: task.type as never,
    codec: task.codec,
    schemaPath,
    maxDefinitionLevel: getMaxDefinitionLevel(schemaPath),
    compressors,
    strings,
  });
}

/** Decodes the chunks of one row group; the inline and worker-thread decoders implement it. */
export interface ChunkDecoder {
  decode(tasks: ChunkTask[]): Promise<DecodedColumn[]>;
  close(): Promise<void>;
}
