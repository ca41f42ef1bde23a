/**
 * The write's side of the bench: PostgreSQL's CPU seconds around each engine run, the plain-COPY floor of the
 * same rows right after it (copy-floor.ts), the engine alone without a database (engine-child.ts), and their
 * summary figures and markdown section.
 */
import { NODE_FLAGS } from "../run/node-flags.js";
import { connect } from "../sink/connection.js";
import { type ChildOutcome, childFailure, parseChildJson, runChild } from "./child.js";
import { measureCopyFloor } from "./copy-floor.js";
import type { BenchDatabase } from "./database.js";
import type { EngineChildResult } from "./engine-child.js";
import {
  baseEntry,
  type ChildScripts,
  cpuSecondsOf,
  type EngineRunOptions,
  failedEntry,
  measureEngine,
  peakRss,
  type RunIdentity,
} from "./measure.js";
import type { BenchRun, BenchSummary } from "./schema.js";
import { clusterCpuSeconds, settleServer } from "./server-cpu.js";

/** A checkpoint first, so no run pays for the previous one's dirty pages; then the server's CPU around it. */
async function withServerCpu(database: BenchDatabase, body: () => Promise<BenchRun>): Promise<BenchRun> {
  await checkpoint(database);
  await settleServer();
  const before = clusterCpuSeconds(database.postmasterPid);
  const run = await body();
  await settleServer();
  const after = clusterCpuSeconds(database.postmasterPid);
  return { ...run, serverCpuSeconds: before === null || after === null ? null : round(after - before, 3) };
}

async function checkpoint(database: BenchDatabase): Promise<void> {
  const client = await connect(database.url, { applicationName: "ocp-aggregator-bench" });
  await client.query("CHECKPOINT").catch(() => {});
  await client.end().catch(() => {});
}

/** An engine run with PostgreSQL's CPU seconds, followed by the plain-COPY floor of the rows it wrote. */
export async function measureEngineAndFloor(
  options: EngineRunOptions,
  database: BenchDatabase,
): Promise<BenchRun> {
  const run = await withServerCpu(database, () => measureEngine(options));
  if (!run.ok) return run;
  const params = options.dataset.params.run;
  try {
    await checkpoint(database);
    const floor = await measureCopyFloor(
      database.url,
      params.orgId ?? "public",
      params,
      database.postmasterPid,
    );
    return {
      ...run,
      copyFloor: {
        rows: floor.rows,
        wallSeconds: round(floor.wallSeconds, 3),
        serverCpuSeconds: floor.serverCpuSeconds === null ? null : round(floor.serverCpuSeconds, 3),
      },
    };
  } catch (error) {
    process.stderr.write(`bench: copy floor failed: ${(error as Error).message}\n`);
    return { ...run, copyFloor: null };
  }
}

export interface EngineOnlyOptions extends RunIdentity {
  configFile: string;
  scripts: ChildScripts;
  nodeFlags?: string[];
}

