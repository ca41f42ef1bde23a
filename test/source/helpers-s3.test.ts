import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultyProxy, startTestS3, type TestS3 } from "../helpers/s3.js";

function clientFor(s3: TestS3, endpoint = s3.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: s3.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

async function bodyBytes(
  body: { transformToByteArray(): Promise<Uint8Array> } | undefined,
): Promise<Uint8Array> {
  if (!body) throw new Error("response without a body");
  return body.transformToByteArray();
}

describe("test S3 helpers", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it("stores and serves objects, and the proxy injects then stops injecting faults", async () => {
    const client = clientFor(s3);
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "a/b.bin", Body: Buffer.from("hello world") }),
    );
    const direct = await client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.bin", Range: "bytes=0-4" }),
    );
    expect(Buffer.from(await bodyBytes(direct.Body)).toString()).toBe("hello");

    const proxy = await startFaultyProxy(s3.endpoint, [{ fault: { kind: "status", status: 503 }, times: 1 }]);
    try {
      const viaProxy = clientFor(s3, proxy.endpoint);
      await expect(
        viaProxy.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.bin" })),
      ).rejects.toMatchObject({
        name: "SlowDown",
      });
      const ok = await viaProxy.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "a/b.bin" }));
      expect(Buffer.from(await bodyBytes(ok.Body)).toString()).toBe("hello world");
      expect(proxy.requests.map((r) => r.fault)).toEqual(["status", null]);
      viaProxy.destroy();
    } finally {
      await proxy.stop();
      client.destroy();
    }
  });

  it("cut faults make the body read fail", async () => {
    const client = clientFor(s3);
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: "big.bin", Body: Buffer.alloc(200_000, 7) }),
    );
    const proxy = await startFaultyProxy(s3.endpoint, [{ fault: { kind: "cut" }, times: 1, method: "GET" }]);
    try {
      const viaProxy = clientFor(s3, proxy.endpoint);
      const read = async () => {
        const r = await viaProxy.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "big.bin" }));
        return bodyBytes(r.Body);
      };
      await expect(read()).rejects.toThrow();
      expect((await read()).length).toBe(200_000);
      viaProxy.destroy();
    } finally {
      await proxy.stop();
      client.destroy();
    }
  });
});
