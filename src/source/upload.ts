/**
 * Copies local files to S3: a whole Koku tree (tests, the generator's S3 target, benchmarks) or a
 * single object. Uploads are retried like reads; each attempt re-opens its file stream.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { withRetries } from "./retry.js";
import { createS3Client, normalizePrefix, type S3ConnectionOptions, s3RetryOptions } from "./s3-client.js";

export interface S3TargetOptions extends S3ConnectionOptions {
  bucket: string;
  /** Key prefix the local tree is copied under ("" for the bucket's top). */
  prefix: string;
  /** Parallel uploads (default 8). */
  concurrency?: number;
}

export interface UploadSummary {
  files: number;
  bytes: number;
}

/** Uploads every file below `localDir` to `<prefix><relative path>`, keeping the folder structure. */
export async function uploadDirectory(localDir: string, options: S3TargetOptions): Promise<UploadSummary> {
  const files = await listFilesRecursively(localDir);
  const prefix = normalizePrefix(options.prefix);
  const client = createS3Client(options);
  let bytes = 0;
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const relative = files[next++];
        const path = join(localDir, ...relative.split("/"));
        const size = await putFile(client, options, `${prefix}${relative}`, path);
        bytes += size; // added after the await, so parallel workers do not overwrite each other's sums
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 8, files.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    client.destroy();
  }
  return { files: files.length, bytes };
}

/** Writes one object from bytes or text (a fresh client per call; for a few objects, not many). */
export async function writeObject(
  options: S3ConnectionOptions & { bucket: string },
  key: string,
  body: Uint8Array | string,
): Promise<void> {
  const client = createS3Client(options);
  try {
    await putWithRetries(client, options, { Bucket: options.bucket, Key: key, Body: body });
  } finally {
    client.destroy();
  }
}

/** Uploads one local file as `key`, streaming it; returns its size. */
export async function putFile(
  client: S3Client,
  options: S3ConnectionOptions & { bucket: string },
  key: string,
  path: string,
): Promise<number> {
  const { size } = await stat(path);
  await putWithRetries(client, options, { Bucket: options.bucket, Key: key, ContentLength: size }, () =>
    createReadStream(path),
  );
  return size;
}

async function putWithRetries(
  client: S3Client,
  options: S3ConnectionOptions & { bucket: string },
  input: PutObjectCommandInput,
  makeBody?: () => Readable,
): Promise<void> {
  await withRetries(
    s3RetryOptions(`S3 PUT s3://${options.bucket}/${input.Key}`, options),
    async (abortSignal) => {
      const stream = makeBody?.();
      try {
        await client.send(new PutObjectCommand({ ...input, Body: stream ?? input.Body }), { abortSignal });
      } finally {
        stream?.destroy(); // a failed attempt must not leave its file open
      }
    },
  );
}

/** Relative "/"-paths of every file below `root`, sorted. */
async function listFilesRecursively(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(dir, entry.name), childRelative);
      else if (entry.isFile()) found.push(childRelative);
    }
  };
  await walk(root, "");
  return found.sort();
}
