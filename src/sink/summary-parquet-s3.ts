/**
 * The Parquet copy's day partitions on S3 (or MinIO, Ceph, …), with the run's S3 connection settings and the
 * input's client, retries and error descriptions (source/s3-client.ts). S3 has no rename: a day partition is
 * replaced as Koku replaces it (delete the partition's objects, then write the new ones), one day at a time.
 */
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { withRetries } from "../source/retry.js";
import { S3Source } from "../source/s3.js";
import {
  createS3Client,
  describeEndpoint,
  parseS3Url,
  type S3ConnectionOptions,
  type S3Location,
  s3RetryOptions,
} from "../source/s3-client.js";
import { putFile, writeObject } from "../source/upload.js";

/** A new file of a day partition: its path below the table root, and where it is staged on local disk. */
export interface StagedFile {
  partition: string;
  name: string;
  localPath: string;
}

export class SummaryParquetS3Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SummaryParquetS3Error";
  }
}

export class S3TableLocation {
  readonly location: S3Location;
  private readonly client: S3Client;
  private readonly options: S3ConnectionOptions & { bucket: string };

  constructor(url: string, connection: S3ConnectionOptions) {
    try {
      this.location = parseS3Url(url);
    } catch {
      throw new SummaryParquetS3Error(`--summary-parquet ${url}: not an s3://bucket/prefix URL`);
    }
    this.options = { ...connection, bucket: this.location.bucket };
    this.client = createS3Client(connection);
  }

  describe(): string {
    return `s3://${this.location.bucket}/${this.location.prefix}`;
  }

  /**
   * Before the run touches PostgreSQL: the bucket exists and the credentials may write and delete below the
   * prefix (a marker object `_ocp-aggregator-write-check-<uuid>`, which Hive readers skip, is put and deleted).
   */
  async checkWritable(): Promise<void> {
    const { bucket } = this.location;
    try {
      await withRetries(s3RetryOptions(`S3 HEAD bucket s3://${bucket}/`, this.options), (abortSignal) =>
        this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }),
      );
    } catch (error) {
      throw new SummaryParquetS3Error(`--summary-parquet ${this.describe()}: ${this.bucketProblem(error)}`);
    }
    const key = `${this.location.prefix}_ocp-aggregator-write-check-${randomUUID()}`;
    try {
      await writeObject(this.options, key, new Uint8Array(0));
      await this.deleteKey(key);
    } catch (error) {
      throw new SummaryParquetS3Error(
        `--summary-parquet ${this.describe()}: cannot write and delete objects there (${(error as Error).message})`,
      );
    }
  }

  /** The text of the object at `name` below the prefix, or null when there is none. */
  async readText(name: string): Promise<string | null> {
    const key = `${this.location.prefix}${name}`;
    try {
      return await withRetries(
        s3RetryOptions(`S3 GET s3://${this.location.bucket}/${key}`, this.options),
        async (abortSignal) => {
          const object = await this.client.send(
            new GetObjectCommand({ Bucket: this.location.bucket, Key: key }),
            { abortSignal },
          );
          return (await object.Body?.transformToString("utf8")) ?? "";
        },
      );
    } catch (error) {
      if (/\(HTTP 404\)/.test((error as Error).message)) return null;
      throw error;
    }
  }

  /** Writes `text` as the object `name` below the prefix, or deletes it when `text` is null. */
  async writeText(name: string, text: string | null): Promise<void> {
    const key = `${this.location.prefix}${name}`;
    if (text === null) await this.deleteKey(key);
    else await writeObject(this.options, key, text);
  }

  /** Deletes every object below each day partition, then uploads that day's new files. */
  async replacePartitions(partitions: readonly string[], files: readonly StagedFile[]): Promise<void> {
    const listing = new S3Source({ ...this.options, prefix: this.location.prefix });
    try {
      for (const partition of partitions) {
        const old = await listing.browser.listFilesBelow(partition);
        for (const { relativePath } of old)
          await this.deleteKey(`${this.location.prefix}${partition}/${relativePath}`);
        for (const file of files) {
          if (file.partition !== partition) continue;
          await putFile(
            this.client,
            this.options,
            `${this.location.prefix}${partition}/${file.name}`,
            file.localPath,
          );
        }
      }
    } finally {
      await listing.close();
    }
  }

  close(): void {
    this.client.destroy();
  }

  private async deleteKey(key: string): Promise<void> {
    await withRetries(
      s3RetryOptions(`S3 DELETE s3://${this.location.bucket}/${key}`, this.options),
      (abortSignal) =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }), {
          abortSignal,
        }),
    );
  }

  /** HEAD bucket answers without a body: a 404 or 403 is all there is to say. */
  private bucketProblem(error: unknown): string {
    const status = /\(HTTP (\d{3})\)/.exec((error as Error).message)?.[1];
    const where = `(endpoint ${describeEndpoint(this.options)})`;
    if (status === "404") return `bucket ${this.location.bucket} not found ${where}`;
    if (status === "403") return `access denied to bucket ${this.location.bucket} ${where}`;
    return (error as Error).message;
  }
}
