/** Picks the input source for a `--input` value: `s3://bucket/prefix` or a local folder. */
import type { InputSource } from "../model.js";
import { LocalSource } from "./local.js";
import { S3Source, type S3SourceOptions } from "./s3.js";
import { parseS3Url } from "./s3-client.js";

/** S3 settings that do not come from the URL (endpoint, region, credentials, retry bounds, …). */
export type S3InputOptions = Omit<S3SourceOptions, "bucket" | "prefix">;

export function isS3Url(input: string): boolean {
  return input.startsWith("s3://");
}

export function openInputSource(input: string, s3Options: S3InputOptions = {}): InputSource {
  if (isS3Url(input)) return new S3Source({ ...s3Options, ...parseS3Url(input) });
  return new LocalSource(input.startsWith("file://") ? new URL(input).pathname : input);
}
