/**
 * S3 connection options, client construction, error classification and redaction shared by the
 * S3 input source and the uploader. Our own retry loop (retry.ts) owns retries, so the SDK's is off.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_RETRY_POLICY, type RetryOptions, type RetryPolicy } from "./retry.js";

/** How to reach S3 (or MinIO / another S3-compatible store). Omitted credentials → SDK default chain. */
export interface S3ConnectionOptions {
  /** Custom endpoint, e.g. `http://127.0.0.1:9000`; implies path-style unless forcePathStyle is false. */
  endpoint?: string;
  /** Default: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1. */
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  forcePathStyle?: boolean;
  /** Retry bounds for every request (defaults: 5 attempts, 60 s). */
  retry?: Partial<RetryPolicy>;
  /** Told about each retry before its wait (e.g. to log a warning); the cause text is redacted. */
  onRetry?(info: { what: string; attempt: number; delayMs: number; cause: string }): void;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without leading slash; "" or ending with "/". */
  prefix: string;
}

export function createS3Client(options: S3ConnectionOptions): S3Client {
  // The SDK's own switch for its "future versions will need a newer Node" notice, which users cannot act on
  // (the supported Node is ours to choose); an explicit setting in the environment is left alone.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const credentials =
    options.accessKeyId && options.secretAccessKey
      ? {
          accessKeyId: options.accessKeyId,
          secretAccessKey: options.secretAccessKey,
          sessionToken: options.sessionToken,
        }
      : undefined;
  return new S3Client({
    region,
    endpoint: options.endpoint,
    // Custom endpoints (MinIO, s3rver, Ceph), also when set through the SDK's env variables, rarely
    // serve virtual-host buckets.
    forcePathStyle:
      options.forcePathStyle ??
      (options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) !== undefined,
    credentials,
    maxAttempts: 1,
    // The SDK's default streaming checksums (aws-chunked uploads with trailers) are not understood by
    // every S3-compatible store; ask for checksums only where the API requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    logger: sdkLogger,
  });
}

/**
 * The SDK warns that streaming uploads are "non-retryable"; ours are retried (retry.ts), so drop that one.
 * Its error log dumps every failed attempt (raw error objects, stacks) to stderr past the redacting logger;
 * the retry loop reports the outcome once, with secrets masked, so those dumps are dropped too.
 */
const sdkLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => {
    if (String(args[0]).includes("non-retryable streaming request")) return;
    console.warn(...args);
  },
  error: () => {},
};

export function retryPolicyOf(options: S3ConnectionOptions): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...options.retry };
}

/** Where requests go, for messages: the custom endpoint, or AWS S3 and its region. */
export function describeEndpoint(options: S3ConnectionOptions): string {
  const custom = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  if (custom) return redactSecrets(custom, options);
  return `AWS S3 (${options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1"})`;
}

/**
 * Retry settings for one S3 request described by `what` (e.g. `S3 GET s3://bucket/key bytes=0-7`). Every
 * cause names the endpoint, so a failure says which server did not answer (the bucket is in `what`).
 */
export function s3RetryOptions(what: string, options: S3ConnectionOptions): RetryOptions {
  const subject = /s3:\/\/\S+/.exec(what)?.[0] ?? what;
  const describeCause = (error: unknown) =>
    `${describeS3Error(error, options, subject)} (endpoint ${describeEndpoint(options)})`;
  const onRetry = options.onRetry;
  return {
    what,
    policy: retryPolicyOf(options),
    isRetryable: isRetryableS3Error,
    describeCause,
    onRetry:
      onRetry &&
      (({ attempt, delayMs, error }) => onRetry({ what, attempt, delayMs, cause: describeCause(error) })),
  };
}

/** `s3://bucket/some/prefix` → { bucket, prefix: "some/prefix/" }. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match || match[1] === "") throw new Error(`not an s3:// URL: ${url}`);
  return { bucket: match[1], prefix: normalizePrefix(match[2]) };
}

/** Strips leading slashes and ensures a trailing one ("" stays ""). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "").replace(/\/+$/, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

/** Body of a response that failed the length check; retryable. */
export class TruncatedBodyError extends Error {
  constructor(expected: number, received: number) {
    super(`truncated body: expected ${expected} bytes, received ${received}`);
    this.name = "TruncatedBodyError";
  }
}

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * 5xx, 429/408, throttling, timeouts, truncated bodies and network failures are retried; other
 * answers from the server (403, 404, 412, …) and programming errors are not.
 */
export function isRetryableS3Error(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return false;
  if (typeof error !== "object" || error === null) return false;
  const shaped = error as SdkErrorShape;
  if (shaped.$retryable) return true;
  if (shaped.code && RETRYABLE_NETWORK_CODES.has(shaped.code)) return true;
  const status = shaped.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  // No HTTP status: the request never got an answer (connection reset, aborted body, timeout).
  return true;
}

/**
 * Cause text for final errors: name, status and message, with any known secret masked. A 404 says what was
 * not found (`subject`, e.g. `s3://bucket/key`): a HEAD's 404 has no body, and the SDK calls it UnknownError.
 */
export function describeS3Error(error: unknown, options: S3ConnectionOptions, subject?: string): string {
  let text: string;
  if (error instanceof Error) {
    const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
    if (status === 404) {
      // NoSuchKey, NotFound and UnknownError (a HEAD) all mean "no such object"; anything else is shown too.
      const plain = ["NoSuchKey", "NotFound", "UnknownError"].includes(error.name);
      const bucket = subject ? /^s3:\/\/([^/]+)/.exec(subject)?.[1] : undefined;
      text =
        error.name === "NoSuchBucket"
          ? `NoSuchBucket (HTTP 404): bucket ${bucket ?? "(unknown)"} not found`
          : `NotFound (HTTP 404): ${subject ?? "the object"} not found${plain ? "" : ` (${error.name}: ${error.message})`}`;
    } else {
      text = `${error.name}${status ? ` (HTTP ${status})` : ""}: ${error.message}`;
    }
  } else {
    text = String(error);
  }
  return redactSecrets(text, options);
}

export function redactSecrets(text: string, options: S3ConnectionOptions): string {
  const secrets = [
    options.secretAccessKey,
    options.sessionToken,
    options.accessKeyId,
    process.env.AWS_SECRET_ACCESS_KEY,
    process.env.AWS_SESSION_TOKEN,
    process.env.AWS_ACCESS_KEY_ID,
  ].filter((secret): secret is string => typeof secret === "string" && secret.length >= 4);
  let redacted = text;
  for (const secret of secrets) redacted = redacted.split(secret).join("***");
  return redacted;
}

/** Copies a response body into an ArrayBuffer of exactly its length. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
