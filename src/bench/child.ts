/**
 * Runs one measured child process: a fresh Node process per run, so no JIT warm-up, cache or heap is
 * carried from one run to the next, and its peak RSS is its own. Wall time is spawn to exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ChildUsage } from "./child-usage.js";

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallSeconds: number;
  stdout: string;
  /** The last few KB of stderr, for error messages. */
  stderrTail: string;
  /** CPU seconds and peak RSS the child reported at exit (null without `usagePreload` or if it wrote none). */
  usage: ChildUsage | null;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra Node flags (e.g. --cpu-prof); placed before the script. */
  nodeFlags?: string[];
  /** The compiled child-usage.js: preloaded so the child reports its getrusage at exit. */
  usagePreload?: string;
}

const STDERR_TAIL = 4096;

/** Children still running, so an interrupted bench can stop them instead of leaving them behind. */
const running = new Set<ChildProcess>();

export function killRunningChildren(): void {
  for (const child of running) child.kill("SIGTERM");
}

export async function runChild(
  script: string,
  args: string[],
  options: ChildOptions = {},
): Promise<ChildOutcome> {
  if (!options.usagePreload) return spawnChild(script, args, options, null);
  const dir = mkdtempSync(join(tmpdir(), "ocp-bench-usage-"));
  try {
    return await spawnChild(script, args, options, join(dir, "usage.json"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readUsage(file: string | null): ChildUsage | null {
  if (!file) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ChildUsage;
  } catch {
    return null;
  }
}

function spawnChild(
  script: string,
  args: string[],
  options: ChildOptions,
  usageFile: string | null,
): Promise<ChildOutcome> {
  const preload =
    usageFile && options.usagePreload ? ["--import", pathToFileURL(options.usagePreload).href] : [];
  const env = { ...(options.env ?? process.env), ...(usageFile ? { OCP_BENCH_USAGE_FILE: usageFile } : {}) };
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...preload, ...(options.nodeFlags ?? []), script, ...args], {
      env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const out: Buffer[] = [];
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("error", (error) => {
      running.delete(child);
      reject(error);
    });
    child.on("close", (exitCode, signal) => {
      running.delete(child);
      resolvePromise({
        exitCode,
        signal,
        wallSeconds: (performance.now() - started) / 1000,
        stdout: Buffer.concat(out).toString("utf8"),
        stderrTail,
        usage: readUsage(usageFile),
      });
    });
  });
}

/** A one-line reason for a failed child: its last stderr line, else its exit status. */
export function childFailure(outcome: ChildOutcome): string {
  const lastLine = outcome.stderrTail.trim().split("\n").pop()?.trim();
  const status = outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`;
  return lastLine ? `${status}: ${lastLine}` : status;
}

/** Parses the JSON document a child printed on stdout (from its first `{`, ignoring stray text before it). */
export function parseChildJson<T>(stdout: string): T {
  const start = stdout.indexOf("{");
  if (start < 0) throw new Error("the child printed no JSON");
  return JSON.parse(stdout.slice(start)) as T;
}
