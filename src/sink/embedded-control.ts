/**
 * The embedded cluster seen from outside a run: is it there, is its server running (and on which port),
 * how to connect, and stopping a server some other process left running (`db stop`).
 */
import { join, resolve } from "node:path";
import {
  defaultDataDir,
  EMBEDDED_DATABASE,
  EMBEDDED_USER,
  inspectDataDir,
  isLivePostmaster,
  PASSWORD_FILE,
  readPasswordFile,
  readPostmasterPid,
  SERVER_LOG_FILE,
} from "./embedded-files.js";

export interface EmbeddedStatus {
  dataDir: string;
  /** The cluster exists (initdb ran). */
  initialised: boolean;
  /** The live server of this cluster, if any. */
  running: { pid: number; port: number } | null;
  passwordFile: string;
  serverLog: string;
}

export async function embeddedStatus(dataDir?: string | null): Promise<EmbeddedStatus> {
  const dir = resolve(dataDir ?? defaultDataDir());
  const state = await inspectDataDir(dir);
  const pid = state.kind === "initialised" ? await readPostmasterPid(dir) : null;
  const live = pid !== null && pid.status !== "stopping" && (await isLivePostmaster(pid.pid, dir));
  return {
    dataDir: dir,
    initialised: state.kind === "initialised",
    running: live && pid ? { pid: pid.pid, port: pid.port } : null,
    passwordFile: join(dir, PASSWORD_FILE),
    serverLog: join(dir, SERVER_LOG_FILE),
  };
}

/** postgres://postgres:<password>@127.0.0.1:<port>/ocp — the password is read from the cluster's file. */
export async function embeddedUrl(status: EmbeddedStatus, port: number): Promise<string> {
  const password = await readPasswordFile(status.dataDir);
  return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

/**
 * Asks the running server to shut down (SIGINT: fast shutdown, open sessions are ended) and waits until its
 * process is gone. false when no server was running.
 */
export async function stopEmbeddedServer(dataDir: string, timeoutMs = 60_000): Promise<boolean> {
  const status = await embeddedStatus(dataDir);
  if (!status.running) return false;
  const { pid } = status.running;
  try {
    process.kill(pid, "SIGINT");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw new Error(`embedded PostgreSQL: cannot stop the server (pid ${pid}): ${(error as Error).message}`);
  }
  const deadline = Date.now() + timeoutMs;
  // Done when PostgreSQL has removed its postmaster.pid (its last act), or the process is gone altogether.
  while (Date.now() < deadline) {
    const current = await readPostmasterPid(status.dataDir);
    if (current?.pid !== pid || !processExists(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `embedded PostgreSQL: the server (pid ${pid}) did not stop within ${timeoutMs / 1000} s; see ${status.serverLog}`,
  );
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
