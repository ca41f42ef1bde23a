/**
 * One run: list the files of a source/month, read them row group by row group (only the needed columns), feed
 * the engine, produce the summary rows day by day (aggregateByDay, the one entry point). Streaming mode keeps at
 * most a couple of decoded row groups alive; in-memory mode decodes every row group first and then feeds the
 * same engine in the same order, so both give identical rows.
 */

import { createEngineDictionary, type EngineDictionary } from "../engine/dictionary.js";
import { type EngineOutput, type EngineStats, SummaryEngine } from "../engine/summary-engine.js";
import { dayNumber } from "../engine/values.js";
import type {
  ByteSource,
  InputFile,
  InputSource,
  ReferenceData,
  RowGroupBatch,
  RunParams,
  SummaryRow,
} from "../model.js";
import {
  type ChunkDecoder,
  InlineDecoder,
  openParquetFile,
  type ParquetFileHandle,
  readRowGroup,
  WorkerDecoder,
} from "../parquet/reader.js";
import { emptyStats, fileDays, mergeStats, planWindows, rowGroupDays } from "./day-windows.js";
import { type PlannedFile, planFiles } from "./plan.js";

export type RunMode = "streaming" | "in-memory";

export interface AggregateProgress {
  files: number;
  totalFiles: number;
  rowGroups: number;
  totalRowGroups: number;
  rows: number;
  /** Column-chunk bytes read so far. */
  bytes: number;
  /** Size of the files the run reads (from the listing). */
  totalBytes: number;
}

export interface AggregateOptions {
  source: InputSource;
  run: RunParams;
  reference: ReferenceData;
  mode?: RunMode;
  /** Row groups decoded ahead of the one being aggregated, in streaming mode (default 2). */
  readAhead?: number;
  /** Decode on a worker thread while this thread aggregates (default: when the compiled worker exists). */
  decodeThread?: boolean;
  onProgress?: (progress: AggregateProgress) => void;
  /**
   * false: one engine pass over the whole range even where day windows apply. Only for tests that check the
   * windows give the rows one pass gives.
   */
  dayWindows?: boolean;
  /** The source's files of the run's month when the caller already listed them (and how long that took). */
  listed?: { files: InputFile[]; seconds: number };
}

/** Totals of a run: complete once every day's rows have been produced. */
export interface AggregateTotals {
  counts: { pod: number; storage: number; unallocated: number };
  stats: EngineStats;
  files: { location: string; reportType: string; hourly: boolean; rowGroups: number; rows: number }[];
  inputRows: number;
  bytesRead: number;
  seconds: { list: number; read: number; aggregate: number; finish: number };
  /** Engine passes (day windows, see planWindows); 1 = the whole range at once. */
  windows: number;
}

/** Every row of a run, in canonical order, with its totals. */
export interface AggregateResult extends AggregateTotals {
  rows: SummaryRow[];
}

interface OpenedFile {
  plan: PlannedFile;
  bytes: ByteSource;
  handle: ParquetFileHandle;
}

interface RowGroupTask extends OpenedFile {
  rowGroup: number;
  /** Days covered according to the row group's interval_start statistics (whole range when unknown). */
  firstDay: number;
  lastDay: number;
}

interface PreparedRun {
  opened: OpenedFile[];
  tasks: RowGroupTask[];
  deriveNodeRoles: boolean;
  progress: AggregateProgress;
  seconds: AggregateTotals["seconds"];
}