/** The engine alone (no database) in a fresh child, on the same config as the measured runs. */
export async function measureEngineOnly(options: EngineOnlyOptions): Promise<BenchRun> {
  const base = baseEntry(options, "engine-only", "streaming");
  const outcome: ChildOutcome = await runChild(
    options.scripts.engineOnly,
    [options.configFile, options.dataset.dir],
    { nodeFlags: [...NODE_FLAGS, ...(options.nodeFlags ?? [])], usagePreload: options.scripts.usagePreload },
  );
  if (outcome.exitCode !== 0) return failedEntry(base, outcome, childFailure(outcome));
  let result: EngineChildResult;
  try {
    result = parseChildJson<EngineChildResult>(outcome.stdout);
  } catch (error) {
    return failedEntry(base, outcome, `unreadable result: ${(error as Error).message}`);
  }
  return {
    ...base,
    ok: true,
    error: null,
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: cpuSecondsOf(outcome),
    inputRows: base.inputRows,
    rowsRead: result.inputRows,
    outputRows: result.outputRows,
    rowsPerSecond: Math.round(base.inputRows / outcome.wallSeconds),
    peakRssMb: peakRss(result.peakRssMb, outcome),
    phases: { ...result.seconds, write: 0 },
    stateBytes: null,
    stateBytesPerGroup: null,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOf(values: (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length === values.length && present.length > 0 ? round(median(present), 3) : null;
}

const ratio = (value: number | null, base: number | null) =>
  value === null || base === null || base <= 0 ? null : round(value / base, 2);

/** The write figures of one summary group (engine runs of one dataset and mode). */
export function writeSummaryFields(group: BenchRun[]): Partial<BenchSummary> {
  if (group[0]?.tool !== "engine") return {};
  const writes = group.map((r) => r.write).filter((w) => w != null);
  const phaseNames = [...new Set(writes.flatMap((w) => Object.keys(w.phases)))];
  const medianWritePhases =
    writes.length === 0
      ? null
      : Object.fromEntries(phaseNames.map((k) => [k, round(median(writes.map((w) => w.phases[k] ?? 0)), 3)]));
  const writeSeconds = medianOf(group.map((r) => r.phases?.write));
  const floorSeconds = medianOf(group.map((r) => r.copyFloor?.wallSeconds));
  const serverCpu = medianOf(group.map((r) => r.serverCpuSeconds));
  const floorCpu = medianOf(group.map((r) => r.copyFloor?.serverCpuSeconds));
  return {
    medianServerCpuSeconds: serverCpu,
    writePaths: [...new Set(writes.map((w) => w.path))],
    medianWritePhases,
    medianCopyFloorSeconds: floorSeconds,
    medianCopyFloorServerCpuSeconds: floorCpu,
    writeToFloorRatio: ratio(writeSeconds, floorSeconds),
    serverCpuToFloorRatio: ratio(serverCpu, floorCpu),
  };
}

const fmt = (v: number | null | undefined, digits = 2) => (v == null ? "—" : v.toFixed(digits));

/** The markdown section: our write against the plain-COPY floor, server CPU, and the engine alone. */
export function writeFloorMarkdown(summary: BenchSummary[], runs: BenchRun[]): string[] {
  const engine = summary.filter((s) => s.tool === "engine");
  if (engine.length === 0) return [];
  const alone = new Map(summary.filter((s) => s.tool === "engine-only").map((s) => [s.dataset, s]));
  const lines = [
    "### The write against PostgreSQL's COPY floor, and the engine alone",
    "",
    "write s = the run's time in PostgreSQL beyond producing rows (median); COPY floor = the same rows loaded",
    "again right after each run by a plain `DELETE` + `COPY` + `COMMIT` into the same table state; server CPU =",
    "CPU seconds of every PostgreSQL process during the run (the engine's write: COPY, index builds, swap) and",
    "during the floor; engine alone = the same run without a database (rows produced and dropped).",
    "",
    "| scale | mode | write paths | write s | write phases (median s) | COPY floor s | write / floor | server CPU s | floor server CPU s | server CPU / floor | engine alone wall s | engine alone CPU s | engine alone rows/s | engine alone rows/CPU-s |",
    "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const s of engine) {
    const only = alone.get(s.dataset) ?? null;
    const phases = Object.entries(s.medianWritePhases ?? {})
      .filter(([, v]) => v >= 0.005)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(" · ");
    const pathsByRun = runs
      .filter((r) => r.dataset === s.dataset && r.tool === "engine" && r.mode === s.mode && r.ok)
      .map((r) => r.write?.path ?? "?")
      .join(", ");
    lines.push(
      `| ${s.scale} | ${s.mode} | ${pathsByRun} | ${fmt(s.medianPhases?.write)} | ${phases || "—"} | ${fmt(s.medianCopyFloorSeconds)} | ${fmt(s.writeToFloorRatio)} | ${fmt(s.medianServerCpuSeconds)} | ${fmt(s.medianCopyFloorServerCpuSeconds)} | ${fmt(s.serverCpuToFloorRatio)} | ${fmt(only?.medianWallSeconds)} | ${fmt(only?.medianCpuSeconds)} | ${only ? only.rowsPerSecond.toLocaleString("en-US") : "—"} | ${only?.medianCpuSeconds ? Math.round(only.inputRows / only.medianCpuSeconds).toLocaleString("en-US") : "—"} |`,
    );
  }
  lines.push("");
  return lines;
}

/** Targets of issue 17 that this section decides: the write at or below the floor, the engine alone. */
export function writeTargetLines(summary: BenchSummary[]): string[] {
  const lines: string[] = [];
  for (const s of summary.filter((e) => e.tool === "engine" && e.writeToFloorRatio != null)) {
    const r = s.writeToFloorRatio as number;
    lines.push(
      `- write at or below the plain COPY floor (${s.dataset}, ${s.mode}): ${r.toFixed(2)}× wall, ${fmt(s.serverCpuToFloorRatio)}× server CPU — ${r <= 1 ? "met" : "missed"}`,
    );
  }
  for (const s of summary.filter((e) => e.tool === "engine-only" && e.scale === "5m")) {
    const perCpu = s.medianCpuSeconds ? Math.round(s.inputRows / s.medianCpuSeconds) : null;
    lines.push(
      `- engine alone ≥ 2,000,000 input rows/s at 5M: ${s.rowsPerSecond.toLocaleString("en-US")} rows/s wall, ${perCpu?.toLocaleString("en-US") ?? "—"} rows/CPU-s — ${s.rowsPerSecond >= 2_000_000 ? "met" : "missed"}`,
    );
  }
  return lines;
}
