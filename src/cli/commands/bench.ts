/** `ocp-aggregator bench`: throughput, peak memory and scaling, side by side with DuckDB (issue 7). */
import { resolve } from "node:path";
import type { Command } from "commander";
import { defaultCacheDir, isScalePreset } from "../../bench/datasets.js";
import { createBenchProgress } from "../../bench/progress.js";
import { runBench } from "../../bench/run-bench.js";
import type { BenchMode } from "../../bench/schema.js";
import type { ScalePreset } from "../../generate/index.js";
import { redactUrl } from "../../sink/connection.js";
import { runCommand, UsageError } from "../run-context.js";

interface BenchCliOptions {
  scales: string;
  modes: string;
  runs: string;
  out: string;
  cache?: string;
  databaseUrl?: string;
  duckdb: boolean;
  engineOnly: boolean;
  duckdbScales?: string;
  variants?: boolean;
  variantScale: string;
  cpuProfDir?: string;
  ocpOnAws?: string;
}

const MODES: readonly BenchMode[] = ["streaming", "in-memory"];

function list(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function parseScales(text: string): ScalePreset[] {
  const scales = list(text);
  const unknown = scales.filter((s) => !isScalePreset(s));
  if (scales.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--scales: unknown scale ${unknown.join(", ") || "(none)"}; known: 20k, 100k, 1m, 5m, 20m`,
    );
  return scales as ScalePreset[];
}

export function parseModes(text: string): BenchMode[] {
  const modes = list(text);
  const unknown = modes.filter((m) => !MODES.includes(m as BenchMode));
  if (modes.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--modes: expected streaming and/or in-memory, not ${unknown.join(", ") || "(none)"}`,
    );
  return modes as BenchMode[];
}

export function parseRuns(text: string): number {
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100)
    throw new UsageError(`--runs: expected a whole number from 1 to 100, not ${text}`);
  return runs;
}

/** The command line as recorded in bench.json, with a database URL's password hidden. */
export function commandLine(args: string[]): string {
  const shown = args.map((arg, i) =>
    args[i - 1] === "--database-url"
      ? redactUrl(arg)
      : arg.startsWith("--database-url=")
        ? `--database-url=${redactUrl(arg.slice(15))}`
        : arg,
  );
  return `ocp-aggregator ${shown.join(" ")}`;
}

export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description(
      "measure throughput and peak memory per scale and mode (each run a fresh child process), beside DuckDB on the same files; writes bench.json, bench.md, bench.svg",
    )
    .option(
      "--scales <list>",
      "dataset sizes (20k, 100k, 1m, 5m, 20m input rows); none: only --ocp-on-aws",
      "100k,1m,5m,20m",
    )
    .option("--modes <list>", "engine modes", "streaming,in-memory")
    .option("--runs <n>", "runs per scale and mode (the median is reported)", "3")
    .option("--out <dir>", "where bench.json, bench.md and bench.svg go", "bench-results")
    .option("--cache <dir>", `generated datasets, reused across benches (default ${defaultCacheDir()})`)
    .option("--database-url <url>", "PostgreSQL to write to (default: a throw-away embedded PostgreSQL)")
    .option("--no-duckdb", "skip the DuckDB reference runs")
    .option("--no-engine-only", "skip the engine-alone runs (the engine without a database)")
    .option(
      "--duckdb-scales <list>",
      "run DuckDB on these scales only (default: all; it needs ~0.6 GB per 1M rows)",
    )
    .option("--variants", "also the 4×-input variants (15-minute intervals; 100 files per type) at one scale")
    .option("--variant-scale <scale>", "scale of the --variants datasets", "1m")
    .option("--cpu-prof-dir <dir>", "write a V8 CPU profile of every engine run into this folder")
    .option(
      "--ocp-on-aws <list>",
      "also the OCP-on-AWS line on these scales (generate-ocp-on-aws --scale datasets; `ocp-on-aws` runs writing to PostgreSQL); with --scales none only that line",
    )
    .action((options: BenchCliOptions) =>
      runCommand(async () => {
        const variantScale = parseScales(options.variantScale)[0];
        const engineNodeFlags = options.cpuProfDir
          ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.cpuProfDir)}`]
          : undefined;
        const ocpOnAwsScales = options.ocpOnAws === undefined ? [] : parseScales(options.ocpOnAws);
        const scales = options.scales.trim() === "none" ? [] : parseScales(options.scales);
        if (scales.length === 0 && ocpOnAwsScales.length === 0) {
          throw new UsageError("--scales none leaves nothing to measure without --ocp-on-aws");
        }
        const { files } = await runBench({
          scales,
          ocpOnAwsScales,
          modes: parseModes(options.modes),
          runs: parseRuns(options.runs),
          outDir: options.out,
          cacheDir: options.cache ?? defaultCacheDir(),
          databaseUrl: options.databaseUrl ?? process.env.OCP_AGG_DATABASE_URL ?? null,
          duckdb: options.duckdb,
          engineOnly: options.engineOnly,
          duckdbScales: options.duckdbScales === undefined ? undefined : parseScales(options.duckdbScales),
          variants: options.variants === true,
          variantScale,
          command: commandLine(process.argv.slice(2)),
          progress: createBenchProgress(),
          engineNodeFlags,
          handleSignals: true,
        });
        process.stdout.write(`${files.markdown}\n${files.json}\n${files.svg}\n`);
      }),
    );
}
