/**
 * `ocp-on-aws --verify` on an S3 input (s3rver on 127.0.0.1): the engine reads the objects as a run does, the
 * DuckDB reference reads local copies of them, and the rows agree, as they do on the same local files.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import { verifyOcpOnAws } from "../../src/aws/verify/verify-ocp-on-aws.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { configFor, generateOcpOnAwsDataset, quietLogger, sharedSources } from "./helpers.js";

let s3: TestS3;
let workDir: string;
let ds: OcpOnAwsDataset;

beforeAll(async () => {
  s3 = await startTestS3();
  workDir = mkdtempSync(join(tmpdir(), "aws-verify-s3-"));
  ds = await generateOcpOnAwsDataset({
    scenario: "shared-disk-two-clusters",
    out: join(workDir, "ds"),
    seed: 7,
  });
  await uploadDirectory(ds.dir, {
    bucket: s3.bucket,
    prefix: "koku",
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    region: s3.region,
  });
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const verify = (extra: Record<string, unknown> = {}) =>
  verifyOcpOnAws(configFor(ds, extra), {
    params: ds.params,
    awsEnabledKeys: ds.aws.enabledTagKeys,
    accountAliases: ds.aws.accountAliases,
    sharedOcpSources: sharedSources(ds, ds.params),
    logger: quietLogger(),
  });

describe("ocp-on-aws --verify", () => {
  it("reads an S3 input: engine and DuckDB reference agree, as on the local files", async () => {
    const tempBefore = readdirSync(tmpdir()).filter((name) => name.startsWith("ocp-on-aws-verify-"));
    const remote = await verify({
      input: `s3://${s3.bucket}/koku`,
      s3: {
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        forcePathStyle: "true",
        region: s3.region,
      },
    });
    expect(remote.comparison.equal, remote.comparison.report).toBe(true);
    expect(remote.engine.length).toBeGreaterThan(0);
    // the copies made for the reference are gone again
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("ocp-on-aws-verify-"))).toEqual(tempBefore);

    const local = await verify();
    expect(local.comparison.equal, local.comparison.report).toBe(true);
    expect(remote.reference.rows.length).toBe(local.reference.rows.length);
    expect(remote.engine.length).toBe(local.engine.length);
  });
});
