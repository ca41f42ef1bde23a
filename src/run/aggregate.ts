/**
 * One run, end to end in memory: list the files of a source/month, read them row group by row group (only the
 * needed columns), feed the engine, return the summary rows. Streaming mode keeps at most a couple of decoded
 * row groups alive; in-memory mode decodes every row group first and then feeds the same engine in the same
 * order, so both give identical rows.
 */

import { type EngineOutput, type EngineStats, SummaryEngine } from "../engine/summary-engine.js";
import type { ByteSource, InputSource, ReferenceData, RunParams, SummaryRow } from "../model.js";
import {
  type ChunkDecoder,
  InlineDecoder,
  openParquetFile,
  type ParquetFileHandle,
  type RowGroupBatch,
  readRowGroup,
  WorkerDecoder,
} from "../parquet/reader.js";
import { type PlannedFile, planFiles } from "./plan.js";

export type RunMode = "streaming" | "in-memory";

export interface AggregateProgress {
  files: number;
  totalFiles: number;
  rowGroups: number;
  totalRowGroups: number;
  rows: number;
  bytes: number;
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
}

export interface AggregateResult {
  /** The summary per day; iterate `rowsByDay()` to stream rows without holding them all. */
  output: EngineOutput;
  /** Every row, in canonical order (built on first access; prefer rowsByDay for large runs). */
  readonly rows: SummaryRow[];
  rowsByDay(): Generator<SummaryRow[]>;
  /** Rows by kind; complete once every day has been produced (through rows or rowsByDay). */
  counts: { pod: number; storage: number; unallocated: number };
  stats: EngineStats;
  files: { location: string; reportType: string; hourly: boolean; rowGroups: number; rows: number }[];
  inputRows: number;
  bytesRead: number;
  seconds: { list: number; read: number; aggregate: number; finish: number };
}

export async function aggregate(options: AggregateOptions): Promise<AggregateResult> {
  const { source, run, reference } = options;
  const mode = options.mode ?? "streaming";
  const seconds = { list: 0, read: 0, aggregate: 0, finish: 0 };
  let t = performance.now();
  const listed = await source.list({
    orgId: run.orgId,
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
  });
  const engine = new SummaryEngine(run, reference);
  const planned = planFiles(listed, { deriveNodeRoles: engine.derivesNodeRoles });
  seconds.list = (performance.now() - t) / 1000;

  const opened: { plan: PlannedFile; bytes: ByteSource; handle: ParquetFileHandle }[] = [];
  t = performance.now();
  for (const plan of planned) {
    const bytes = await source.open(plan.file);
    opened.push({ plan, bytes, handle: await openParquetFile(plan.file.location, bytes) });
  }
  seconds.read += (performance.now() - t) / 1000;

  const progress: AggregateProgress = {
    files: 0,
    totalFiles: opened.length,
    rowGroups: 0,
    totalRowGroups: opened.reduce((n, o) => n + o.handle.rowGroupRows.length, 0),
    rows: 0,
    bytes: 0,
  };
  const tasks = opened.flatMap((o) => o.handle.rowGroupRows.map((_, rowGroup) => ({ ...o, rowGroup })));
  const decoder: ChunkDecoder =
    (options.decodeThread !== false ? WorkerDecoder.tryCreate(engine.interner) : null) ??
    new InlineDecoder(engine.interner);
  const read = (i: number): Promise<RowGroupBatch> => {
    const task = tasks[i];
    return readRowGroup(task.handle, task.bytes, task.rowGroup, task.plan.columns, decoder);
  };

  const consume = (i: number, batch: RowGroupBatch) => {
    const task = tasks[i];
    const start = performance.now();
    engine.add(task.plan.file.reportType, batch, task.plan.hourly);
    seconds.aggregate += (performance.now() - start) / 1000;
    progress.rowGroups++;
    progress.rows += batch.numRows;
    progress.bytes += batch.bytes;
    if (task.rowGroup === task.handle.rowGroupRows.length - 1) progress.files++;
    options.onProgress?.({ ...progress });
  };

  try {
    if (mode === "in-memory") {
      // Read and decode everything first, then aggregate: the same engine calls in the same order.
      const start = performance.now();
      const batches = await Promise.all(tasks.map((_, i) => read(i)));
      seconds.read += (performance.now() - start) / 1000;
      for (let i = 0; i < batches.length; i++) consume(i, batches[i]);
    } else {
      // Streaming: at most `readAhead` row groups decoded ahead of the one being aggregated.
      const ahead = Math.max(1, options.readAhead ?? 2);
      const inFlight: Promise<RowGroupBatch>[] = [];
      let next = 0;
      const fill = () => {
        while (next < tasks.length && inFlight.length < ahead) inFlight.push(read(next++));
      };
      fill();
      for (let i = 0; i < tasks.length; i++) {
        const start = performance.now();
        const batch = await (inFlight.shift() as Promise<RowGroupBatch>);
        seconds.read += (performance.now() - start) / 1000;
        fill();
        consume(i, batch);
      }
    }
  } finally {
    await decoder.close();
  }

  t = performance.now();
  const output = engine.finishByDay();
  seconds.finish = (performance.now() - t) / 1000;
  let all: SummaryRow[] | null = null;
  // Producing a day's rows is part of the finish phase, wherever the caller consumes them.
  function* rowsByDay(): Generator<SummaryRow[]> {
    for (const day of output.days) {
      const start = performance.now();
      const rows = output.rowsOfDay(day);
      seconds.finish += (performance.now() - start) / 1000;
      yield rows;
    }
  }
  return {
    output,
    get rows() {
      if (all === null) {
        all = [];
        for (const rows of rowsByDay()) for (const row of rows) all.push(row);
      }
      return all;
    },
    rowsByDay,
    counts: output.counts,
    stats: output.stats,
    files: opened.map((o) => ({
      location: o.plan.file.location,
      reportType: o.plan.file.reportType,
      hourly: o.plan.hourly,
      rowGroups: o.handle.rowGroupRows.length,
      rows: o.handle.numRows,
    })),
    inputRows: opened.reduce((n, o) => n + o.handle.numRows, 0),
    bytesRead: progress.bytes,
    seconds,
  };
}
