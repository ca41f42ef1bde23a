/**
 * File-system chores of the embedded PostgreSQL cluster: where it lives, its password file, its
 * postmaster.pid, and (when we run as root) making it reachable for the `postgres` OS user.
 * Kept apart from embedded.ts so the start/stop logic there reads as a short story.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";

/**
 * Root's home for the embedded server: the default cluster (pg/) and the copy of the bundled binaries. As
 * root, PostgreSQL runs as the `postgres` OS user, which cannot traverse /root (mode 0700).
 */
export const ROOT_HOME = "/var/lib/ocp-aggregator";

/** The superuser initdb creates, and the database a run writes to unless told otherwise. */
export const EMBEDDED_USER = "postgres";
export const EMBEDDED_DATABASE = "ocp";

/** Written into the cluster directory after initdb; mode 0600, never logged. */
export const PASSWORD_FILE = "ocp-aggregator.password";

/** Log of a server started with `db start` (detached), in the cluster directory. */
export const SERVER_LOG_FILE = "ocp-aggregator-server.log";

/**
 * Default cluster directory: `$XDG_DATA_HOME/ocp-aggregator/pg`, else `~/.local/share/ocp-aggregator/pg`;
 * as root without XDG_DATA_HOME, ROOT_HOME/pg.
 */
export function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  if (xdg && xdg.length > 0) return join(xdg, "ocp-aggregator", "pg");
  if (isRoot()) return join(ROOT_HOME, "pg");
  return join(homedir(), ".local", "share", "ocp-aggregator", "pg");
}

export function isRoot(): boolean {
  return userInfo().uid === 0;
}

export interface ClusterState {
  kind: "initialised" | "absent";
  /** Major version from PG_VERSION when initialised. */
  majorVersion?: string;
}

/** Whether `dir` holds a cluster (PG_VERSION), is absent/empty, or is something else (an error). */
export async function inspectDataDir(dir: string): Promise<ClusterState> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw error;
  }
  if (entries.includes("PG_VERSION")) {
    const majorVersion = (await readFile(join(dir, "PG_VERSION"), "utf8")).trim();
    return { kind: "initialised", majorVersion };
  }
  if (entries.length === 0) return { kind: "absent" };
  throw new Error(
    `embedded PostgreSQL: ${dir} exists but is not a PostgreSQL data directory (no PG_VERSION); ` +
      "choose another data directory or empty this one",
  );
}

export function generatePassword(): string {
  // base64url needs no escaping in a connection URL.
  return randomBytes(24).toString("base64url");
}

export async function writePasswordFile(dir: string, password: string): Promise<void> {
  await writeFile(join(dir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
}

export async function readPasswordFile(dir: string): Promise<string> {
  try {
    return (await readFile(join(dir, PASSWORD_FILE), "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(
        `embedded PostgreSQL: ${dir} holds a cluster but no ${PASSWORD_FILE}; it was not created by ` +
          "ocp-aggregator (or the file was removed), so its password is unknown",
      );
    }
    throw error;
  }
}

export interface PostmasterInfo {
  pid: number;
  port: number;
  /** "starting", "ready" or "stopping" (empty while the server writes the file). */
  status: string;
}

/** Reads postmaster.pid (line 1: pid, line 4: port, line 8: status); null when there is none. */
export async function readPostmasterPid(dir: string): Promise<PostmasterInfo | null> {
  let text: string;
  try {
    text = await readFile(join(dir, "postmaster.pid"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const lines = text.split("\n");
  return {
    pid: Number.parseInt(lines[0] ?? "", 10),
    port: Number.parseInt(lines[3] ?? "", 10),
    status: (lines[7] ?? "").trim(),
  };
}

/**
 * True when `pid` is a live postgres process serving `dataDir`. A pid from a killed run may since have been
 * reused by an unrelated process, which PostgreSQL itself would mistake for a running postmaster.
 */
export async function isLivePostmaster(pid: number, dataDir: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal; treat as alive only if it looks like our postmaster below.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    return cmdline.some((arg) => arg.endsWith("postgres")) && cmdline.includes(resolve(dataDir));
  } catch {
    // No /proc (macOS): trust the signal probe.
    return process.platform !== "linux";
  }
}

export async function removeStalePostmasterPid(dir: string): Promise<void> {
  await rm(join(dir, "postmaster.pid"), { force: true });
}

export interface OsUser {
  uid: number;
  gid: number;
}

/** uid/gid of the `postgres` OS user, or null when it does not exist. */
export async function lookupPostgresUser(): Promise<OsUser | null> {
  const id = (flag: string) =>
    new Promise<number | null>((resolveId) => {
      execFile("id", [flag, "postgres"], (error, stdout) => {
        resolveId(error ? null : Number.parseInt(stdout.trim(), 10));
      });
    });
  const [uid, gid] = await Promise.all([id("-u"), id("-g")]);
  return uid === null || gid === null ? null : { uid, gid };
}

/**
 * The `postgres` OS user PostgreSQL runs as when we are root (it refuses to run as root); created as a system
 * user when missing.
 */
export async function requirePostgresUser(log: (msg: string) => void): Promise<OsUser> {
  const existing = await lookupPostgresUser();
  if (existing) return existing;
  log('embedded PostgreSQL: creating the system user "postgres" (PostgreSQL refuses to run as root)');
  const created = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], {
    encoding: "utf8",
  });
  const user = await lookupPostgresUser();
  if (user) return user;
  const reason = created.error
    ? created.error.message
    : (created.stderr ?? "").trim() || `exit ${created.status}`;
  throw new Error(
    `embedded PostgreSQL: running as root, the server must run as OS user "postgres", which does not exist ` +
      `and could not be created (useradd: ${reason}); create it, run as another user, or set database.url`,
  );
}

/**
 * As root, PostgreSQL runs as `user`: create `dir` and hand it over, after checking the user can reach it
 * (every parent directory must be traversable, which /root is not).
 */
export async function prepareDirForUser(dir: string, user: OsUser): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, user.uid, user.gid);
  const probe = spawnSync("/bin/sh", ["-c", 'cd "$1"', "sh", dir], { uid: user.uid, gid: user.gid });
  if (probe.status !== 0) {
    throw new Error(
      `embedded PostgreSQL: running as root, the server runs as OS user "postgres", which cannot reach ${dir} ` +
        "(a parent directory is not traversable); choose a data directory such as /var/lib/ocp-aggregator/pg",
    );
  }
}

/** A sibling directory to initialise in, so a crash during initdb never leaves a half cluster at `dir`. */
export function stagingDirFor(dir: string): string {
  return join(dirname(dir), `.${randomBytes(4).toString("hex")}-initdb-${process.pid}`);
}

export async function ensureParentDir(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
}
