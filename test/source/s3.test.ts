import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parquetMetadataAsync } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InputFile } from "../../src/model.js";
import { LocalSource } from "../../src/source/local.js";
import { openInputSource } from "../../src/source/open-source.js";
import { S3Source, type S3SourceOptions } from "../../src/source/s3.js";
import { uploadDirectory, writeObject } from "../../src/source/upload.js";
import { startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";

const SAMPLE_ROOT = resolve("test/fixtures/koku-samples/sample-basic");
const QUERY = { orgId: null, sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f", year: 2025, month: 10 };
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };

describe("S3Source", () => {
  let s3: TestS3;
  let localFiles: InputFile[];

  const optionsFor = (endpoint = s3.endpoint, extra: Partial<S3SourceOptions> = {}): S3SourceOptions => ({
    bucket: s3.bucket,
    prefix: "tenant/koku",
    endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    retry: FAST_RETRY,
    ...extra,
  });

  const s3KeyOf = (local: InputFile) => local.location.slice(SAMPLE_ROOT.length + 1);

  beforeAll(async () => {
    s3 = await startTestS3();
    const uploaded = await uploadDirectory(SAMPLE_ROOT, optionsFor(s3.endpoint, { prefix: "tenant/koku" }));
    expect(uploaded.files).toBeGreaterThanOrEqual(8);
    // A decoy tree beside the input root must stay invisible.
    await uploadDirectory(`${SAMPLE_ROOT}/data`, optionsFor(s3.endpoint, { prefix: "tenant/other/data" }));
    localFiles = await new LocalSource(SAMPLE_ROOT).list(QUERY);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("lists the same files as the local tree, across paginated listings", async () => {
    const proxy = await startFaultyProxy(s3.endpoint, []);
    const source = new S3Source(optionsFor(proxy.endpoint, { listPageSize: 2 }));
    try {
      const files = await source.list(QUERY);
      expect(files).toEqual(
        localFiles.map((local) => ({
          ...local,
          location: `s3://${s3.bucket}/tenant/koku/${s3KeyOf(local)}`,
        })),
      );
      const continued = proxy.requests.filter((request) => request.url.includes("continuation-token="));
      expect(continued.length).toBeGreaterThan(0);
      expect(source.describe()).toBe(`s3://${s3.bucket}/tenant/koku/`);
    } finally {
      await source.close();
      await proxy.stop();
    }
  });

  it("detects the root at data/parquet and at the bucket's top", async () => {
    for (const prefix of ["tenant/koku/data/parquet", "/tenant/koku/data/parquet/"]) {
      const source = new S3Source(optionsFor(s3.endpoint, { prefix }));
      expect(await source.list(QUERY)).toHaveLength(8);
      await source.close();
    }
    const top = new S3Source(optionsFor(s3.endpoint, { prefix: "" }));
    expect(await top.list(QUERY)).toEqual([]); // the tree is under tenant/, not at the top
    await top.close();
  });

  it("serves ranged reads equal to the local bytes, and hyparquet reads its metadata", async () => {
    const source = openInputSource(`s3://${s3.bucket}/tenant/koku`, optionsFor());
    try {
      const files = await source.list(QUERY);
      for (const [index, file] of files.entries()) {
        const local = await readFile(localFiles[index].location);
        const bytes = await source.open(file);
        expect(bytes.byteLength).toBe(local.length);
        for (const [start, end] of [
          [0, 4],
          [100, 1000],
          [local.length - 8, local.length],
          [7, undefined],
        ] as const) {
          const got = Buffer.from(await bytes.slice(start, end));
          expect(got.equals(local.subarray(start, end))).toBe(true);
        }
        const metadata = await parquetMetadataAsync(bytes);
        expect(Number(metadata.num_rows)).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await source.close();
    }
  });

  it("reads large ranges of a big object exactly, widening only the first tail read", async () => {
    const blob = Buffer.alloc(700_000);
    for (let i = 0; i < blob.length; i += 1) blob[i] = (i * 7919 + (i >> 11)) & 0xff;
    await writeObject(optionsFor(), "tenant/blob.bin", blob);
    const proxy = await startFaultyProxy(s3.endpoint, [
      { fault: { kind: "cut", afterBytes: 50_000 }, times: 1, ranged: true },
    ]);
    const source = new S3Source(optionsFor(proxy.endpoint));
    try {
      const file: InputFile = {
        reportType: "pod_usage",
        granularity: "hourly",
        location: `s3://${s3.bucket}/tenant/blob.bin`,
        size: blob.length,
      };
      const bytes = await source.open(file);
      const tail = Buffer.from(await bytes.slice(blob.length - 8));
      expect(tail.equals(blob.subarray(blob.length - 8))).toBe(true);
      const ranges = proxy.requests.filter((request) => request.range).map((request) => request.range);
      expect(ranges).toEqual([
        `bytes=${blob.length - 65_536}-${blob.length - 1}`,
        `bytes=${blob.length - 65_536}-${blob.length - 1}`,
      ]);
      const big = Buffer.from(await bytes.slice(1_000, 600_000));
      expect(big.equals(blob.subarray(1_000, 600_000))).toBe(true);
      const inTail = Buffer.from(await bytes.slice(blob.length - 30_000, blob.length - 100));
      expect(inTail.equals(blob.subarray(blob.length - 30_000, blob.length - 100))).toBe(true);
      expect(proxy.requests.filter((request) => request.range)).toHaveLength(3); // cut + retry, then the big range
    } finally {
      await source.close();
      await proxy.stop();
    }
  });

  it("reads the Parquet footer in at most two requests", async () => {
    const proxy = await startFaultyProxy(s3.endpoint, []);
    const pod = localFiles.find((file) => file.reportType === "pod_usage" && file.granularity === "hourly");
    if (!pod) throw new Error("sample lacks hourly pod_usage");
    const local = await readFile(pod.location);
    const metadataLength = local.readUInt32LE(local.length - 8);
    const location = `s3://${s3.bucket}/tenant/koku/${s3KeyOf(pod)}`;
    // A prefetch smaller than the metadata forces the second request; it is then merged into the tail.
    const source = new S3Source(optionsFor(proxy.endpoint, { footerPrefetchBytes: 16 }));
    try {
      const bytes = await source.open({ ...pod, location });
      const gets = () => proxy.requests.filter((request) => request.method === "GET").length;
      await bytes.slice(local.length - 8, local.length);
      const metadataStart = local.length - 8 - metadataLength;
      const metadata = Buffer.from(await bytes.slice(metadataStart, local.length - 8));
      expect(metadata.equals(local.subarray(metadataStart, local.length - 8))).toBe(true);
      expect(gets()).toBe(2);
      // Re-reading any part of footer + metadata is served from the cached tail.
      await bytes.slice(metadataStart, local.length);
      await bytes.slice(local.length - 4, local.length);
      expect(gets()).toBe(2);
      await bytes.slice(4, 100); // other ranges go to S3 as asked
      expect(gets()).toBe(3);
      // hyparquet's own footer read (one wide tail read) costs one request on a fresh object.
      const fresh = await source.open({ ...pod, location });
      await parquetMetadataAsync(fresh);
      expect(gets()).toBe(4);
      // Only the footer stays cached: the start of the file is fetched again, the footer is not.
      await fresh.slice(metadataStart, local.length);
      expect(gets()).toBe(4);
      const head = Buffer.from(await fresh.slice(0, 4));
      expect(head.toString("ascii")).toBe("PAR1");
      expect(gets()).toBe(5);
      expect(source.stats).toMatchObject({ getRequests: 5, headRequests: 2, listRequests: 0 });
      expect(source.stats.bytesFetched).toBeGreaterThan(metadataLength);
    } finally {
      await source.close();
      await proxy.stop();
    }
  });
});
