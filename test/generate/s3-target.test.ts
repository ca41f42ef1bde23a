/** `--out s3://bucket/prefix`: generated locally, uploaded with the same layout, temporary folder removed. */
import { existsSync } from "node:fs";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3("generated");
});
afterAll(async () => {
  await s3?.stop();
});

async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

describe("S3 target", () => {
  it("uploads params.json and the Parquet tree under the prefix", async () => {
    const result = await generateDataset({
      out: `s3://${s3.bucket}/datasets/basic`,
      scenario: "basic-pod",
      s3: {
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        region: s3.region,
      },
    });
    expect(result.dir).toBe(`s3://${s3.bucket}/datasets/basic`);
    expect(result.files.every((f) => f.startsWith(`s3://${s3.bucket}/datasets/basic/`))).toBe(true);
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const keys = await listKeys(client, "datasets/");
    expect(keys).toContain("datasets/basic/params.json");
    expect(keys.filter((k) => k.endsWith(".parquet"))).toHaveLength(8);
    expect(
      keys.some((k) => k.startsWith("datasets/basic/data/parquet/daily/org1234567/OCP/pod_usage/source=")),
    ).toBe(true);
    const params = await client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: "datasets/basic/params.json" }),
    );
    expect(JSON.parse(await (params.Body?.transformToString() ?? "")).source_uuid).toBe(
      result.params.run.sourceUuid,
    );
    client.destroy();
    for (const file of result.files) expect(existsSync(file)).toBe(false);
  });
});
