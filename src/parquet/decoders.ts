/**
 * Where column chunks are decoded: inline on the calling thread, or on a worker thread so decoding overlaps
 * aggregation (two cores: one decodes, one aggregates). The worker keeps its own string table; each reply
 * carries the strings it saw first, and the ids are mapped to the engine's interner here, in reply order,
 * so every run gives the same ids whichever decoder it used.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { DecodedColumn, StringInterner } from "../model.js";
import { ByteStringIds } from "./byte-strings.js";
import { type ChunkDecoder, type ChunkTask, decodeChunkTask } from "./chunk-task.js";
import { ChunkDecodeError } from "./errors.js";

export class InlineDecoder implements ChunkDecoder {
  private readonly strings: ByteStringIds;

  constructor(interner: StringInterner) {
    this.strings = new ByteStringIds((text) => interner.intern(text));
  }

  async decode(tasks: ChunkTask[]): Promise<DecodedColumn[]> {
    return tasks.map((task) => decodeWithContext(task, () => decodeChunkTask(task, this.strings)));
  }

  async close(): Promise<void> {}
}

function decodeWithContext<T>(task: ChunkTask, body: () => T): T {
  try {
    return body();
  } catch (err) {
    throw new ChunkDecodeError(task.name, (err as Error).message);
  }
}

interface WorkerReply {
  id: number;
  columns?: DecodedColumn[];
  newStrings?: string[];
  error?: { column: string; message: string };
}

const WORKER_SCRIPT = new URL("./decode-worker.js", import.meta.url);

export class WorkerDecoder implements ChunkDecoder {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (c: DecodedColumn[]) => void; reject: (e: Error) => void }
  >();
  private localToGlobal = new Int32Array(1024);
  private mapped = 0;
  private failure: Error | null = null;

  /** A worker decoder, or null where the compiled worker script is absent (running from TypeScript sources). */
  static tryCreate(interner: StringInterner): WorkerDecoder | null {
    if (WORKER_SCRIPT.protocol !== "file:" || !existsSync(fileURLToPath(WORKER_SCRIPT))) return null;
    return new WorkerDecoder(interner);
  }

  private constructor(private readonly interner: StringInterner) {
    this.worker = new Worker(WORKER_SCRIPT);
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => this.onReply(reply));
    this.worker.on("error", (err) => this.failAll(err));
    this.worker.on("exit", (code) => {
      if (this.pending.size > 0) this.failAll(new Error(`decode worker exited with code ${code}`));
    });
  }

  decode(tasks: ChunkTask[]): Promise<DecodedColumn[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const buffers = [...new Set(tasks.map((t) => t.bytes.buffer as ArrayBuffer))];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, tasks }, buffers);
    });
  }

  private onReply(reply: WorkerReply): void {
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (!waiter) return;
    // New strings are appended in reply order; replies come back in request order (one worker, FIFO).
    for (const text of reply.newStrings ?? []) {
      if (this.mapped >= this.localToGlobal.length) {
        const grown = new Int32Array(this.localToGlobal.length * 2);
        grown.set(this.localToGlobal);
        this.localToGlobal = grown;
      }
      this.localToGlobal[this.mapped++] = this.interner.intern(text);
    }
    if (reply.error) {
      waiter.reject(new ChunkDecodeError(reply.error.column, reply.error.message));
      return;
    }
    const columns = reply.columns as DecodedColumn[];
    const map = this.localToGlobal;
    for (const column of columns) {
      if (column.kind !== "string") continue;
      const ids = column.ids;
      for (let i = 0; i < ids.length; i++) {
        const local = ids[i];
        if (local >= 0) ids[i] = map[local];
      }
    }
    waiter.resolve(columns);
  }

  private failAll(err: Error): void {
    this.failure = err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
