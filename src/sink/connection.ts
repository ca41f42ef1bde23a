/**
 * Opening the output database connection, and showing its URL in logs without the password.
 */
import pg from "pg";

export interface ConnectOptions {
  /** Shown in pg_stat_activity; default `ocp-aggregator`. */
  applicationName?: string;
  /** Milliseconds; 0 or absent = no limit (a month's COPY is one long statement). */
  statementTimeoutMs?: number;
  /** Milliseconds to wait for the TCP/TLS handshake; default 30 s. */
  connectTimeoutMs?: number;
}

export async function connect(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: options.applicationName ?? "ocp-aggregator",
    statement_timeout:
      options.statementTimeoutMs && options.statementTimeoutMs > 0 ? options.statementTimeoutMs : undefined,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
    // Keep idle connections alive through NATs/load balancers during long reads before the write.
    keepAlive: true,
  });
  // An 'error' event without a listener would crash the process (e.g. the server restarts while idle);
  // the next query on the client reports the failure instead.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return client;
}

const SECRET_PARAMS = ["password", "sslpassword", "sslkey", "passfile"];

/**
 * The URL with its password (userinfo part and `password=`-like query parameters) replaced by `***`.
 * Text that does not parse as a URL is redacted wholesale after the scheme, to be safe.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
    return scheme ? `${scheme}***` : "***";
  }
  if (parsed.password) parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.includes(key.toLowerCase())) parsed.searchParams.set(key, "***");
  }
  return parsed.toString();
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // AggregateError (several addresses tried) has an empty message; its parts say what happened.
  if (message === "" && error instanceof AggregateError) return error.errors.map(errorMessage).join("; ");
  return message;
}
