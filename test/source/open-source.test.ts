import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalSource } from "../../src/source/local.js";
import { isS3Url, openInputSource } from "../../src/source/open-source.js";
import { S3Source } from "../../src/source/s3.js";
import { normalizePrefix, parseS3Url } from "../../src/source/s3-client.js";

describe("openInputSource", () => {
  it("opens a local folder for a path or file:// URL", async () => {
    const source = openInputSource("test/fixtures/koku-samples/sample-basic");
    expect(source).toBeInstanceOf(LocalSource);
    expect(source.describe()).toBe(resolve("test/fixtures/koku-samples/sample-basic"));
    const fromUrl = openInputSource(`file://${resolve("test/fixtures")}`);
    expect(fromUrl.describe()).toBe(resolve("test/fixtures"));
    await source.close();
    await fromUrl.close();
  });

  it("opens S3 for s3:// URLs without showing credentials", async () => {
    const source = openInputSource("s3://my-bucket/some/prefix", {
      endpoint: "http://127.0.0.1:1",
      accessKeyId: "AKIAEXAMPLEKEYID1234",
      secretAccessKey: "very-secret-value",
    });
    expect(source).toBeInstanceOf(S3Source);
    expect(source.describe()).toBe("s3://my-bucket/some/prefix/");
    await source.close();
    expect(isS3Url("s3://b")).toBe(true);
    expect(isS3Url("/data/s3:/x")).toBe(false);
  });
});

describe("S3 URL parsing", () => {
  it("splits bucket and a normalised prefix", () => {
    expect(parseS3Url("s3://bucket")).toEqual({ bucket: "bucket", prefix: "" });
    expect(parseS3Url("s3://bucket/")).toEqual({ bucket: "bucket", prefix: "" });
    expect(parseS3Url("s3://bucket/a/b")).toEqual({ bucket: "bucket", prefix: "a/b/" });
    expect(parseS3Url("s3://bucket/a/b//")).toEqual({ bucket: "bucket", prefix: "a/b/" });
    expect(() => parseS3Url("s3:///key")).toThrow("not an s3:// URL");
    expect(() => parseS3Url("http://bucket/key")).toThrow("not an s3:// URL");
    expect(normalizePrefix("/x/")).toBe("x/");
  });
});
