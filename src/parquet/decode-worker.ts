/** Worker thread: decodes column chunks with its own string table (see decoders.ts). */
import { parentPort } from "node:worker_threads";
import type { DecodedColumn } from "../model.js";
import { ByteStringIds } from "./byte-strings.js";
import { type ChunkTask, decodeChunkTask } from "./chunk-task.js";

const strings: string[] = [];
let reported = 0;
const ids = new ByteStringIds((text) => {
  strings.push(text);
  return strings.length - 1;
});

parentPort?.on("message", (message: { id: number; tasks: ChunkTask[] }) => {
  const columns: DecodedColumn[] = [];
  let failed: { column: string; message: string } | undefined;
  for (const task of message.tasks) {
    try {
      columns.push(decodeChunkTask(task, ids));
    } catch (err) {
      failed = { column: task.name, message: (err as Error).message };
      break;
    }
  }
  const newStrings = strings.slice(reported);
  reported = strings.length;
  if (failed) {
    parentPort?.postMessage({ id: message.id, newStrings, error: failed });
    return;
  }
  const transfer: ArrayBuffer[] = [];
  for (const c of columns) {
    if (c.kind === "string") transfer.push(c.ids.buffer as ArrayBuffer);
    else if (c.kind === "timestamp") transfer.push(c.millis.buffer as ArrayBuffer);
    else {
      transfer.push(c.values.buffer as ArrayBuffer);
      if (c.nulls) transfer.push(c.nulls.buffer as ArrayBuffer);
    }
  }
  parentPort?.postMessage({ id: message.id, columns, newStrings }, [...new Set(transfer)]);
});
