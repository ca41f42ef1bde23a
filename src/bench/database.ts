/**
 * The one PostgreSQL all bench runs write to: the given URL, or a fresh embedded cluster in a temporary
 * folder (durable, as a user's would be, so "committed" means fsynced), removed again when the bench ends.
 */
import { rmSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "../sink/connection.js";
import { startEmbeddedPostgres } from "../sink/embedded.js";
import { readPostmasterPid } from "../sink/embedded-files.js";

export interface BenchDatabase {
  url: string;
  kind: "embedded" | "url";
  /** `SHOW server_version`, or null when the query failed. */
  version: string | null;
  /** The embedded cluster's postmaster (for its CPU seconds); null for a database given by URL. */
  postmasterPid: number | null;
  stop(): Promise<void>;
  /** Removes the embedded cluster's folder (synchronous, so it can run at process exit). */
  removeFiles(): void;
}

async function serverVersion(url: string): Promise<string | null> {
  try {
    const client = await connect(url, { applicationName: "ocp-aggregator-bench" });
    try {
      const result = await client.query<{ server_version: string }>("SHOW server_version");
      return result.rows[0]?.server_version ?? null;
    } finally {
      await client.end();
    }
  } catch {
    return null;
  }
}

export async function openBenchDatabase(
  url: string | null,
  log: (message: string) => void,
): Promise<BenchDatabase> {
  if (url) {
    return {
      url,
      kind: "url",
      version: await serverVersion(url),
      postmasterPid: null,
      stop: async () => {},
      removeFiles: () => {},
    };
  }
  const root = await mkdtemp(join(tmpdir(), "ocp-aggregator-bench-pg-"));
  try {
    // mkdtemp gives 0700; as root the server runs as OS user "postgres", which must be able to enter it
    await chmod(root, 0o755);
    log("starting an embedded PostgreSQL for the bench");
    const server = await startEmbeddedPostgres({ dataDir: join(root, "pg") });
    return {
      url: server.url,
      kind: "embedded",
      version: await serverVersion(server.url),
      postmasterPid: (await readPostmasterPid(join(root, "pg")))?.pid ?? null,
      stop: async () => {
        await server.stop();
        await rm(root, { recursive: true, force: true });
      },
      removeFiles: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
