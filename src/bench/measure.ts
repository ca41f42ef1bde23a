/**
 * One measured run, as a bench.json entry: the engine (`ocp-aggregator aggregate --json` in a fresh child,
 * writing to PostgreSQL) or the DuckDB reference (in a fresh child, writing nothing).
 */
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunReport } from "../run/job.js";
import { NODE_FLAGS } from "../run/node-flags.js";
import { type ChildOutcome, childFailure, parseChildJson, runChild } from "./child.js";
import type { PreparedDataset } from "./datasets.js";
import type { DuckdbChildResult } from "./duckdb-child.js";
import type { BenchMode, BenchRun } from "./schema.js";

/** The compiled tree the children run from: this module's own when compiled, else `<repo>/dist` (tests). */
export function distDir(): string {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  return basename(root) === "src" ? join(dirname(root), "dist") : root;
}

export interface ChildScripts {
  cli: string;
  duckdb: string;
  engineOnly: string;
  usagePreload: string;
}

export function childScripts(dist = distDir()): ChildScripts {
  const scripts: ChildScripts = {
    cli: join(dist, "cli", "main.js"),
    duckdb: join(dist, "bench", "duckdb-child.js"),
    engineOnly: join(dist, "bench", "engine-child.js"),
    usagePreload: join(dist, "bench", "child-usage.js"),
  };
  for (const script of Object.values(scripts)) {
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx tsc -p tsconfig.json)`);
  }
  return scripts;
}

export interface RunIdentity {
  dataset: PreparedDataset;
  repetition: number;
}

export function baseEntry(id: RunIdentity, tool: BenchRun["tool"], mode: BenchMode | null) {
  return {
    dataset: id.dataset.id,
    scale: id.dataset.scale,
    variant: id.dataset.variant,
    tool,
    mode,
    repetition: id.repetition,
    startedAt: new Date().toISOString(),
    inputRows: id.dataset.inputRows,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
  };
}

export function cpuSecondsOf(outcome: ChildOutcome): number | null {
  const usage = outcome.usage;
  return usage ? Math.round((usage.userCpuSeconds + usage.systemCpuSeconds) * 1000) / 1000 : null;
}

/** The higher of what the child reported in its output and its getrusage at exit. */
export function peakRss(reported: number, outcome: ChildOutcome): number {
  return Math.max(reported, outcome.usage?.maxRssMb ?? 0);
}

export function failedEntry(
  base: ReturnType<typeof baseEntry>,
  outcome: ChildOutcome,
  error: string,
): BenchRun {
  return {
    ...base,
    ok: false,
    error,
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: cpuSecondsOf(outcome),
    inputRows: base.inputRows,
    rowsRead: null,
    outputRows: 0,
    rowsPerSecond: 0,
    peakRssMb: 0,
    phases: null,
    stateBytes: null,
    stateBytesPerGroup: null,
  };
}

export interface EngineRunOptions extends RunIdentity {
  mode: BenchMode;
  configFile: string;
  databaseUrl: string;
  scripts: ChildScripts;
  nodeFlags?: string[];
}

export async function measureEngine(options: EngineRunOptions): Promise<BenchRun> {
  const base = baseEntry(options, "engine", options.mode);
  const args = [
    "aggregate",
    "--json",
    "--log-level",
    "warn",
    "--progress",
    "off",
    "--config",
    options.configFile,
    "--input",
    options.dataset.dir,
    "--mode",
    options.mode,
  ];
  // The URL goes by environment, not argv, so its password does not show in `ps`.
  const env = { ...process.env, OCP_AGG_DATABASE_URL: options.databaseUrl };
  const outcome = await runChild(options.scripts.cli, args, {
    env,
    nodeFlags: [...NODE_FLAGS, ...(options.nodeFlags ?? [])],
    usagePreload: options.scripts.usagePreload,
  });
  if (outcome.exitCode !== 0) return failedEntry(base, outcome, childFailure(outcome));
  let report: RunReport;
  try {
    report = parseChildJson<RunReport>(outcome.stdout);
  } catch (error) {
    return failedEntry(base, outcome, `unreadable report: ${(error as Error).message}`);
  }
  const outputRows = report.outputRows.total;
  return {
    ...base,
    ok: true,
    error: null,
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: cpuSecondsOf(outcome),
    inputRows: base.inputRows,
    rowsRead: report.inputRows,
    outputRows,
    rowsPerSecond: Math.round(base.inputRows / outcome.wallSeconds),
    peakRssMb: peakRss(report.peakRssMb, outcome),
    phases: { ...report.seconds },
    stateBytes: report.stateBytes,
    stateBytesPerGroup: outputRows > 0 ? Math.round(report.stateBytes / outputRows) : null,
    write: report.write
      ? {
          path: report.write.path,
          copiedAcross: report.write.copiedAcross,
          phases: { ...report.write.phases },
        }
      : null,
  };
}

export interface DuckdbRunOptions extends RunIdentity {
  scripts: ChildScripts;
}

export async function measureDuckdb(
  options: DuckdbRunOptions,
): Promise<{ run: BenchRun; duckdbVersion: string | null }> {
  const base = baseEntry(options, "duckdb", null);
  const outcome = await runChild(options.scripts.duckdb, [options.dataset.dir], {
    usagePreload: options.scripts.usagePreload,
  });
  if (outcome.exitCode !== 0) {
    return { run: failedEntry(base, outcome, childFailure(outcome)), duckdbVersion: null };
  }
  let result: DuckdbChildResult;
  try {
    result = parseChildJson<DuckdbChildResult>(outcome.stdout);
  } catch (error) {
    return {
      run: failedEntry(base, outcome, `unreadable result: ${(error as Error).message}`),
      duckdbVersion: null,
    };
  }
  const inputRows = base.inputRows;
  return {
    run: {
      ...base,
      ok: true,
      error: null,
      wallSeconds: outcome.wallSeconds,
      cpuSeconds: cpuSecondsOf(outcome),
      inputRows,
      rowsRead: null,
      outputRows: result.outputRows,
      rowsPerSecond: Math.round(inputRows / outcome.wallSeconds),
      peakRssMb: peakRss(result.peakRssMb, outcome),
      phases: null,
      stateBytes: null,
      stateBytesPerGroup: null,
    },
    duckdbVersion: result.duckdbVersion,
  };
}
