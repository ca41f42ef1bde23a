/**
 * Runs the bundled PostgreSQL programs: initdb once per cluster, then the server. Every failure (a program
 * that cannot be started — EACCES, ENOENT —, a non-zero exit, a server that dies while starting) becomes
 * one Error with a one-line message: no child-process event is ever left unhandled.
 *
 * Servers this process started are stopped when it exits or is interrupted (SIGINT/SIGTERM), so a run never
 * leaves one behind; a detached server (`db start`) is meant to outlive us and is not tracked.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { OsUser } from "./embedded-files.js";

/** Lines kept from a program's output to explain a failure. */
const KEPT_LINES = 20;

export interface SpawnSettings {
  /** As root: the `postgres` OS user the program runs as. */
  osUser: OsUser | null;
  /** Receives each output line (server log, initdb progress). */
  onLine?: (line: string) => void;
}

/** Runs `program` to completion; rejects with its last output lines when it cannot start or exits non-zero. */
export async function runProgram(program: string, args: string[], settings: SpawnSettings): Promise<void> {
  const recent = new RecentLines(settings.onLine);
  const child = spawnProgram(program, args, settings.osUser, "pipe");
  recent.follow(child);
  const outcome = await exitOf(child);
  if (outcome.error) throw new Error(`${program} ${cannotRun(outcome.error)}`);
  if (outcome.code !== 0) {
    throw new Error(`${baseName(program)} exited with ${describeExit(outcome)}: ${recent.summary()}`);
  }
}

export interface ServerProcess {
  pid: number;
  /** Resolves once the process has exited (or could not be started). */
  exited: Promise<ExitOutcome>;
  /** The server's last log lines (empty for a detached server: its log goes to a file). */
  recentLog(): string;
  /** Fast shutdown (SIGINT) and wait for the exit. */
  stop(): Promise<void>;
  /** A detached server: let this process exit while it keeps running. */
  release(): void;
}

/**
 * Starts the server. Attached (default): its log is piped to `onLine` and it is stopped when this process
 * ends. Detached: it runs in its own session with its log appended to `logFile`, and survives us.
 */
export function spawnServer(
  program: string,
  args: string[],
  settings: SpawnSettings & { logFile?: string },
): ServerProcess {
  const recent = new RecentLines(settings.onLine);
  let child: ChildProcess;
  if (settings.logFile) {
    const fd = openSync(settings.logFile, "a", 0o600);
    try {
      child = spawnProgram(program, args, settings.osUser, fd);
    } finally {
      closeSync(fd);
    }
  } else {
    child = spawnProgram(program, args, settings.osUser, "pipe");
    recent.follow(child);
  }
  const exited = exitOf(child);
  const server: ServerProcess = {
    pid: child.pid ?? 0,
    exited,
    recentLog: () => recent.summary(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) child.kill("SIGINT");
      await exited;
    },
    release: () => child.unref(),
  };
  if (!settings.logFile) track(server, child);
  return server;
}

/** Why a program could not start, in one line. */
export function cannotRun(error: NodeJS.ErrnoException): string {
  const hint =
    error.code === "EACCES"
      ? ": permission denied (the program or a folder above it is not accessible to the user it runs as)"
      : `: ${error.code ?? error.message}`;
  return `could not be started${hint}`;
}

export interface ExitOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all. */
  error?: NodeJS.ErrnoException;
}

export function describeExit(outcome: ExitOutcome): string {
  if (outcome.error) return outcome.error.code ?? outcome.error.message;
  return outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code}`;
}

function spawnProgram(
  program: string,
  args: string[],
  osUser: OsUser | null,
  output: "pipe" | number,
): ChildProcess {
  return spawn(program, args, {
    // "/" rather than our working directory, which the `postgres` user may not be allowed to enter.
    cwd: "/",
    stdio: ["ignore", output, output],
    detached: output !== "pipe",
    env: { ...process.env, LC_ALL: "C" },
    ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
  });
}

/** Settles once on 'exit' or on 'error' (a spawn failure emits 'error' and possibly no 'exit'). */
function exitOf(child: ChildProcess): Promise<ExitOutcome> {
  return new Promise((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** The last lines a program printed, forwarded line by line. */
class RecentLines {
  private readonly lines: string[] = [];
  constructor(private readonly onLine?: (line: string) => void) {}

  follow(child: ChildProcess): void {
    const take = (chunk: Buffer) => {
      for (const raw of chunk.toString("utf8").split("\n")) {
        const line = raw.trim();
        if (line.length === 0) continue;
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.shift();
        this.onLine?.(line);
      }
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
  }

  /** The lines that explain a failure (errors first), as one line. */
  summary(): string {
    const important = this.lines.filter((l) => /\b(FATAL|ERROR|PANIC|error|could not|cannot)\b/.test(l));
    const chosen = important.length > 0 ? important.slice(-3) : this.lines.slice(-3);
    return chosen.length > 0 ? chosen.join(" | ") : "no output";
  }
}

function baseName(program: string): string {
  return program.slice(program.lastIndexOf("/") + 1);
}

// Servers of this process, stopped when it ends.
const running = new Map<ServerProcess, ChildProcess>();
const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

function track(server: ServerProcess, child: ChildProcess): void {
  if (running.size === 0) installHooks();
  running.set(server, child);
  void server.exited.then(() => {
    running.delete(server);
    if (running.size === 0) removeHooks();
  });
}

/** At exit only synchronous work runs: the signal is enough, PostgreSQL then shuts down by itself. */
function onExit(): void {
  for (const child of running.values()) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  }
}

/** Interrupted: stop our servers cleanly, then end as the signal would have (130/143). */
function onSignal(signal: keyof typeof SIGNAL_CODES): void {
  const servers = [...running.keys()];
  void Promise.all(servers.map((s) => s.stop())).finally(() => process.exit(SIGNAL_CODES[signal]));
}

function installHooks(): void {
  process.on("exit", onExit);
  for (const signal of Object.keys(SIGNAL_CODES)) process.on(signal, onSignal);
}

function removeHooks(): void {
  process.removeListener("exit", onExit);
  for (const signal of Object.keys(SIGNAL_CODES)) process.removeListener(signal, onSignal);
}
