/**
 * Streams encoded rows into `COPY ... FROM STDIN` in large chunks, waiting for the socket to drain (backpressure)
 * so memory stays flat however many rows come. If the rows (or their encoding) fail midway, the COPY is
 * aborted with CopyFail and the error rethrown; the caller's transaction then rolls back.
 */
import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Characters gathered before one write: big enough to amortise per-write costs, small enough to stay flat. */
const CHUNK_CHARS = 256 * 1024;
const STREAM_HIGH_WATER_MARK = 1024 * 1024;

export async function copyRowsIn<T>(
  client: pg.ClientBase,
  copySql: string,
  rows: Iterable<T> | AsyncIterable<T>,
  encode: (row: T, index: number) => string,
): Promise<number> {
  const stream = client.query(copyFrom(copySql, { highWaterMark: STREAM_HIGH_WATER_MARK }));
  // Keep the first error: PostgreSQL may reject the data while we are still writing.
  let streamError: unknown = null;
  stream.on("error", (error) => {
    streamError ??= error;
  });
  const done = finished(stream).catch((error) => {
    streamError ??= error;
  });

  let count = 0;
  let chunk = "";
  const flush = async () => {
    if (streamError) throw streamError;
    const text = chunk;
    chunk = "";
    if (!stream.write(text)) await Promise.race([once(stream, "drain"), done]);
    if (streamError) throw streamError;
  };
  try {
    if (Symbol.asyncIterator in rows) {
      for await (const row of rows as AsyncIterable<T>) {
        chunk += encode(row, count++);
        if (chunk.length >= CHUNK_CHARS) await flush();
      }
    } else {
      for (const row of rows as Iterable<T>) {
        chunk += encode(row, count++);
        if (chunk.length >= CHUNK_CHARS) await flush();
      }
    }
    if (chunk.length > 0) await flush();
  } catch (error) {
    // Either the server rejected data (streamError set), or our side failed (rows iterator or encoding): then
    // abort the COPY with CopyFail. Either way wait for the server's answer so the connection is ready for ROLLBACK.
    const serverFailedFirst = streamError !== null;
    if (!serverFailedFirst) stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await done;
    throw serverFailedFirst ? streamError : error;
  }
  stream.end();
  await done;
  if (streamError) throw streamError;
  return stream.rowCount;
}
