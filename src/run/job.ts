/**
 * The `aggregate` job: config → input source → output database → reference data → engine → one transaction.
 * Returns the run report (rows in/out, seconds per phase, rows/s, peak RSS).
 */
import type { Logger } from "pino";
import { resolveDatabaseSchema, resolveRunParams } from "../config/run-params.js";
import type { AppConfig } from "../config/schema.js";
import type { InputSource, RunParams, SummaryRow } from "../model.js";
import { writeSummaryRows } from "../sink/postgres-writer.js";
import { openInputSource } from "../source/open-source.js";
import { type AggregateProgress, aggregateByDay } from "./aggregate.js";
import { openDatabase } from "./database.js";
import { resolveReferenceData } from "./reference-data.js";

export interface JobHooks {
  logger: Logger;
  onStart?: (totals: { files: number; rowGroups: number }) => void;
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
}

export async function runAggregateJob(config: AppConfig, hooks: JobHooks): Promise<RunReport> {
  const started = performance.now();
  const { logger } = hooks;
  const run = resolveRunParams(config);
  if (!config.input && !hooks.source)
    throw new Error("no input: give --input <dir|s3://bucket/prefix> (or S3_BUCKET)");
  const source =
    hooks.source ??
    openInputSource(config.input as string, {
      endpoint: config.s3.endpoint,
      region: config.s3.region,
      accessKeyId: config.s3.accessKeyId,
      secretAccessKey: config.s3.secretAccessKey,
      forcePathStyle: config.s3.forcePathStyle,
    });
  const schema = resolveDatabaseSchema(config);
  const db = await openDatabase(config, (msg) => logger.debug({ embedded: msg }, "embedded postgres"));
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
    let announced = false;
    const stream = await aggregateByDay({
      source,
      run,
      reference,
      mode: config.performance.mode,
      readAhead: config.performance.readAheadRowGroups,
      onProgress: (p) => {
        if (!announced) {
          announced = true;
          hooks.onStart?.({ files: p.totalFiles, rowGroups: p.totalRowGroups });
        }
        hooks.onProgress?.(p);
      },
    });
    // The COPY pulls the day rows, and producing them drives the reading: nothing is held beyond a day window.
    const before = { ...stream.totals().seconds };
    const written = await writeSummaryRows(
      db.client,
      {
        schema,
        sourceUuid: run.sourceUuid,
        startDate: run.startDate,
        endDate: run.endDate,
        year: run.year,
        month: run.month,
      },
      streamRows(stream.days),
    );
    const result = stream.totals();
    if (result.stats.outOfRangeMeasures > 0) {
      logger.warn(
        { values: result.stats.outOfRangeMeasures },
        "measures above 1e18 or infinite (Koku's ingest would have dropped their rows); summed as given",
      );
    }
    const computeDuringWrite =
      result.seconds.read +
      result.seconds.aggregate +
      result.seconds.finish -
      (before.read + before.aggregate + before.finish);
    const total = (performance.now() - started) / 1000;
    const inRange = result.stats.rowsInRange;
    return {
      run,
      input: hooks.source ? hooks.source.describe() : source.describe(),
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
    };
  } finally {
    await db.close().catch(() => {});
    if (!hooks.source) await source.close().catch(() => {});
  }
}

/** The rows of each day in turn: the COPY pulls them while they are produced, a day at a time. */
async function* streamRows(days: AsyncIterable<SummaryRow[]>): AsyncGenerator<SummaryRow> {
  for await (const rows of days) yield* rows;
}
