/**
 * The DuckDB reference reads files from disk: `--verify` on an S3 input copies the objects it needs (the
 * clusters' OCP Parquet and the AWS CUR) into a temporary folder, in bounded chunks; local files are used
 * where they are. The copies go when the verify ends.
 */
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InputFile, InputSource } from "../../model.js";

const COPY_CHUNK = 8 * 1024 * 1024;

export class LocalCopies {
  private dir: string | null = null;
  private copied = 0;

  constructor(private readonly source: InputSource) {}

  /** How many objects were copied so far. */
  get count(): number {
    return this.copied;
  }

  /** A local path holding `file`'s bytes: the file itself when it is local, else a copy. */
  async pathOf(file: InputFile): Promise<string> {
    if (!file.location.startsWith("s3://") && existsSync(file.location)) return file.location;
    this.dir ??= await mkdtemp(join(tmpdir(), "ocp-on-aws-verify-"));
    const path = join(this.dir, `${String(this.copied++).padStart(6, "0")}.parquet`);
    const bytes = await this.source.open(file);
    const out = await open(path, "w");
    try {
      for (let start = 0; start < bytes.byteLength; start += COPY_CHUNK) {
        const chunk = await bytes.slice(start, Math.min(bytes.byteLength, start + COPY_CHUNK));
        await out.write(new Uint8Array(chunk));
      }
    } finally {
      await out.close();
    }
    return path;
  }

  async remove(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
