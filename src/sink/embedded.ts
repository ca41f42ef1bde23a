/**
 * The embedded default database: a PostgreSQL cluster in the user's data folder, started on demand so a
 * run needs no server. The cluster is initialised once and reused; it listens on 127.0.0.1 only; its
 * password is generated once and kept (mode 0600) in the cluster directory.
 */
import { chown, mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import pg from "pg";
import { bundledBinaries, type PostgresBinaries } from "./embedded-binaries.js";
import {
  defaultDataDir,
  EMBEDDED_DATABASE,
  EMBEDDED_USER,
  ensureParentDir,
  generatePassword,
  inspectDataDir,
  isLivePostmaster,
  isRoot,
  type OsUser,
  prepareDirForUser,
  readPasswordFile,
  readPostmasterPid,
  removeStalePostmasterPid,
  requirePostgresUser,
  SERVER_LOG_FILE,
  stagingDirFor,
  writePasswordFile,
} from "./embedded-files.js";
import { cannotRun, describeExit, runProgram, type ServerProcess, spawnServer } from "./embedded-process.js";
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
  /**
   * true: a server this call starts keeps running after this process ends (`db start`); its log goes to
   * SERVER_LOG_FILE in the cluster directory and stop() leaves it running. Default false: stop() stops it,
   * and so does the end of this process.
   */
  detached?: boolean;
}

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  port: number;
  /** True when an already running server of this cluster was reused; stop() then leaves it running. */
  attached: boolean;
  stop(): Promise<void>;
}

/** The major version of the bundled server binaries; a cluster of another version cannot be opened. */
const BUNDLED_MAJOR = "17";
const START_ATTEMPTS = 3;
/** Generous: two cores shared by many processes can make a first start slow. */
const START_TIMEOUT_MS = 60_000;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const log = options.log ?? (() => {});
  const database = options.database ?? EMBEDDED_DATABASE;
  const durable = options.durable ?? true;
  // As root, PostgreSQL runs as the `postgres` OS user, from binaries copied where that user can read them.
  const osUser = isRoot() ? await requirePostgresUser(log) : null;
  const binaries = await bundledBinaries();

  if ((await inspectDataDir(dataDir)).kind === "absent") {
    log(`embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
    await initialiseCluster(binaries, dataDir, generatePassword(), osUser, durable, log);
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

  const server = { binaries, dataDir, osUser, durable, detached: options.detached ?? false, log };
  const started = await startServer(server, options.port);
  // Another process started this cluster's server first: use that one.
  if (started === "already-running") {
    const winner = await attachToRunningServer(dataDir, password, database, log);
    if (winner) return winner;
    throw new Error(`embedded PostgreSQL: could not start or reach the server for ${dataDir}`);
  }
  const { process: child, port } = started;
  try {
    await ensureDatabase(password, port, database);
  } catch (error) {
    await child.stop();
    throw error;
  }
  log(`embedded PostgreSQL: ready on 127.0.0.1:${port}, data in ${dataDir}`);
  if (server.detached) child.release();
  let stopped = false;
  return {
    url: buildUrl(password, port, database),
    dataDir,
    port,
    attached: false,
    stop: async () => {
      if (stopped || server.detached) return;
      stopped = true;
      await child.stop();
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

/**
 * initdb into a private staging folder next to `dataDir`, renamed into place when complete: a crash or a
 * failure never leaves a half cluster at `dataDir`, and the staging folder is removed whatever happens.
 */
async function initialiseCluster(
  binaries: PostgresBinaries,
  dataDir: string,
  password: string,
  osUser: OsUser | null,
  durable: boolean,
  log: (msg: string) => void,
): Promise<void> {
  await ensureParentDir(dataDir);
  const staging = stagingDirFor(dataDir);
  const pgdata = join(staging, "pgdata");
  try {
    if (osUser) await prepareDirForUser(staging, osUser);
    else await mkdir(staging, { mode: 0o700 });
    try {
      await initdbInto(binaries, pgdata, join(staging, "initdb-password"), password, osUser, durable, log);
      await writePasswordFile(pgdata, password);
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL: could not initialise a cluster in ${dataDir}: ${describe(error)}`,
      );
    }
    try {
      await rename(pgdata, dataDir);
    } catch (error) {
      // Another process initialised the same directory first (rename onto a non-empty directory): use theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      log(`embedded PostgreSQL: another process initialised ${dataDir} first; using that cluster`);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function initdbInto(
  binaries: PostgresBinaries,
  pgdata: string,
  passwordInput: string,
  password: string,
  osUser: OsUser | null,
  durable: boolean,
  log: (msg: string) => void,
): Promise<void> {
  await writeFile(passwordInput, `${password}\n`, { mode: 0o600 });
  if (osUser) await chown(passwordInput, osUser.uid, osUser.gid);
  const args = [
    `--pgdata=${pgdata}`,
    "--auth=scram-sha-256",
    `--username=${EMBEDDED_USER}`,
    `--pwfile=${passwordInput}`,
    // UTF8 whatever the host locale is (a C/POSIX environment would otherwise give SQL_ASCII).
    "--encoding=UTF8",
    "--locale=C",
    ...(durable ? [] : ["--no-sync"]),
  ];
  await runProgram(binaries.initdb, args, { osUser, onLine: (line) => log(`initdb: ${line}`) });
}

