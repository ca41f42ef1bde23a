/**
 * Runs one measured child process: a fresh Node process per run, so no JIT warm-up, cache or heap is
 * carried from one run to the next, and its peak RSS is its own. Wall time is spawn to exit.
 */
import { spawn } from "node:child_process";

export interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallSeconds: number;
  stdout: string;
  /** The last few KB of stderr, for error messages. */
  stderrTail: string;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra Node flags (e.g. --cpu-prof); placed before the script. */
  nodeFlags?: string[];
}

const STDERR_TAIL = 4096;

export function runChild(script: string, args: string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      resolvePromise({
        exitCode,
        signal,
        wallSeconds: (performance.now() - started) / 1000,
        stdout: Buffer.concat(out).toString("utf8"),
        stderrTail,
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