async function prepare(options: AggregateOptions): Promise<PreparedRun> {
  const { source, run, reference } = options;
  const seconds = { list: 0, read: 0, aggregate: 0, finish: 0 };
  let t = performance.now();
  const listed =
    options.listed?.files ??
    (await source.list({ orgId: run.orgId, sourceUuid: run.sourceUuid, year: run.year, month: run.month }));
  const deriveNodeRoles = reference.nodeRoles === null;
  seconds.list = options.listed?.seconds ?? (performance.now() - t) / 1000;

  // Footers of every candidate file first: their statistics decide daily vs hourly (plan.ts).
  t = performance.now();
  const handles = new Map<string, { bytes: ByteSource; handle: ParquetFileHandle }>();
  for (const file of listed) {
    const bytes = await source.open(file);
    handles.set(file.location, { bytes, handle: await openParquetFile(file.location, bytes) });
  }
  const planned = planFiles(listed, {
    deriveNodeRoles,
    spanOf: (file) => fileDays(handles.get(file.location)?.handle),
  });
  const opened: OpenedFile[] = planned.map((plan) => {
    const { bytes, handle } = handles.get(plan.file.location) as {
      bytes: ByteSource;
      handle: ParquetFileHandle;
    };
    return { plan, bytes, handle };
  });
  seconds.read += (performance.now() - t) / 1000;
  const tasks = opened.flatMap((o) =>
    o.handle.rowGroupRows.map((_, rowGroup) => ({ ...o, rowGroup, ...rowGroupDays(o.handle, rowGroup) })),
  );
  const progress: AggregateProgress = {
    files: 0,
    totalFiles: opened.length,
    rowGroups: 0,
    totalRowGroups: tasks.length,
    rows: 0,
    bytes: 0,
    totalBytes: opened.reduce((n, o) => n + o.plan.file.size, 0),
  };
  return { opened, tasks, deriveNodeRoles, progress, seconds };
}

/** One engine pass over the row groups that may hold rows of `run`'s day range. */
async function runPass(
  prepared: PreparedRun,
  options: AggregateOptions,
  run: RunParams,
  dictionary: EngineDictionary,
  decoder: ChunkDecoder,
): Promise<EngineOutput> {
  const { progress, seconds } = prepared;
  const tasks = tasksOf(prepared, run);
  const engine = new SummaryEngine(run, options.reference, dictionary);
  const read = (i: number): Promise<RowGroupBatch> => {
    const task = tasks[i];
    return readRowGroup(task.handle, task.bytes, task.rowGroup, task.plan.columns, decoder);
  };
  const consume = (i: number, batch: RowGroupBatch) => {
    const task = tasks[i];
    const start = performance.now();
    engine.add(task.plan.input, batch, task.plan.hourly);
    seconds.aggregate += (performance.now() - start) / 1000;
    progress.rowGroups++;
    progress.rows += batch.numRows;
    progress.bytes += batch.bytes;
    if (task.rowGroup === task.handle.rowGroupRows.length - 1) progress.files++;
    options.onProgress?.({ ...progress });
  };

  try {
    if ((options.mode ?? "streaming") === "in-memory") {
      // Read and decode everything first, then aggregate: the same engine calls in the same order.
      const start = performance.now();
      const reads = tasks.map((_, i) => read(i));
      // Every read gets a handler, so a second failing read is not an unhandled rejection.
      for (const r of reads) r.catch(() => {});
      const batches = await Promise.all(reads);
      seconds.read += (performance.now() - start) / 1000;
      for (let i = 0; i < batches.length; i++) consume(i, batches[i]);
    } else {
      // Streaming: at most `readAhead` row groups decoded ahead of the one being aggregated.
      const ahead = Math.max(1, options.readAhead ?? 2);
      const inFlight: Promise<RowGroupBatch>[] = [];
      let next = 0;
      const fill = () => {
        while (next < tasks.length && inFlight.length < ahead) {
          const pending = read(next++);
          // A read that fails while an earlier one is awaited must not count as unhandled; awaiting it later
          // still throws.
          pending.catch(() => {});
          inFlight.push(pending);
        }
      };
      fill();
      try {
        for (let i = 0; i < tasks.length; i++) {
          const start = performance.now();
          const batch = await (inFlight.shift() as Promise<RowGroupBatch>);
          seconds.read += (performance.now() - start) / 1000;
          fill();
          consume(i, batch);
        }
      } finally {
        inFlight.length = 0; // abandoned reads already carry a handler
      }
    }
  } catch (err) {
    await decoder.close();
    throw err;
  }
  const start = performance.now();
  const output = engine.finishByDay();
  seconds.finish += (performance.now() - start) / 1000;
  return output;
}