interface ServerSettings {
  binaries: PostgresBinaries;
  dataDir: string;
  osUser: OsUser | null;
  durable: boolean;
  detached: boolean;
  log: (msg: string) => void;
}

async function startServer(
  settings: ServerSettings,
  requestedPort: number | undefined,
): Promise<{ process: ServerProcess; port: number } | "already-running"> {
  const { dataDir, durable, log } = settings;
  const speedFlags = durable
    ? []
    : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
  const logFile = settings.detached ? join(dataDir, SERVER_LOG_FILE) : undefined;
  let lastError = "";
  // A random port may be taken between probing and binding: retry with another one.
  const attempts = requestedPort === undefined ? START_ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = requestedPort ?? (await findFreePort());
    const args = ["-D", dataDir, "-p", String(port)];
    // TCP on loopback only; no Unix socket, so no clash with a system server's socket directory.
    args.push("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", ...speedFlags);
    const logStart = logFile ? await fileSize(logFile) : 0;
    const server = spawnServer(settings.binaries.postgres, args, {
      osUser: settings.osUser,
      onLine: (line) => log(`postgres: ${line}`),
      logFile,
    });
    const failure = await waitUntilReady(server, dataDir);
    if (failure === null) return { process: server, port };
    await server.stop();
    const running = await readPostmasterPid(dataDir);
    if (running && (await isLivePostmaster(running.pid, dataDir))) return "already-running";
    lastError = logFile ? `${failure}: ${await logTail(logFile, logStart)}` : failure;
    log(`embedded PostgreSQL: start on port ${port} failed: ${lastError}`);
  }
  throw new Error(`embedded PostgreSQL: could not start the server for ${dataDir}: ${lastError}`);
}

/** null once the server reports "ready" in its postmaster.pid; otherwise why it did not get there. */
async function waitUntilReady(server: ServerProcess, dataDir: string): Promise<string | null> {
  let exited: string | null = null;
  void server.exited.then((outcome) => {
    const how = outcome.error ? cannotRun(outcome.error) : `exited (${describeExit(outcome)})`;
    exited = `the server ${how}: ${server.recentLog()}`;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== null) return exited;
    const info = await readPostmasterPid(dataDir).catch(() => null);
    if (info && info.pid === server.pid && info.status === "ready") return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return exited ?? `the server was not ready after ${START_TIMEOUT_MS / 1000} s: ${server.recentLog()}`;
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
      user: EMBEDDED_USER,
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
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function fileSize(path: string): Promise<number> {
  try {
    const handle = await open(path, "r");
    try {
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  } catch {
    return 0;
  }
}

/** The error lines a detached server wrote to its log since `from`, as one line. */
async function logTail(path: string, from: number): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const start = Math.max(from, size - 8192);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const lines = buffer
        .toString("utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      const important = lines.filter((l) => /\b(FATAL|ERROR|PANIC)\b/.test(l));
      return (important.length > 0 ? important : lines).slice(-3).join(" | ") || "no output";
    } finally {
      await handle.close();
    }
  } catch {
    return `see ${path}`;
  }
}
