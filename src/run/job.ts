/**
 * The `aggregate` job: config → input source → output database → reference data → engine → one transaction.
 * Returns the run report (rows in/out, seconds per phase, rows/s, peak RSS).
 */
import type { Logger } from "pino";
import { resolveDatabaseSchema, resolveRunParams } from "../config/run-params.js";
import type { AppConfig } from "../config/schema.js";
import type { InputFile, InputSource, RunParams, SummaryRow } from "../model.js";
import {
  type RunTransactionSteps,
  SummaryWriteError,
  type WritePath,
  type WriteSummaryResult,
  writeSummaryRows,
} from "../sink/postgres-writer.js";
import {
  lockCopyPublication,
  SummaryParquetCopy,
  type SummaryParquetResult,
  unlockCopyPublication,
} from "../sink/summary-parquet.js";
import { type AggregateProgress, aggregateByDay, type StreamedAggregate } from "./aggregate.js";
import { openDatabase } from "./database.js";
import { emptyStats } from "./day-windows.js";
import {
  describeNoInputFiles,
  describeNoUsageRows,
  EmptyInputError,
  refuseEmptyInput,
} from "./empty-input.js";
import { configuredS3Connection, openConfiguredInput } from "./input.js";
import { resolveReferenceData } from "./reference-data.js";
import { prepareRunSteps, type StepTableCounts } from "./steps.js";

export interface JobHooks {
  logger: Logger;
  onStart?: (totals: { files: number; rowGroups: number; bytes: number }) => void;
  onProgress?: (progress: AggregateProgress) => void;
  /** Lets tests and benchmarks use a source object directly (e.g. with custom retry settings). */
  source?: InputSource;
}

export interface RunReport {
  run: RunParams;
  input: string;
  database: string;
  schema: string;
  mode: string;
  inputRows: number;
  inputRowsInRange: number;
  outputRows: { pod: number; storage: number; unallocated: number; total: number };
  deletedRows: number;
  /** How the rows got in (see WritePath), rows of others copied across, and the write's own phases (s). */
  write: { path: WritePath; copiedAcross: number; phases: WriteSummaryResult["phases"] };
  files: number;
  rowGroups: number;
  bytesRead: number;
  seconds: { total: number; list: number; read: number; aggregate: number; finish: number; write: number };
  rowsPerSecond: number;
  peakRssMb: number;
  stateBytes: number;
  outOfRangeMeasures: number;
  /** Engine passes (day windows, see planWindows); 1 = the whole range at once. */
  windows: number;
  referenceOrigins: Record<string, string>;
  /** The steps done (`--steps`), and those asked for but skipped with the reason. */
  steps: { done: string[]; skipped: { step: string; reason: string }[] };
  /** Rows written per table besides the daily summary (inventory, GPU, VM). */
  tables: StepTableCounts;
}

