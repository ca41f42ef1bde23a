/**
 * The bench: prepare (or reuse) the datasets, open one PostgreSQL, then for each scale and mode run the
 * aggregation N times in fresh child processes, and the DuckDB reference on the same files; optionally the
 * 4×-input variants at one scale. Writes bench.json, bench.md and bench.svg into the output folder
 * (bench.json after every run, so an interrupted bench keeps what it measured).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ScalePreset } from "../generate/index.js";
import { killRunningChildren } from "./child.js";
import { writeBenchConfig } from "./config-file.js";
import { openBenchDatabase } from "./database.js";
import { type DatasetRequest, type PreparedDataset, prepareDataset } from "./datasets.js";
import { gitState, machineInfo } from "./machine.js";
import { benchMarkdown } from "./markdown.js";
import { childScripts, distDir, measureDuckdb } from "./measure.js";
import { describeOcpOnAwsRun, OcpOnAwsBenchLine, ocpOnAwsMarkdown } from "./ocp-on-aws.js";
import { type BenchProgress, silentProgress } from "./progress.js";
import {
  BENCH_SCHEMA_VERSION,
  type BenchDataset,
  type BenchFile,
  type BenchMode,
  type BenchRun,
} from "./schema.js";
import { snapshotDist } from "./snapshot.js";
import { summarize } from "./summary.js";
import { benchSvg } from "./svg.js";
import { measureEngineAndFloor, measureEngineOnly } from "./write-floor.js";

const taskLabel = (task: Task) =>
  task.tool === "duckdb" ? "DuckDB" : task.tool === "engine-only" ? "engine alone" : task.mode;

export interface BenchOptions {
  scales: ScalePreset[];
  modes: BenchMode[];
  runs: number;
  outDir: string;
  cacheDir: string;
  /** null: start an embedded PostgreSQL for the bench. */
  databaseUrl: string | null;
  duckdb: boolean;
  /** Scales DuckDB runs on (default all): its tables live in memory, ~0.6 GB per million input rows. */
  duckdbScales?: ScalePreset[];
  /** Also the 4×-input variants (15-minute intervals, 100 files per type) at `variantScale`. */
  variants: boolean;
  variantScale: ScalePreset;
  /** The command line, recorded in bench.json. */
  command: string;
  progress?: BenchProgress;
  /** Extra Node flags for the engine children, e.g. `--cpu-prof --cpu-prof-dir=DIR`. */
  engineNodeFlags?: string[];
  /** The repository folder (for the git commit); default the working directory. */
  repoDir?: string;
  /** Also the engine alone, without a database, per scale (default true). */
  engineOnly?: boolean;
  /** Also the OCP-on-AWS line on these scales (ocp-on-aws.ts); default none. */
  ocpOnAwsScales?: ScalePreset[];
  /** Stop the database and exit on SIGINT/SIGTERM (the CLI); tests leave signals alone. */
  handleSignals?: boolean;
}

export interface BenchOutput {
  bench: BenchFile;
  files: { json: string; markdown: string; svg: string };
}

/** One unit of measuring work: N engine runs of a mode, or N DuckDB runs, on a dataset. */
interface Task {
  dataset: DatasetRequest;
  tool: BenchRun["tool"];
  mode: BenchMode | null;
}

export function planTasks(options: BenchOptions): Task[] {
  const tasks: Task[] = [];
  for (const scale of options.scales) {
    const dataset: DatasetRequest = { scale, variant: "base" };
    for (const mode of options.modes) tasks.push({ dataset, tool: "engine", mode });
    if (options.engineOnly !== false) tasks.push({ dataset, tool: "engine-only", mode: "streaming" });
    const duckdbHere = options.duckdb && (options.duckdbScales?.includes(scale) ?? true);
    if (duckdbHere) tasks.push({ dataset, tool: "duckdb", mode: null });
  }
  if (options.variants) {
    // The memory claim is about streaming; one mode keeps the variant runs short.
    const mode: BenchMode = options.modes.includes("streaming") ? "streaming" : options.modes[0];
    const scale = options.variantScale;
    if (!options.scales.includes(scale))
      tasks.push({ dataset: { scale, variant: "base" }, tool: "engine", mode });
    for (const variant of ["15min", "100files"] as const) {
      tasks.push({ dataset: { scale, variant }, tool: "engine", mode });
    }
  }
  return tasks;
}

function uniqueDatasets(tasks: Task[]): DatasetRequest[] {
  const seen = new Map<string, DatasetRequest>();
  for (const t of tasks) seen.set(`${t.dataset.scale}|${t.dataset.variant}`, t.dataset);
  return [...seen.values()];
}

const describeRun = (run: BenchRun) =>
  run.ok
    ? `${run.wallSeconds.toFixed(2)} s, ${Math.round(run.rowsPerSecond).toLocaleString("en-US")} rows/s, ${run.peakRssMb} MB peak`
    : `FAILED (${run.error})`;

