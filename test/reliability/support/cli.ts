/**
 * Runs the built CLI (`node bin/ocp-aggregator.js aggregate …`) as a child process (dist/ from
 * test/helpers/dist.ts ensureBuilt). Every child started here is awaited or killed by its caller.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { DatasetParams } from "../../../src/generate/params-file.js";
import { ROOT } from "../../helpers/dist.js";

const BIN = join(ROOT, "bin", "ocp-aggregator.js");

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
