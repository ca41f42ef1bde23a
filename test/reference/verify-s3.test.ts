/** `runVerify` on an S3 input (s3rver on 127.0.0.1): objects are copied locally for the reference. */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Source } from "../../src/source/s3.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { formatVerifyReport, runVerify } from "../../src/verify/run-verify.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { loadSample, SAMPLES_DIR } from "./fixture-files.js";

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});

describe("runVerify over S3", () => {
  it("reports parity on sample-basic read from S3", async () => {
    const connection = {
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      region: s3.region,
    };
    await uploadDirectory(join(SAMPLES_DIR, "sample-basic"), {
      ...connection,
      bucket: s3.bucket,
      prefix: "koku",
    });
    const source = new S3Source({ ...connection, bucket: s3.bucket, prefix: "koku" });
    const sample = loadSample("sample-basic", "trino");
    const messages: string[] = [];
    try {
      const result = await runVerify({
        source,
        run: sample.run,
        reference: sample.reference,
        log: (m) => messages.push(m),
      });
      expect(result.comparison.equal, formatVerifyReport(result)).toBe(true);
      expect(result.files).toBe(8);
      expect(result.engineRows).toBe(14);
      expect(messages.join("\n")).toContain("s3://");
    } finally {
      await source.close();
    }
  });
});
