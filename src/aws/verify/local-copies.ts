/**
 * The DuckDB reference reads files from disk: `--verify` on an S3 input copies the objects it needs (the
 * clusters' OCP Parquet and the AWS CUR) into a temporary folder, in bounded chunks; local files are used
 * where they are. The copies go when the verify ends.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InputFile, InputSource } from "../../model.js";
import { copyToLocal } from "../../source/copy-to-local.js";

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
    await copyToLocal(this.source, file, path);
    return path;
  }

  async remove(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
