/**
 * The schema of `bench.json` (version "ocp-aggregator-bench/1"). It is the contract for anyone reading
 * the file by machine: fields are only ever added, never renamed; a breaking change bumps the version.
 * docs/benchmarks.md describes every field in words.
 */
import { z } from "zod";
import { ocpOnAwsSectionSchema } from "./ocp-on-aws-schema.js";

export const BENCH_SCHEMA_VERSION = "ocp-aggregator-bench/1";

const phases = z.object({
  list: z.number(),
  read: z.number(),
  aggregate: z.number(),
  finish: z.number(),
  write: z.number(),
  total: z.number(),
});

export const machineSchema = z.object({
  hostname: z.string(),
  platform: z.string(),
  release: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpus: z.number().int(),
  totalMemoryMb: z.number().int(),
  node: z.string(),
  duckdb: z.string().nullable(),
  postgres: z.string().nullable(),
});

export const datasetSchema = z.object({
  /** Unique name, e.g. `1m`, `1m-15min`, `1m-100files`. */
  id: z.string(),
  scale: z.string(),
  /** `base`, `15min` (15-minute intervals: 4× the rows) or `100files` (the month in 100 files per type). */
  variant: z.enum(["base", "15min", "100files"]),
  intervalMinutes: z.number().int(),
  filesPerType: z.number().int(),
  dir: z.string(),
  /**
   * The month's hourly line items over the four report types (pod, storage, node and namespace labels):
   * the size of the input, independent of which files (hourly or daily) a tool chooses to read.
   */
  inputRows: z.number().int(),
  /** Seconds spent generating it in this bench run; null when reused from the cache. */
  generatedSeconds: z.number().nullable(),
});

export const runSchema = z.object({
  dataset: z.string(),
  scale: z.string(),
  variant: datasetSchema.shape.variant,
  /**
   * `engine`: `ocp-aggregator aggregate` in a child process; `duckdb`: the reference SQL in a child;
   * `engine-only`: the engine alone in a child (same config, no database; rows produced and dropped).
   */
  tool: z.enum(["engine", "duckdb", "engine-only"]),
  /** The engine's mode; null for DuckDB. */
  mode: z.enum(["streaming", "in-memory"]).nullable(),
  /** 1-based repetition number. */
  repetition: z.number().int().min(1),
  startedAt: z.string(),
  /** os.loadavg() just before the child started: other work on the machine makes timings noisy. */
  loadAverage: z.tuple([z.number(), z.number(), z.number()]),
  ok: z.boolean(),
  error: z.string().nullable(),
  /** Wall time of the child process, spawn to exit, measured by the bench. */
  wallSeconds: z.number(),
  /**
   * CPU seconds (user + system, all threads) the child used, from its own getrusage at exit: the work done,
   * which other load on the machine does not inflate the way it inflates wall time. Null if not reported.
   */
  cpuSeconds: z.number().nullable(),
  /** The dataset's input rows (as in `datasets[]`): the same figure for every tool and engine version. */
  inputRows: z.number().int(),
  /** Rows in the files the engine chose to open (e.g. daily files instead of hourly); null for DuckDB. */
  rowsRead: z.number().int().nullable(),
  outputRows: z.number().int(),
  /** inputRows / wallSeconds. */
  rowsPerSecond: z.number(),
  /** The child's peak resident set size (getrusage maxrss at exit, worker threads included). */
  peakRssMb: z.number(),
  /** The engine's own phase split (seconds); write = the PostgreSQL transaction. Null for DuckDB. */
  phases: phases.nullable(),
  /** Bytes of engine state at the end of aggregation, and per output row (group). Null for DuckDB. */
  stateBytes: z.number().nullable(),
  stateBytesPerGroup: z.number().nullable(),
  /**
   * CPU seconds of the embedded PostgreSQL (all its processes) during the run; null for a database given by
   * URL, for tools that write nothing, and in files written before this field existed.
   */
  serverCpuSeconds: z.number().nullable().optional(),
  /** How the engine's rows got in (`fresh`, `swap`, `fallback`, `in-place`) and the write's phases (s). */
  write: z
    .object({ path: z.string(), copiedAcross: z.number(), phases: z.record(z.string(), z.number()) })
    .nullable()
    .optional(),
  /** The same output rows loaded again by a plain DELETE + COPY right after the run (the write's floor). */
  copyFloor: z
    .object({ rows: z.number().int(), wallSeconds: z.number(), serverCpuSeconds: z.number().nullable() })
    .nullable()
    .optional(),
});

