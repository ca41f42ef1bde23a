/**
 * Input source over `s3://bucket/prefix` holding Koku's tree (AWS S3, MinIO, Ceph, …). Listing
 * uses ListObjectsV2 with pagination; reading sizes an object with HeadObject and then serves
 * ranged GETs (s3-bytes.ts). Every request is retried with backoff within a deadline.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { ByteSource, InputFile, InputSource } from "../model.js";
import {
  compareLocations,
  describeRunSearch,
  listRunFiles,
  type RunQuery,
  type RunSearch,
  type TreeBrowser,
} from "./layout.js";
import { withRetries } from "./retry.js";
import {
  newS3RequestStats,
  S3ByteSource,
  type S3ByteSourceOptions,
  type S3RequestStats,
} from "./s3-bytes.js";
import { createS3Client, normalizePrefix, type S3ConnectionOptions, s3RetryOptions } from "./s3-client.js";

export interface S3SourceOptions extends S3ConnectionOptions, S3ByteSourceOptions {
  bucket: string;
  /** Key prefix of the input root ("" for the bucket's top). */
  prefix: string;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum); small values exercise pagination. */
  listPageSize?: number;
}

export class S3Source implements InputSource {
  readonly bucket: string;
  readonly prefix: string;
  /** Requests and bytes so far, over listing, sizing and reading. */
  readonly stats: S3RequestStats = newS3RequestStats();
  private readonly client: S3Client;
  /** The folder view, also used to list trees other than the OCP one (e.g. AWS CUR, src/aws/source). */
  readonly browser: S3TreeBrowser;

  constructor(private readonly options: S3SourceOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.client = createS3Client(options);
    this.browser = new S3TreeBrowser(this.client, this.bucket, this.prefix, options, this.stats);
  }

  describe(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  async list(query: RunQuery): Promise<InputFile[]> {
    const found = await listRunFiles(this.browser, this.describe(), query);
    return found
      .map((file) => ({
        reportType: file.reportType,
        granularity: file.granularity,
        location: `s3://${this.bucket}/${this.prefix}${file.path}`,
        size: file.size,
      }))
      .sort((a, b) => compareLocations(a.location, b.location));
  }

  describeSearch(query: RunQuery): Promise<RunSearch> {
    return describeRunSearch(this.browser, query);
  }

  async open(file: InputFile): Promise<ByteSource> {
    const key = this.keyOf(file.location);
    this.stats.headRequests += 1;
    const head = await withRetries(
      s3RetryOptions(`S3 HEAD s3://${this.bucket}/${key}`, this.options),
      (abortSignal) =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
    );
    if (head.ContentLength === undefined)
      throw new Error(`S3 HEAD s3://${this.bucket}/${key}: no Content-Length`);
    return new S3ByteSource(
      { client: this.client, bucket: this.bucket, key, byteLength: head.ContentLength, etag: head.ETag },
      this.options,
      this.options,
      this.stats,
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private keyOf(location: string): string {
    const bucketUrl = `s3://${this.bucket}/`;
    if (!location.startsWith(bucketUrl)) throw new Error(`${location} is not in ${bucketUrl}`);
    return location.slice(bucketUrl.length);
  }
}

/** TreeBrowser over keys: folders are common prefixes under the "/" delimiter. */
class S3TreeBrowser implements TreeBrowser {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly rootPrefix: string,
    private readonly options: S3SourceOptions,
    private readonly stats: S3RequestStats,
  ) {}

  async listFolders(dir: string): Promise<string[]> {
    const prefix = this.prefixOf(dir);
    const folders: string[] = [];
    await this.eachPage(prefix, "/", (page) => {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(prefix.length).replace(/\/$/, "");
        if (name) folders.push(name);
      }
    });
    return folders;
  }

  async listFilesBelow(dir: string): Promise<{ relativePath: string; size: number }[]> {
    const prefix = this.prefixOf(dir);
    const files: { relativePath: string; size: number }[] = [];
    await this.eachPage(prefix, undefined, (page) => {
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith("/")) continue; // folder marker objects
        files.push({ relativePath: object.Key.slice(prefix.length), size: object.Size ?? 0 });
      }
    });
    return files;
  }

  private prefixOf(dir: string): string {
    return dir === "" ? this.rootPrefix : `${this.rootPrefix}${dir}/`;
  }

  private async eachPage(
    prefix: string,
    delimiter: string | undefined,
    visit: (page: Awaited<ReturnType<typeof this.listPage>>) => void,
  ): Promise<void> {
    let continuationToken: string | undefined;
    do {
      const page = await this.listPage(prefix, delimiter, continuationToken);
      visit(page);
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  private listPage(prefix: string, delimiter: string | undefined, continuationToken: string | undefined) {
    this.stats.listRequests += 1;
    return withRetries(s3RetryOptions(`S3 LIST s3://${this.bucket}/${prefix}`, this.options), (abortSignal) =>
      this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: continuationToken,
          MaxKeys: this.options.listPageSize,
        }),
        { abortSignal },
      ),
    );
  }
}
