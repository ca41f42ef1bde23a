import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InputFile } from "../../src/model.js";
import { LocalSource } from "../../src/source/local.js";
import { S3Source, type S3SourceOptions } from "../../src/source/s3.js";
import { uploadDirectory, writeObject } from "../../src/source/upload.js";
import { type FaultRule, startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";

const SAMPLE_ROOT = resolve("test/fixtures/koku-samples/sample-basic");
const QUERY = {
  orgId: "org1234567",
  sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f",
  year: 2025,
  month: 10,
};

describe("S3Source retries", () => {
  let s3: TestS3;
  let pod: InputFile;
  let podBytes: Buffer;
  let podLocation: string;

  const optionsFor = (endpoint: string, extra: Partial<S3SourceOptions> = {}): S3SourceOptions => ({
    bucket: s3.bucket,
    prefix: "koku",
    endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });

  /** Runs `body` against a source whose requests go through a proxy following `plan`. */
  async function withProxy<T>(
    plan: FaultRule[],
    extra: Partial<S3SourceOptions>,
    body: (source: S3Source, requests: { method: string; url: string; fault: string | null }[]) => Promise<T>,
  ): Promise<T> {
    const proxy = await startFaultyProxy(s3.endpoint, plan);
    const source = new S3Source(optionsFor(proxy.endpoint, extra));
    try {
      return await body(source, proxy.requests);
    } finally {
      await source.close();
      await proxy.stop();
    }
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    await uploadDirectory(SAMPLE_ROOT, optionsFor(s3.endpoint));
    const local = await new LocalSource(SAMPLE_ROOT).list(QUERY);
    const found = local.find((file) => file.reportType === "pod_usage" && file.granularity === "hourly");
    if (!found) throw new Error("sample lacks hourly pod_usage");
    pod = found;
    podBytes = await readFile(pod.location);
    podLocation = `s3://${s3.bucket}/koku/${pod.location.slice(SAMPLE_ROOT.length + 1)}`;
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("lists, sizes and reads through transient 500/503s, cut connections and short bodies", async () => {
    const plan: FaultRule[] = [
      { fault: { kind: "status", status: 503 }, times: 2, pathIncludes: "list-type=2" },
      { fault: { kind: "status", status: 503, code: "SlowDown" }, times: 1, method: "HEAD" },
      { fault: { kind: "status", status: 500 }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "cut" }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "short" }, times: 1, method: "GET", ranged: true },
      { fault: { kind: "status", status: 503 }, times: 1, method: "GET", ranged: true },
    ];
    const retries: string[] = [];
    const onRetry = ({ what, attempt }: { what: string; attempt: number }) => {
      retries.push(`${what.split(" ")[1]}#${attempt}`);
    };
    await withProxy(plan, { onRetry }, async (source, requests) => {
      const files = await source.list(QUERY);
      expect(files).toHaveLength(8);
      const bytes = await source.open({ ...pod, location: podLocation });
      expect(bytes.byteLength).toBe(podBytes.length);
      const range = Buffer.from(await bytes.slice(0, 1000));
      expect(range.equals(podBytes.subarray(0, 1000))).toBe(true);
      const rangedGets = requests.filter(
        (request) => request.method === "GET" && !request.url.includes("list-type"),
      );
      expect(rangedGets.map((request) => request.fault)).toEqual(["status", "cut", "short", "status", null]);
      expect(requests.filter((request) => request.method === "HEAD").map((request) => request.fault)).toEqual(
        ["status", null],
      );
      expect(retries).toEqual(["LIST#1", "LIST#2", "HEAD#1", "GET#1", "GET#2", "GET#3", "GET#4"]);
    });
  });

  it("gives up on a permanent 500 with a clear error naming bucket and key", async () => {
    const plan: FaultRule[] = [
      {
        fault: { kind: "status", status: 500 },
        times: Number.POSITIVE_INFINITY,
        method: "GET",
        ranged: true,
      },
    ];
    await withProxy(
      plan,
      { retry: { maxAttempts: 4, deadlineMs: 5_000, baseDelayMs: 5 } },
      async (source, requests) => {
        const bytes = await source.open({ ...pod, location: podLocation });
        const startedAt = Date.now();
        const failure = bytes.slice(0, 100);
        await expect(failure).rejects.toThrow(`S3 GET ${podLocation} bytes=0-99 failed after 4 attempt(s)`);
        await expect(failure).rejects.toThrow(/attempts exhausted\): InternalError \(HTTP 500\)/);
        expect(Date.now() - startedAt).toBeLessThan(5_000);
        expect(requests.filter((request) => request.fault === "status")).toHaveLength(4);
      },
    );
  });

  it("stops at the deadline when every attempt hangs", async () => {
    const plan: FaultRule[] = [
      { fault: { kind: "delay", ms: 2_000 }, times: Number.POSITIVE_INFINITY, method: "GET", ranged: true },
    ];
    const retry = { maxAttempts: 20, deadlineMs: 600, attemptTimeoutMs: 150, baseDelayMs: 5 };
    await withProxy(plan, { retry }, async (source) => {
      const bytes = await source.open({ ...pod, location: podLocation });
      const startedAt = Date.now();
      await expect(bytes.slice(0, 100)).rejects.toThrow(
        /deadline reached\): AttemptTimeoutError: attempt timed out/,
      );
      expect(Date.now() - startedAt).toBeLessThan(1_200);
    });
  });

  it("does not retry answers that will not change (403, 404)", async () => {
    const plan: FaultRule[] = [
      { fault: { kind: "status", status: 403, code: "AccessDenied" }, times: 5, method: "GET" },
    ];
    await withProxy(plan, {}, async (source, requests) => {
      const bytes = await source.open({ ...pod, location: podLocation });
      await expect(bytes.slice(0, 10)).rejects.toThrow(/after 1 attempt\(s\).*not retryable.*AccessDenied/);
      expect(requests.filter((request) => request.fault === "status")).toHaveLength(1);
      await expect(source.open({ ...pod, location: `${podLocation}.missing` })).rejects.toThrow(
        /S3 HEAD .*\.missing failed after 1 attempt\(s\).*HTTP 404/,
      );
    });
  });

  it("keeps credentials out of errors and describe()", async () => {
    const accessKeyId = "AKIAEXAMPLEKEYID1234";
    const secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const plan: FaultRule[] = [
      {
        fault: { kind: "status", status: 500, message: `echo ${accessKeyId} ${secretAccessKey}` },
        times: Number.POSITIVE_INFINITY,
        pathIncludes: "list-type=2",
      },
    ];
    await withProxy(
      plan,
      { accessKeyId, secretAccessKey, retry: { maxAttempts: 2, baseDelayMs: 1 } },
      async (source) => {
        const error = await source.list(QUERY).then(
          () => null,
          (caught: Error) => caught,
        );
        expect(error?.message).toContain("echo *** ***");
        const everything = `${error?.message} ${error?.stack} ${JSON.stringify(error)} ${source.describe()}`;
        expect(everything).not.toContain(secretAccessKey);
        expect(everything).not.toContain(accessKeyId);
      },
    );
    // Wrong credentials against the store itself.
    const wrong = new S3Source(optionsFor(s3.endpoint, { accessKeyId, secretAccessKey }));
    try {
      const error = await wrong.open({ ...pod, location: podLocation }).then(
        () => null,
        (caught: Error) => caught,
      );
      expect(error?.message).toMatch(/S3 HEAD .* failed after 1 attempt\(s\)/);
      expect(`${error?.message} ${JSON.stringify(error)}`).not.toContain(secretAccessKey);
    } finally {
      await wrong.close();
    }
  });

  it("retries uploads, re-sending the file from its start", async () => {
    const plan: FaultRule[] = [
      { fault: { kind: "status", status: 503 }, times: 2, method: "PUT" },
      { fault: { kind: "cut" }, times: 1, method: "PUT" },
    ];
    const proxy = await startFaultyProxy(s3.endpoint, plan);
    try {
      const target = { ...optionsFor(proxy.endpoint), prefix: "retried", concurrency: 1 };
      const summary = await uploadDirectory(`${SAMPLE_ROOT}/data/parquet/org1234567/OCP/pod_usage`, target);
      expect(summary.files).toBe(1);
      await writeObject(target, "retried/_SUCCESS", "");
      const source = new S3Source(optionsFor(s3.endpoint, { prefix: "retried" }));
      const uploaded = await source.open({
        ...pod,
        location: podLocation.replace(/koku\/.*\/source=/, "retried/source="),
      });
      expect(Buffer.from(await uploaded.slice(0)).equals(podBytes)).toBe(true);
      await source.close();
      expect(
        proxy.requests.filter((request) => request.method === "PUT").map((request) => request.fault),
      ).toEqual(["status", "status", "cut", null, null]);
    } finally {
      await proxy.stop();
    }
  });
});