export async function runBench(options: BenchOptions): Promise<BenchOutput> {
  const progress = options.progress ?? silentProgress;
  childScripts(); // fail early, before generating anything, when dist/ is missing
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const files = {
    json: join(outDir, "bench.json"),
    markdown: join(outDir, "bench.md"),
    svg: join(outDir, "bench.svg"),
  };
  const tasks = planTasks(options);

  const datasets = new Map<string, PreparedDataset>();
  for (const request of uniqueDatasets(tasks)) {
    let lastShown = -1;
    const dataset = await prepareDataset(request, options.cacheDir, {
      onGenerate: (id) =>
        progress.note(`generating dataset ${id} into ${options.cacheDir} (cached for later runs)`),
      onGenerateProgress: (id, fraction) => {
        const tenth = Math.floor(fraction * 10);
        if (tenth > lastShown) {
          lastShown = tenth;
          progress.note(`  ${id}: ${tenth * 10} %`);
        }
      },
    });
    datasets.set(`${request.scale}|${request.variant}`, dataset);
    const origin =
      dataset.generatedSeconds === null ? "cached" : `generated in ${dataset.generatedSeconds.toFixed(0)} s`;
    progress.note(
      `dataset ${dataset.id}: ${dataset.inputRows.toLocaleString("en-US")} input rows (${origin})`,
    );
  }

  const ocpOnAws = new OcpOnAwsBenchLine(options.ocpOnAwsScales ?? [], options.cacheDir);
  await ocpOnAws.prepare((message) => progress.note(message));

  const configDir = mkdtempSync(join(tmpdir(), "ocp-aggregator-bench-config-"));
  const snapshot = snapshotDist(distDir());
  const scripts = childScripts(snapshot.dir);
  const database = await openBenchDatabase(options.databaseUrl, (m) => progress.note(m)).catch((error) => {
    snapshot.remove();
    throw error;
  });
  /** Files the bench leaves nowhere, also when the process ends early (synchronous: it runs at exit). */
  const removeFiles = () => {
    snapshot.remove();
    rmSync(configDir, { recursive: true, force: true });
    database.removeFiles();
  };
  let interrupted: NodeJS.Signals | null = null;
  // On SIGINT/SIGTERM the embedded cluster's signal hook (sink/embedded-process.ts) stops its server and ends
  // the process; here the running child is stopped, no new one starts, and the files go at exit.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    progress.note(`${signal}: stopping; ${files.json} holds the runs so far`);
    killRunningChildren();
  };
  if (options.handleSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    process.once("exit", removeFiles);
  }
  const runs: BenchRun[] = [];
  let duckdbVersion: string | null = null;
  const git = gitState(options.repoDir ?? process.cwd());
  const benchDatasets: BenchDataset[] = [...datasets.values()].map(({ params: _params, ...d }) => d);
  const document = (): BenchFile => ({
    schema: BENCH_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    command: options.command,
    git,
    machine: machineInfo({ duckdb: duckdbVersion, postgres: database.version }),
    settings: {
      scales: options.scales,
      modes: options.modes,
      runs: options.runs,
      duckdb: options.duckdb,
      duckdbScales: options.duckdbScales ?? null,
      variants: options.variants,
      variantScale: options.variants ? options.variantScale : null,
      database: database.kind,
    },
    datasets: benchDatasets,
    runs,
    summary: summarize(benchDatasets, runs),
    ocpOnAws: ocpOnAws.section(),
  });

  try {
    const configs = new Map<string, string>();
    for (const dataset of datasets.values()) configs.set(dataset.id, writeBenchConfig(configDir, dataset));
    progress.start((tasks.length + ocpOnAws.taskCount) * options.runs);
    for (const task of tasks) {
      if (interrupted) break;
      const dataset = datasets.get(`${task.dataset.scale}|${task.dataset.variant}`) as PreparedDataset;
      for (let repetition = 1; repetition <= options.runs && !interrupted; repetition++) {
        progress.begin(`${dataset.id} ${taskLabel(task)} #${repetition}`);
        let run: BenchRun;
        if (task.tool === "duckdb") {
          const measured = await measureDuckdb({ dataset, repetition, scripts });
          run = measured.run;
          duckdbVersion ??= measured.duckdbVersion;
        } else if (task.tool === "engine-only") {
          run = await measureEngineOnly({
            dataset,
            repetition,
            configFile: configs.get(dataset.id) as string,
            scripts,
            nodeFlags: options.engineNodeFlags,
          });
        } else {
          run = await measureEngineAndFloor(
            {
              dataset,
              repetition,
              mode: task.mode as BenchMode,
              configFile: configs.get(dataset.id) as string,
              databaseUrl: database.url,
              scripts,
              nodeFlags: options.engineNodeFlags,
            },
            database,
          );
        }
        runs.push(run);
        progress.finish(describeRun(run));
        writeFileSync(files.json, `${JSON.stringify(document(), null, 2)}\n`);
      }
    }
    await ocpOnAws.measure({
      runs: options.runs,
      configDir,
      database,
      scripts,
      nodeFlags: options.engineNodeFlags,
      stopped: () => interrupted !== null,
      begin: (label) => progress.begin(label),
      onRun: (run) => {
        progress.finish(describeOcpOnAwsRun(run));
        writeFileSync(files.json, `${JSON.stringify(document(), null, 2)}\n`);
      },
    });
  } finally {
    progress.stop();
    await database
      .stop()
      .catch((error: unknown) => progress.note(`could not stop PostgreSQL: ${String(error)}`));
    removeFiles();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", removeFiles);
  }

  const bench = document();
  writeFileSync(files.json, `${JSON.stringify(bench, null, 2)}\n`);
  writeFileSync(files.markdown, benchMarkdown(bench) + ocpOnAwsMarkdown(bench.ocpOnAws));
  const commit = bench.git.commit ? ` · ${bench.git.commit.slice(0, 8)}` : "";
  writeFileSync(
    files.svg,
    benchSvg(
      bench.summary,
      `ocp-aggregator bench · ${bench.machine.cpus} × ${bench.machine.cpuModel} · Node ${bench.machine.node}${commit} · ${bench.createdAt.slice(0, 10)}`,
    ),
  );
  if (interrupted) throw new Error(`interrupted by ${interrupted}; the runs so far are in ${files.json}`);
  return { bench, files };
}