function createDecoder(options: AggregateOptions, dictionary: EngineDictionary): ChunkDecoder {
  return (
    (options.decodeThread !== false ? WorkerDecoder.tryCreate(dictionary.interner) : null) ??
    new InlineDecoder(dictionary.interner)
  );
}

/** The row groups that may hold rows of the run's day range (row-group statistics prune the rest). */
function tasksOf(prepared: PreparedRun, run: RunParams): RowGroupTask[] {
  const firstDay = dayNumber(run.startDate);
  const lastDay = dayNumber(run.endDate);
  return prepared.tasks.filter((t) => t.lastDay >= firstDay && t.firstDay <= lastDay);
}

function fileSummaries(prepared: PreparedRun): AggregateTotals["files"] {
  return prepared.opened.map((o) => ({
    location: o.plan.file.location,
    reportType: o.plan.input,
    hourly: o.plan.hourly,
    rowGroups: o.handle.rowGroupRows.length,
    rows: o.handle.numRows,
  }));
}

export interface StreamedAggregate {
  /** Rows of each day in canonical order; consuming it drives the reading. */
  days: AsyncGenerator<SummaryRow[]>;
  /** Totals so far (complete once `days` is exhausted). */
  totals(): AggregateTotals;
}

/**
 * THE entry point of the engine over an input: the run as a stream of day row sets, in day windows where the
 * files allow it (see planWindows). `aggregate` writes with it and `verify` and the tests check it, so what is
 * checked is what is written.
 */
export async function aggregateByDay(options: AggregateOptions): Promise<StreamedAggregate> {
  const prepared = await prepare(options);
  const windows =
    options.dayWindows === false
      ? [options.run]
      : planWindows(prepared.tasks, prepared.deriveNodeRoles, options.run);
  if (windows.length > 1) {
    // label files and boundary row groups are read once per window they overlap
    prepared.progress.totalRowGroups = windows.reduce((n, w) => n + tasksOf(prepared, w).length, 0);
  }
  const counts = { pod: 0, storage: 0, unallocated: 0 };
  let stats: EngineStats | null = null;
  // One string table, label-map cache and decoder for all windows: each window only adds what is new.
  const dictionary = createEngineDictionary(options.run, options.reference);
  async function* days(): AsyncGenerator<SummaryRow[]> {
    const decoder = createDecoder(options, dictionary);
    try {
      yield* windowDays(decoder);
    } finally {
      await decoder.close();
    }
  }
  async function* windowDays(decoder: ChunkDecoder): AsyncGenerator<SummaryRow[]> {
    // A window's engine state is dropped before the next window is read (a generator keeps a finished loop
    // variable alive across the await otherwise: one more window's groups in memory).
    let output: EngineOutput | null = null;
    for (const window of windows) {
      output = null;
      output = await runPass(prepared, options, window, dictionary, decoder);
      for (const day of output.days) {
        const start = performance.now();
        const rows = output.rowsOfDay(day);
        prepared.seconds.finish += (performance.now() - start) / 1000;
        yield rows;
      }
      counts.pod += output.counts.pod;
      counts.storage += output.counts.storage;
      counts.unallocated += output.counts.unallocated;
      stats = stats === null ? output.stats : mergeStats(stats, output.stats);
    }
    output = null;
  }
  return {
    days: days(),
    totals: () => ({
      counts,
      stats: stats ?? emptyStats(),
      files: fileSummaries(prepared),
      inputRows: prepared.opened.reduce((n, o) => n + o.handle.numRows, 0),
      bytesRead: prepared.progress.bytes,
      seconds: prepared.seconds,
      windows: windows.length,
    }),
  };
}

/** aggregateByDay with every row collected in memory (verify, tests): the same passes, the same rows. */
export async function aggregate(options: AggregateOptions): Promise<AggregateResult> {
  const stream = await aggregateByDay(options);
  const rows: SummaryRow[] = [];
  for await (const day of stream.days) for (const row of day) rows.push(row);
  return { rows, ...stream.totals() };
}