export async function runAggregateJob(config: AppConfig, hooks: JobHooks): Promise<RunReport> {
  const started = performance.now();
  const { logger } = hooks;
  const run = resolveRunParams(config);
  const source = hooks.source ?? openConfiguredInput(config, (message) => logger.warn(message));
  const schema = resolveDatabaseSchema(config);
  // Listed before the database is started: a run that finds nothing fails without touching anything.
  let listed: { files: InputFile[]; seconds: number };
  try {
    logger.info({ input: source.describe() }, "listing the input");
    const listStart = performance.now();
    const query = { orgId: run.orgId, sourceUuid: run.sourceUuid, year: run.year, month: run.month };
    listed = { files: await source.list(query), seconds: (performance.now() - listStart) / 1000 };
    if (listed.files.length === 0) {
      const what = await describeNoInputFiles(source, run);
      refuseEmptyInput(what, config.run.allowEmpty, (message) => logger.warn(message));
    }
  } catch (err) {
    if (!hooks.source) await source.close().catch(() => {});
    throw err;
  }
  // Checked before the database is touched: a location the run could not write fails the run up front.
  const parquetCopy = await openParquetCopy(config, run, logger).catch(async (err) => {
    if (!hooks.source) await source.close().catch(() => {});
    throw err;
  });
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(config, (msg) => logger.debug({ embedded: msg }, "embedded postgres"));
  } catch (err) {
    parquetCopy?.discard();
    if (!hooks.source) await source.close().catch(() => {});
    throw err;
  }
  try {
    logger.info({ database: db.shownUrl, schema, embedded: db.embedded }, "output database ready");
    const { reference, origins } = await resolveReferenceData(db.client, schema, config);
    logger.info(
      {
        enabledTagKeys: reference.enabledTagKeys.length,
        costCategories: reference.costCategories.length,
        nodeRoles: reference.nodeRoles?.length ?? null,
        origins,
      },
      "reference data",
    );
    if (reference.enabledTagKeys.length === 0) {
      logger.warn(
        run.kokuSql === "trino"
          ? "no enabled OCP tag keys: as in Koku's Trino SQL, every label is dropped"
          : "no enabled OCP tag keys: only vm_kubevirt_io_name labels are kept",
      );
    }
    const steps = await prepareRunSteps({
      source,
      run,
      steps: config.run.steps,
      reference,
      nodeRolesFromConfig: origins.nodeRoles === "config",
      schema,
      files: listed.files,
    });
    for (const s of steps.skipped) logger.warn({ step: s.step }, `step skipped: ${s.reason}`);
    const summaryStep = config.run.steps.includes("summary");
    let announced = false;
    const startSummary = () =>
      aggregateByDay({
        source,
        run,
        reference: steps.summaryReference(),
        mode: config.performance.mode,
        readAhead: config.performance.readAheadRowGroups,
        listed,
        onProgress: (p) => {
          if (!announced) {
            announced = true;
            hooks.onStart?.({ files: p.totalFiles, rowGroups: p.totalRowGroups, bytes: p.totalBytes });
          }
          hooks.onProgress?.(p);
        },
      });
    // The COPY pulls the day rows, and producing them drives the reading: nothing is held beyond a day window.
    // The summary starts inside the transaction, after the inventory step wrote the node roles it reads.
    let stream: StreamedAggregate | null = null;
    const inputName = hooks.source ? hooks.source.describe() : source.describe();
    // Checked after the last row and before COMMIT: throwing here rolls the DELETE back.
    const refuseEmptyRange = () => {
      if (listed.files.length === 0) return; // already refused, or warned about under allow_empty
      const { stats, files } = (stream as StreamedAggregate).totals();
      if (stats.rowsInRange.pod_usage + stats.rowsInRange.storage_usage > 0) return;
      const what = describeNoUsageRows(inputName, run, files);
      refuseEmptyInput(what, config.run.allowEmpty, (message) => logger.warn(message));
    };
    let written: Awaited<ReturnType<typeof writeSummaryRows>>;
    let copyLocked = false;
    try {
      written = await writeSummaryRows(
        db.client,
        {
          schema,
          sourceUuid: run.sourceUuid,
          startDate: run.startDate,
          endDate: run.endDate,
          year: run.year,
          month: run.month,
          steps: parquetCopy
            ? withCopyLock(steps.transaction, parquetCopy, logger, () => (copyLocked = true))
            : steps.transaction,
          summary: summaryStep,
          swapLockTimeoutMs: config.database.swapLockTimeoutMs,
          indexBuildMemoryMb: config.database.indexBuildMemoryMb,
          indexBuildWorkers: config.database.indexBuildWorkers,
        },
        async () => {
          stream = await startSummary();
          return streamRows(stream.days, refuseEmptyRange, parquetCopy);
        },
      );
    } catch (err) {
      // A session-level lock outlives the ROLLBACK.
      if (copyLocked && parquetCopy) {
        await parquetCopy.withdrawPending().catch(() => {});
        await unlockCopyPublication(db.client, parquetCopy.target).catch(() => {});
      }
      // The writer rolled back; the refusal itself is the message, not "writing failed during copy".
      if (err instanceof SummaryWriteError && err.cause instanceof EmptyInputError) throw err.cause;
      throw err;
    }
    if (parquetCopy) {
      try {
        steps.tables.summary_parquet = await publishParquetCopy(parquetCopy, { schema, run });
      } finally {
        await unlockCopyPublication(db.client, parquetCopy.target).catch(() => {});
        copyLocked = false;
      }
      logger.info(
        { location: parquetCopy.describe(), ...steps.tables.summary_parquet },
        "Parquet copy replaced",
      );
    }
    const result = (stream as StreamedAggregate | null)?.totals() ?? emptyTotals();
    if (result.stats.outOfRangeMeasures > 0) {
      logger.warn(
        { values: result.stats.outOfRangeMeasures },
        "measures above 1e18 or infinite (Koku's ingest would have dropped their rows); summed as given",
      );
    }
    // Listing, reading and aggregating the summary all happen inside the write now (the COPY pulls the rows).
    const computeDuringWrite =
      result.seconds.list + result.seconds.read + result.seconds.aggregate + result.seconds.finish;
    const total = (performance.now() - started) / 1000;
    const inRange = result.stats.rowsInRange;
    return {
      run,
      input: inputName,
      database: db.shownUrl,
      schema,
      mode: config.performance.mode,
      inputRows: result.inputRows,
      inputRowsInRange: inRange.pod_usage + inRange.storage_usage,
      outputRows: {
        ...result.counts,
        total: result.counts.pod + result.counts.storage + result.counts.unallocated,
      },
      deletedRows: written.deleted,
      write: { path: written.path, copiedAcross: written.copiedAcross, phases: written.phases },
      files: result.files.length,
      rowGroups: result.files.reduce((n, f) => n + f.rowGroups, 0),
      bytesRead: result.bytesRead,
      // Rows are read and produced while the COPY pulls them: that time is read/aggregate/finish, the rest write.
      seconds: { total, ...result.seconds, write: Math.max(0, written.seconds - computeDuringWrite) },
      rowsPerSecond: total > 0 ? Math.round(result.inputRows / total) : 0,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stateBytes: result.stats.stateBytes,
      outOfRangeMeasures: result.stats.outOfRangeMeasures,
      windows: result.windows,
      referenceOrigins: origins,
      steps: {
        done: config.run.steps.filter((s) => !steps.skipped.some((k) => k.step === s)),
        skipped: steps.skipped,
      },
      tables: steps.tables,
    };
  } finally {
    parquetCopy?.discard();
    await db.close().catch(() => {});
    if (!hooks.source) await source.close().catch(() => {});
  }
}

