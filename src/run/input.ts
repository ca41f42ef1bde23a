/** The run's Parquet input as configured: `input` (a directory or s3:// URL) with the `s3.*` connection keys. */
import type { AppConfig } from "../config/schema.js";
import type { InputSource } from "../model.js";
import { openInputSource } from "../source/open-source.js";
import type { S3ConnectionOptions } from "../source/s3-client.js";

/**
 * Opens the configured input; every job (aggregate, verify, OCP-on-AWS) builds its source here. Each S3 retry
 * is told to `onRetry` while the run waits (a silent wait on a hung endpoint looks like a hang).
 */
export function openConfiguredInput(config: AppConfig, onRetry?: (message: string) => void): InputSource {
  if (!config.input) throw new Error("no input: give --input <dir|s3://bucket/prefix> (or S3_BUCKET)");
  return openInputSource(config.input, configuredS3Connection(config, onRetry));
}

/** The `s3.*` keys as connection options: the input and the summary's Parquet copy reach S3 the same way. */
export function configuredS3Connection(
  config: AppConfig,
  onRetry?: (message: string) => void,
): S3ConnectionOptions {
  return {
    endpoint: config.s3.endpoint,
    region: config.s3.region,
    accessKeyId: config.s3.accessKeyId,
    secretAccessKey: config.s3.secretAccessKey,
    forcePathStyle: config.s3.forcePathStyle,
    retry: { attemptTimeoutMs: config.s3.attemptTimeoutMs, deadlineMs: config.s3.deadlineMs },
    onRetry:
      onRetry &&
      (({ what, attempt, delayMs, cause }) =>
        onRetry(`${what}: attempt ${attempt} failed, retrying in ${delayMs} ms: ${cause}`)),
  };
}
