/**
 * Random access to one S3 object through ranged GETs. The only caching is of the object's tail:
 * a Parquet reader first asks for the last bytes (footer length + magic) and then the metadata just
 * before them, so the tail read is widened to `footerPrefetchBytes` and a later read reaching into
 * the cached tail fetches only the missing head and is merged into it. Together the footer costs
 * at most two requests; every other range goes to S3 as asked (no coalescing). Only the footer
 * itself stays cached while the file is open.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ByteSource } from "../model.js";
import { withRetries } from "./retry.js";
import { type S3ConnectionOptions, s3RetryOptions, TruncatedBodyError, toArrayBuffer } from "./s3-client.js";

export interface S3ObjectRef {
  client: S3Client;
  bucket: string;
  key: string;
  byteLength: number;
  /** Pins reads to the version that was sized, so a concurrent overwrite fails instead of mixing bytes. */
  etag?: string;
}

export interface S3ByteSourceOptions {
  /** Minimum size of the first tail read (default 64 KiB). */
  footerPrefetchBytes?: number;
  /** Largest tail kept in memory after merging (default 16 MiB). */
  maxTailCacheBytes?: number;
}

/** Requests an S3 source made (each counted once, however many attempts it took), for reports. */
export interface S3RequestStats {
  listRequests: number;
  headRequests: number;
  getRequests: number;
  bytesFetched: number;
}

export function newS3RequestStats(): S3RequestStats {
  return { listRequests: 0, headRequests: 0, getRequests: 0, bytesFetched: 0 };
}

interface CachedTail {
  start: number;
  bytes: Uint8Array;
}

export class S3ByteSource implements ByteSource {
  readonly byteLength: number;
  private tail: Promise<CachedTail> | null = null;
  private readonly footerPrefetchBytes: number;
  private readonly maxTailCacheBytes: number;

  constructor(
    private readonly object: S3ObjectRef,
    private readonly connection: S3ConnectionOptions,
    options: S3ByteSourceOptions = {},
    private readonly stats: S3RequestStats = newS3RequestStats(),
  ) {
    this.byteLength = object.byteLength;
    this.footerPrefetchBytes = options.footerPrefetchBytes ?? 64 * 1024;
    this.maxTailCacheBytes = options.maxTailCacheBytes ?? 16 * 1024 * 1024;
  }

  async slice(start: number, end?: number): Promise<ArrayBuffer> {
    const from = clampOffset(start, this.byteLength);
    const to = Math.max(from, clampOffset(end ?? this.byteLength, this.byteLength));
    if (from === to) return new ArrayBuffer(0);

    if (this.tail) {
      const tail = await this.tail;
      if (from >= tail.start) return copyRange(tail, from, to);
      // A read reaching into the cached tail (the footer's metadata) only fetches what is missing.
      if (to >= tail.start && this.byteLength - from <= this.maxTailCacheBytes) {
        return copyRange(await this.extendTail(tail, from), from, to);
      }
    } else if (to === this.byteLength) {
      const tailStart = Math.min(from, Math.max(0, this.byteLength - this.footerPrefetchBytes));
      const pending = this.fetchRange(tailStart, this.byteLength).then((bytes) => ({
        start: tailStart,
        bytes,
      }));
      const cached = pending.then((tail) => this.footerOnly(tail));
      this.tail = cached;
      // A failed tail read must not poison later reads.
      cached.catch(() => {
        if (this.tail === cached) this.tail = null;
      });
      return copyRange(await pending, from, to);
    }
    return toArrayBuffer(await this.fetchRange(from, to));
  }

  /** Fetches [from, tail.start) and joins it to the cached tail. */
  private async extendTail(tail: CachedTail, from: number): Promise<CachedTail> {
    const head = await this.fetchRange(from, tail.start);
    const merged = new Uint8Array(head.length + tail.bytes.length);
    merged.set(head, 0);
    merged.set(tail.bytes, head.length);
    const extended = { start: from, bytes: merged };
    // Keep the longer tail if concurrent reads extended it differently.
    const current = await this.tail;
    if (!current || current.start > from) this.tail = Promise.resolve(this.footerOnly(extended));
    return extended;
  }

  /**
   * What to keep of a fetched tail: once it holds the whole footer (metadata + length + `PAR1`),
   * only the footer, so a wide first read (hyparquet asks for 512 KiB) does not stay in memory
   * for as long as the file is open.
   */
  private footerOnly(tail: CachedTail): CachedTail {
    const { bytes } = tail;
    const end = bytes.length;
    if (
      end < 8 ||
      bytes[end - 4] !== 0x50 ||
      bytes[end - 3] !== 0x41 ||
      bytes[end - 2] !== 0x52 ||
      bytes[end - 1] !== 0x31
    ) {
      return tail; // not a Parquet footer ("PAR1"); the reader will complain, keep what we have
    }
    const metadataLength = new DataView(bytes.buffer, bytes.byteOffset + end - 8, 4).getUint32(0, true);
    const footerStart = this.byteLength - 8 - metadataLength;
    if (footerStart <= tail.start) return tail;
    return { start: footerStart, bytes: bytes.slice(footerStart - tail.start) };
  }

  /** One ranged GET of [from, to), retried; fails unless exactly `to - from` bytes arrive. */
  private fetchRange(from: number, to: number): Promise<Uint8Array> {
    const { client, bucket, key, etag } = this.object;
    const range = `bytes=${from}-${to - 1}`;
    this.stats.getRequests += 1;
    return withRetries(
      s3RetryOptions(`S3 GET s3://${bucket}/${key} ${range}`, this.connection),
      async (abortSignal) => {
        const response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, IfMatch: etag }),
          { abortSignal },
        );
        if (!response.Body) throw new TruncatedBodyError(to - from, 0);
        const bytes = await response.Body.transformToByteArray();
        if (bytes.length !== to - from) throw new TruncatedBodyError(to - from, bytes.length);
        this.stats.bytesFetched += bytes.length;
        return bytes;
      },
    );
  }
}

function copyRange(tail: CachedTail, from: number, to: number): ArrayBuffer {
  const offset = tail.bytes.byteOffset + from - tail.start;
  return tail.bytes.buffer.slice(offset, offset + (to - from)) as ArrayBuffer;
}

function clampOffset(offset: number, length: number): number {
  const absolute = offset < 0 ? length + offset : offset;
  return Math.min(Math.max(0, absolute), length);
}
