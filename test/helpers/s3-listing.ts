/**
 * ListObjectsV2 as real S3 answers it, for the test s3rver. s3rver 3.7 gets delimiter listings
 * wrong for nested keys (it returns no CommonPrefixes below the first level) and fails paginating
 * them, so the test S3 answers `list-type=2` itself from s3rver's store: keys in byte order,
 * common prefixes rolled up, MaxKeys counting both, opaque continuation tokens.
 */

/** The part of s3rver's filesystem store used here. */
export interface S3rverStore {
  listObjects(
    bucket: string,
    options: { prefix?: string; maxKeys?: number },
  ): Promise<{
    objects: { key: string; size: number; lastModifiedDate: Date; metadata: Record<string, string> }[];
  }>;
}

/** The part of a Koa context used here. */
interface ListContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

type Entry =
  | { kind: "object"; key: string; size: number; etag: string; lastModified: Date }
  | { kind: "prefix"; key: string };

/** Koa middleware answering `GET /<bucket>?list-type=2…`; other requests pass through. */
export function listObjectsV2Middleware(store: S3rverStore, accessKeyId: string) {
  return async (ctx: ListContext, next: () => Promise<unknown>): Promise<unknown> => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (ctx.method !== "GET" || !bucket || text(ctx.query["list-type"]) !== "2") return next();
    if (!text(ctx.headers.authorization).includes(`Credential=${accessKeyId}/`)) {
      return answerError(
        ctx,
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
      );
    }
    const prefix = text(ctx.query.prefix);
    const delimiter = text(ctx.query.delimiter);
    const maxKeys = Math.min(1000, Number(text(ctx.query["max-keys"]) || 1000));
    const token = text(ctx.query["continuation-token"]);
    const startAfter = token
      ? Buffer.from(token, "base64url").toString("utf8")
      : text(ctx.query["start-after"]);

    const { objects } = await store.listObjects(bucket, {
      prefix: prefix || undefined,
      maxKeys: Number.POSITIVE_INFINITY,
    });
    const entries = rollUp(
      objects.map((object) => ({
        kind: "object" as const,
        key: object.key,
        size: object.size,
        etag: object.metadata.etag ?? "",
        lastModified: object.lastModifiedDate,
      })),
      prefix,
      delimiter,
    ).filter((entry) => entry.key > startAfter);
    const page = entries.slice(0, maxKeys);
    const truncated = entries.length > page.length;
    const last = page[page.length - 1];

    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      element("Name", bucket),
      element("Prefix", prefix),
      delimiter ? element("Delimiter", delimiter) : "",
      element("MaxKeys", String(maxKeys)),
      element("KeyCount", String(page.length)),
      element("IsTruncated", String(truncated)),
      token ? element("ContinuationToken", token) : "",
      truncated && last ? element("NextContinuationToken", Buffer.from(last.key).toString("base64url")) : "",
      ...page.map((entry) =>
        entry.kind === "prefix"
          ? `<CommonPrefixes>${element("Prefix", entry.key)}</CommonPrefixes>`
          : `<Contents>${element("Key", entry.key)}${element("LastModified", entry.lastModified.toISOString())}${element("ETag", entry.etag)}${element("Size", String(entry.size))}<StorageClass>STANDARD</StorageClass></Contents>`,
      ),
      "</ListBucketResult>",
    ].join("");
    ctx.status = 200;
    ctx.type = "application/xml";
    ctx.body = xml;
    return undefined;
  };
}

/** Replaces keys that contain the delimiter after the prefix by their common prefix, in key order. */
function rollUp(objects: Entry[], prefix: string, delimiter: string): Entry[] {
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (!delimiter) return sorted;
  const entries: Entry[] = [];
  for (const object of sorted) {
    const cut = object.key.indexOf(delimiter, prefix.length);
    if (cut === -1) {
      entries.push(object);
      continue;
    }
    const common = object.key.slice(0, cut + delimiter.length);
    const previous = entries[entries.length - 1];
    if (previous?.kind !== "prefix" || previous.key !== common) entries.push({ kind: "prefix", key: common });
  }
  return entries;
}

function answerError(ctx: ListContext, status: number, code: string, message: string): undefined {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error>${element("Code", code)}${element("Message", message)}</Error>`;
  return undefined;
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}
