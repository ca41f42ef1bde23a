/**
 * Values computed from several keys: the input from S3_BUCKET/S3_PREFIX, the S3 endpoint's scheme and
 * addressing style, and the database URL from POSTGRES_* parts (the POC's way of configuring it).
 */
import { homedir } from "node:os";
import type { ConfigIssue, Origin } from "./origin.js";
import type { ResolvedSetting, ResolvedSettings } from "./resolved.js";

export interface DerivedValues {
  input: string | null;
  dataDir: string | null;
  s3Endpoint: string | null;
  forcePathStyle: boolean;
  databaseUrl: string | null;
  origins: Map<string, Origin>;
  issues: ConfigIssue[];
  warnings: string[];
}

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const POSTGRES_PARTS = ["host", "port", "database", "user", "password"] as const;
type PostgresPart = (typeof POSTGRES_PARTS)[number];

export function deriveValues(resolved: ResolvedSettings): DerivedValues {
  const value = <T>(key: string): T | null => (resolved.get(key)?.value ?? null) as T | null;
  const out: DerivedValues = {
    input: expandHome(value<string>("input")),
    dataDir: expandHome(value<string>("embedded.data_dir")),
    s3Endpoint: value<string>("s3.endpoint"),
    forcePathStyle: false,
    databaseUrl: null,
    origins: new Map(),
    issues: [],
    warnings: [],
  };

  const bucket = value<string>("s3.bucket");
  if (out.input === null && bucket !== null) {
    const prefix = (value<string>("s3.prefix") ?? "").replace(/^\/+|\/+$/g, "");
    out.input = `s3://${bucket}${prefix ? `/${prefix}` : ""}`;
    out.origins.set("input", { kind: "derived", from: "s3.bucket / s3.prefix" });
  }
  if (out.input?.startsWith("s3://") && !/^s3:\/\/[^/]+/.test(out.input)) {
    out.issues.push({
      key: "input",
      message: "expected s3://bucket[/prefix]",
      origin: resolved.get("input")?.origin,
    });
  }

  // The POC writes endpoints like `minio:9000` and says `use_ssl` separately.
  if (out.s3Endpoint !== null && !HAS_SCHEME.test(out.s3Endpoint)) {
    out.s3Endpoint = `${value<boolean>("s3.use_ssl") === false ? "http" : "https"}://${out.s3Endpoint}`;
  }
  // MinIO and most S3-compatible servers need path-style addressing; AWS prefers virtual hosts.
  out.forcePathStyle = value<boolean>("s3.force_path_style") ?? out.s3Endpoint !== null;

  deriveDatabaseUrl(resolved, out);
  return out;
}

/**
 * database.url, overlaid with POSTGRES_* parts that come from a higher-precedence layer than the URL
 * (e.g. a URL in the file and POSTGRES_PASSWORD in the environment). No URL and no host → embedded.
 */
function deriveDatabaseUrl(resolved: ResolvedSettings, out: DerivedValues): void {
  const urlSetting = resolved.get("database.url");
  const urlText = (urlSetting?.value ?? null) as string | null;
  const urlRank = urlText !== null && urlSetting ? urlSetting.rank : -1;
  const newerParts = new Map<PostgresPart, ResolvedSetting>();
  for (const part of POSTGRES_PARTS) {
    const setting = resolved.get(`postgresql.${part}`);
    if (setting && setting.value !== null && setting.rank > urlRank) newerParts.set(part, setting);
  }

  let base: URL | null = null;
  if (urlText !== null) {
    base = parsePostgresUrl(urlText);
    if (!base) {
      const message = "expected a URL like postgresql://user:password@host:5432/database";
      out.issues.push({ key: "database.url", message, origin: urlSetting?.origin });
      return;
    }
  }
  if (newerParts.size === 0) {
    out.databaseUrl = urlText;
    return;
  }
  const host = newerParts.get("host")?.value ?? (base ? base.hostname : null);
  if (host === null || host === "") {
    const names = [...newerParts.keys()].map((part) => `postgresql.${part}`).join(", ");
    out.warnings.push(
      `config warning: ${names} set without postgresql.host or database.url; using embedded PostgreSQL`,
    );
    return;
  }

  const part = (name: PostgresPart, fromBase: string): string => {
    const given = newerParts.get(name)?.value;
    return given === undefined ? fromBase : String(given);
  };
  const user = part("user", base ? decodeURIComponent(base.username) : "");
  const password = part("password", base ? decodeURIComponent(base.password) : "");
  const port = part("port", base?.port ?? "");
  const database = part("database", base ? decodeURIComponent(base.pathname.replace(/^\//, "")) : "");
  const hostText = String(host).includes(":") && !String(host).startsWith("[") ? `[${host}]` : String(host);
  // encodeURIComponent, not URL setters: the WHATWG setters leave '%' alone, which pg would then decode.
  const credentials =
    user || password
      ? `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ""}@`
      : "";
  out.databaseUrl = `postgresql://${credentials}${hostText}${port ? `:${port}` : ""}/${encodeURIComponent(database)}${base?.search ?? ""}`;
  out.origins.set("database.url", { kind: "derived", from: "postgresql.* / POSTGRES_* settings" });
}

/** `~/x` → `<home>/x`, as a shell would, since YAML and `--opt=~/x` do not expand it. */
function expandHome(path: string | null): string | null {
  if (path === "~") return homedir();
  return path?.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}

function parsePostgresUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "postgresql:" || url.protocol === "postgres:" ? url : null;
  } catch {
    return null;
  }
}
