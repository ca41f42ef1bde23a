/**
 * A local copy of one input object, for readers that need a path (the DuckDB references behind `verify`),
 * written in bounded chunks so a large object never sits in memory whole.
 */
import { open } from "node:fs/promises";
import type { InputFile, InputSource } from "../model.js";

const COPY_CHUNK = 8 * 1024 * 1024;

export async function copyToLocal(source: InputSource, file: InputFile, path: string): Promise<void> {
  const bytes = await source.open(file);
  const out = await open(path, "w");
  try {
    for (let start = 0; start < bytes.byteLength; start += COPY_CHUNK) {
      const chunk = await bytes.slice(start, Math.min(bytes.byteLength, start + COPY_CHUNK));
      await out.write(new Uint8Array(chunk));
    }
  } finally {
    await out.close();
  }
}