export const summarySchema = z.object({
  dataset: z.string(),
  scale: z.string(),
  variant: datasetSchema.shape.variant,
  tool: runSchema.shape.tool,
  mode: runSchema.shape.mode,
  runs: z.number().int(),
  inputRows: z.number().int(),
  outputRows: z.number().int(),
  medianWallSeconds: z.number(),
  medianCpuSeconds: z.number().nullable(),
  /** inputRows / medianWallSeconds. */
  rowsPerSecond: z.number(),
  /** The highest peak RSS over the repetitions. */
  peakRssMb: z.number(),
  /** Median of each phase; null for DuckDB. */
  medianPhases: phases.nullable(),
  stateBytesPerGroup: z.number().nullable(),
  /** The median DuckDB wall time on the same dataset, and this entry's median over it (null if absent). */
  duckdbSeconds: z.number().nullable(),
  ratioToDuckdb: z.number().nullable(),
  /** The same comparison in CPU seconds (DuckDB's median CPU seconds; this entry's over it). */
  duckdbCpuSeconds: z.number().nullable(),
  cpuRatioToDuckdb: z.number().nullable(),
  medianLoadAverage: z.number(),
  /** Median PostgreSQL CPU seconds per run (engine runs on the embedded database). */
  medianServerCpuSeconds: z.number().nullable().optional(),
  /** Write paths seen over the repetitions (first run of a month: `fresh`; re-runs: `swap` or others). */
  writePaths: z.array(z.string()).optional(),
  /** Median of each write phase (s). */
  medianWritePhases: z.record(z.string(), z.number()).nullable().optional(),
  /** Median plain DELETE + COPY of the same rows (wall s, server CPU s), and our write over it. */
  medianCopyFloorSeconds: z.number().nullable().optional(),
  medianCopyFloorServerCpuSeconds: z.number().nullable().optional(),
  writeToFloorRatio: z.number().nullable().optional(),
  serverCpuToFloorRatio: z.number().nullable().optional(),
});

export const benchFileSchema = z.object({
  schema: z.literal(BENCH_SCHEMA_VERSION),
  createdAt: z.string(),
  command: z.string(),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  machine: machineSchema,
  settings: z.object({
    scales: z.array(z.string()),
    modes: z.array(z.enum(["streaming", "in-memory"])),
    runs: z.number().int(),
    duckdb: z.boolean(),
    /** The scales DuckDB ran on when limited (`--duckdb-scales`); null = all. */
    duckdbScales: z.array(z.string()).nullable(),
    variants: z.boolean(),
    variantScale: z.string().nullable(),
    database: z.enum(["embedded", "url"]),
  }),
  datasets: z.array(datasetSchema),
  runs: z.array(runSchema),
  summary: z.array(summarySchema),
  /** The OCP-on-AWS line (`bench --ocp-on-aws`); absent when not asked for (ocp-on-aws-schema.ts). */
  ocpOnAws: ocpOnAwsSectionSchema.optional(),
});

export type BenchPhases = z.infer<typeof phases>;
export type MachineInfo = z.infer<typeof machineSchema>;
export type BenchDataset = z.infer<typeof datasetSchema>;
export type BenchRun = z.infer<typeof runSchema>;
export type BenchSummary = z.infer<typeof summarySchema>;
export type BenchFile = z.infer<typeof benchFileSchema>;
export type DatasetVariant = BenchDataset["variant"];
export type BenchMode = "streaming" | "in-memory";