/** Totals of a run without the summary step. */
function emptyTotals(): ReturnType<StreamedAggregate["totals"]> {
  return {
    counts: { pod: 0, storage: 0, unallocated: 0 },
    stats: emptyStats(),
    files: [],
    inputRows: 0,
    bytesRead: 0,
    seconds: { list: 0, read: 0, aggregate: 0, finish: 0 },
    windows: 0,
  };
}

/**
 * The rows of each day in turn: the COPY pulls them while they are produced, a day at a time. `atEnd` runs
 * after the last row, inside the transaction (it may throw to roll back).
 */
async function* streamRows(
  days: AsyncIterable<SummaryRow[]>,
  atEnd: () => void,
  copy: SummaryParquetCopy | null = null,
): AsyncGenerator<SummaryRow> {
  for await (const rows of days) {
    copy?.addRows(rows);
    // Each row is let go once handed over (the COPY has encoded it when it asks for the next), so a written
    // day is not kept alive beside the next one while the engine computes it (~30 MB per 50K rows).
    const released = rows as (SummaryRow | undefined)[];
    for (let i = 0; i < released.length; i++) {
      const row = released[i] as SummaryRow;
      released[i] = undefined;
      yield row;
    }
    released.length = 0;
  }
  atEnd();
}

/** The `--summary-parquet` copy, its location checked; null without the option or the summary step. */
async function openParquetCopy(
  config: AppConfig,
  run: RunParams,
  logger: Logger,
): Promise<SummaryParquetCopy | null> {
  if (!config.run.summaryParquet) return null;
  if (!config.run.steps.includes("summary")) {
    logger.warn(
      { location: config.run.summaryParquet },
      "no Parquet copy: --steps leaves out the summary step",
    );
    return null;
  }
  const copy = new SummaryParquetCopy({
    location: config.run.summaryParquet,
    sourceUuid: run.sourceUuid,
    startDate: run.startDate,
    endDate: run.endDate,
    s3: configuredS3Connection(config, (message) => logger.warn(message)),
  });
  try {
    await copy.check();
  } catch (err) {
    copy.discard();
    throw err;
  }
  return copy;
}

/**
 * The copy is published after PostgreSQL's COMMIT: a run that rolls back leaves the copy as it was, and a copy
 * that cannot be published fails the run with this message naming both sides. Re-running the same range
 * rewrites both (each replaces the range), which repairs it.
 */
export class ParquetCopyAfterCommitError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "ParquetCopyAfterCommitError";
  }
}

async function publishParquetCopy(
  copy: SummaryParquetCopy,
  { schema, run }: { schema: string; run: RunParams },
): Promise<SummaryParquetResult> {
  try {
    return await copy.publish();
  } catch (err) {
    throw new ParquetCopyAfterCommitError(
      `the summary rows of source ${run.sourceUuid}, ${run.startDate}..${run.endDate} are committed to ` +
        `PostgreSQL (schema ${schema}), but replacing the day partitions of the Parquet copy at ` +
        `${copy.describe()} failed, so the copy may lack those days or still hold their old rows: ` +
        `${(err as Error).message}. Re-run the same command to rewrite both.`,
      { cause: err },
    );
  }
}

/** The run's transaction steps, plus the copy's publication lock taken last before COMMIT (lockCopyPublication). */
function withCopyLock(
  steps: RunTransactionSteps,
  copy: SummaryParquetCopy,
  logger: Logger,
  onLocked: () => void,
): RunTransactionSteps {
  return {
    ...steps,
    afterSummary: async (client) => {
      await steps.afterSummary?.(client);
      await lockCopyPublication(client, copy.target);
      onLocked();
      // Noted before COMMIT, cleared once published: a run killed in between is told to the next one.
      for (const earlier of await copy.notePending(new Date().toISOString())) {
        logger.warn(
          { location: copy.describe(), ...earlier },
          `an earlier run (started ${earlier.startedAt}) over ${earlier.startDate}..${earlier.endDate} did not ` +
            "finish publishing the Parquet copy: those days may differ between PostgreSQL and the copy until " +
            "a run over them succeeds",
        );
      }
    },
  };
}
