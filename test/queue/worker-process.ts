/**
 * A CLI child process for the queue tests (`worker` or `submit`), with its JSON log lines parsed as they come
 * and helpers to wait for a line, to signal the process and to wait for its exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export type LogLine = Record<string, unknown> & { msg?: string; level?: string; jobId?: string };

export interface CliProcess {
  name: string;
  child: ChildProcess;
  logs: LogLine[];
  stdout: string[];
  /** Resolves with the first log line (past or future) matching, or rejects after the timeout. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export function startCli(name: string, mainJs: string, args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [mainJs, ...args], {
    env: { ...env, OCP_AGG_LOG_FORMAT: "json", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const stdout: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, level: "raw" };
    }
    logs.push(line);
    if (process.env.QUEUE_TEST_LOG) console.error(`[${name}] ${text}`);
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => stdout.push(text));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => {
      done = true;
      resolve({ code, signal });
      for (const wake of waiters) wake();
    });
  });
  return {
    name,
    child,
    logs,
    stdout,
    exited,
    kill: (signal) => {
      if (!done) child.kill(signal);
    },
    waitForLog(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (done) {
            cleanup();
            reject(new Error(`${name} exited before the expected log line; last lines:\n${tail(logs)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`${name}: no matching log line after ${timeoutMs} ms; last lines:\n${tail(logs)}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

function tail(logs: LogLine[]): string {
  return logs
    .slice(-8)
    .map((line) => JSON.stringify(line))
    .join("\n");
}
