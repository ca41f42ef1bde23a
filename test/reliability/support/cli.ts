/**
 * Runs the built CLI (`node bin/ocp-aggregator.js aggregate …`) as a child process, building dist/ first
 * when a source file is newer than it. Every child started here is awaited or killed by its caller.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { DatasetParams } from "../../../src/generate/params-file.js";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
const BIN = join(ROOT, "bin", "ocp-aggregator.js");
const BUILT = join(ROOT, "dist", "cli", "main.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const isFresh = () => existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestMtime(join(ROOT, "src"));
/** Held while one test file builds, so parallel test files never run two compilers into dist/ at once. */
const BUILD_LOCK = join(tmpdir(), "ocp-aggregator-reliability-build.lock");
const STALE_LOCK_MS = 10 * 60_000;

/** Compiles src/ to dist/ when dist is missing or older than a source file (tsc emits despite type errors). */
export async function ensureBuilt(): Promise<void> {
  while (!isFresh()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      // Someone else is building: wait for them, then look again (a crashed builder's lock expires).
      const lockedAt = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > STALE_LOCK_MS) {
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      // Asynchronous: a synchronous build would starve the test worker's event loop (vitest's RPC times out).
      await promisify(execFile)(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
        { cwd: ROOT },
      );
    } catch (error) {
      // Another engineer's half-done file may not type-check; the emitted JavaScript is still usable.
      if (!existsSync(BUILT)) throw error;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    return;
  }
}

/** `aggregate` options for a dataset's run parameters; reference data goes through the environment. */
export function aggregateArgs(
  input: string,
  params: DatasetParams,
  database: { url: string; schema: string },
): { args: string[]; env: Record<string, string> } {
  const { run, reference } = params;
  const args = [
    "aggregate",
    "--input",
    input,
    "--source-uuid",
    run.sourceUuid,
    "--year",
    String(run.year),
    "--month",
    String(run.month),
    "--start-date",
    run.startDate,
    "--end-date",
    run.endDate,
    "--database-url",
    database.url,
    "--schema",
    database.schema,
    "--log-format",
    "json",
    "--progress",
    "off",
    "--json",
  ];
  if (run.clusterId !== null) args.push("--cluster-id", run.clusterId);
  if (run.clusterAlias !== null) args.push("--cluster-alias", run.clusterAlias);
  if (run.reportPeriodId !== null) args.push("--report-period-id", String(run.reportPeriodId));
  if (run.orgId !== null) args.push("--org-id", run.orgId);
  const env: Record<string, string> = {
    OCP_AGG_ENABLED_TAG_KEYS: JSON.stringify(reference.enabledTagKeys),
    OCP_AGG_COST_CATEGORIES: JSON.stringify(reference.costCategories),
  };
  if (reference.nodeRoles !== null) env.OCP_AGG_NODE_ROLES = JSON.stringify(reference.nodeRoles);
  return { args, env };
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the CLI with a minimal environment (no inherited secrets or settings from the test runner). */
export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
