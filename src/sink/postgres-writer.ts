/**
 * Writes one run's summary rows: in ONE transaction, lock the run (advisory), replace the source's rows of the
 * run's date range, commit. A failure anywhere rolls back, leaving the old rows intact.
 *
 * Three ways in, chosen per run (see WritePath): a month without partition gets a fresh detached table that is
 * attached before COMMIT (month-partition.ts); a month whose partition the run mostly replaces is rebuilt in a
 * staging table and exchanged for it (month-swap.ts); otherwise DELETE + COPY through the parent table. In
 * the first two, Koku's indexes are built in bulk rather than maintained row by row.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { SummaryRow } from "../model.js";
import { copyColumns, encodeCopyRow } from "./copy-encoding.js";
import { copyRowsIn } from "./copy-stream.js";
import {
  attachMonthTable,
  createDetachedMonthTable,
  lockMonthDdl,
  monthIsCovered,
} from "./month-partition.js";
import {
  buildIndexes,
  copyOtherRows,
  countMonthRows,
  createStagingTable,
  exchangePartition,
  replaceFromStaging,
  setIndexBuildSettings,
  swapPays,
  swappablePartition,
} from "./month-swap.js";
import { qualifiedName, quoteIdent, relationExists } from "./sql.js";
import { monthBounds } from "./summary-ddl.js";
import {
  ensureMonthPartitionInTransaction,
  ensureSummaryTable,
  inspectSummaryTable,
  monthPartitionName,
  SUMMARY_TABLE,
  type SummaryTableInfo,
} from "./summary-table.js";
import { lockWithin } from "./table-lock.js";

export interface WriteSummaryOptions {
  schema: string;
  sourceUuid: string;
  /** `YYYY-MM-DD`, inclusive: rows of the source with usage_start in [startDate, endDate] are replaced. */
  startDate: string;
  endDate: string;
  year: number;
  month: number;
  /**
   * How long the month swap may try for its locks before falling back to replacing rows in place
   * (milliseconds; default 2000). 0 never swaps: the re-run always deletes and inserts through the indexes.
   */
  swapLockTimeoutMs?: number;
  /** maintenance_work_mem for bulk index builds, in MB (default 256). */
  indexBuildMemoryMb?: number;
  /** max_parallel_maintenance_workers for bulk index builds (default 0: see setIndexBuildSettings). */
  indexBuildWorkers?: number;
  /** The run's other steps (inventory, GPU, VM), in the same transaction (see RunTransactionSteps). */
  steps?: RunTransactionSteps;
  /** False when the run leaves the summary table alone (`--steps` without `summary`). Default true. */
  summary?: boolean;
}

/** Work done inside the run's transaction besides the summary rows; a failure rolls everything back. */
export interface RunTransactionSteps {
  /** After the run lock, before the summary rows are replaced (Koku's inventory comes first). */
  beforeSummary?(client: pg.Client): Promise<void>;
  /** After the summary rows are in, before COMMIT (GPU and VM rows; the VM rows read the summary). */
  afterSummary?(client: pg.Client): Promise<void>;
}

type SummaryRows = Iterable<SummaryRow> | AsyncIterable<SummaryRow>;
/** The rows, or a function giving them when the COPY starts (after the steps before the summary). */
type RowsArg = SummaryRows | (() => SummaryRows | Promise<SummaryRows>);

/**
 * How the rows got in:
 * - `fresh`: the month had no partition; a new one was filled and attached (indexes built in bulk).
 * - `swap`: the month was rebuilt in a staging table with other sources' rows and exchanged for the partition.
 * - `fallback`: staged for a swap, but the locks were not had in time: replaced in place from the staging table.
 * - `in-place`: DELETE + COPY through the indexes (other sources dominate the month, no partitioning, triggers,
 *   or a date range beyond the month).
 */
export type WritePath = "fresh" | "swap" | "fallback" | "in-place";

export interface WriteSummaryResult {
  deleted: number;
  inserted: number;
  seconds: number;
  path: WritePath;
  /** Rows of other sources (and of this source outside the range) copied into the rebuilt month. */
  copiedAcross: number;
  /** Seconds per phase, in order (including the time the COPY waited for rows). */
  phases: Partial<Record<Phase, number>>;
}

export type Phase =
  | "prepare table"
  | "begin"
  | "lock"
  | "partition"
  | "delete"
  | "copy"
  | "copy across"
  | "build indexes"
  | "swap"
  | "attach partition"
  | "steps before summary"
  | "steps after summary"
  | "commit";

export class SummaryWriteError extends Error {
  constructor(
    readonly phase: Phase,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SummaryWriteError";
  }
}

const DEFAULT_SWAP_LOCK_TIMEOUT_MS = 2000;
const DEFAULT_INDEX_BUILD_MEMORY_MB = 256;

/**
 * Writes the run's rows in one transaction of its own, with the run's other steps (opts.steps) inside it:
 * BEGIN, run lock, steps before, summary rows (unless opts.summary is false), steps after, COMMIT.
 */
export async function writeSummaryRows(
  client: pg.Client,
  opts: WriteSummaryOptions,
  rows: RowsArg,
): Promise<WriteSummaryResult> {
  validateOptions(opts);
  const tracker = new PhaseTracker();
  let inTransaction = false;
  try {
    await ensureTable(client, opts.schema);
    tracker.enter("begin");
    await client.query("BEGIN");
    inTransaction = true;
    tracker.enter("lock");
    await lockRun(client, opts);
    if (opts.steps?.beforeSummary) {
      tracker.enter("steps before summary");
      await opts.steps.beforeSummary(client);
    }
    const result =
      opts.summary === false
        ? { deleted: 0, inserted: 0, path: "in-place" as const, copiedAcross: 0 }
        : await writeRows(client, opts, rows, tracker);
    if (opts.steps?.afterSummary) {
      tracker.enter("steps after summary");
      await opts.steps.afterSummary(client);
    }
    tracker.enter("commit");
    await client.query("COMMIT");
    inTransaction = false;
    return { ...result, seconds: tracker.total(), phases: tracker.done() };
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => {});
    throw writeError(opts, tracker.phase, error, inTransaction);
  }
}

/**
 * The same write inside the caller's open transaction (for runs that write more tables atomically with the
 * summary): the table must exist (ensureSummaryTable). Savepoints are used internally; on error the caller
 * rolls back. Nothing is visible to readers before the caller's COMMIT.
 */
export async function writeSummaryRowsInTransaction(
  client: pg.Client,
  opts: WriteSummaryOptions,
  rows: RowsArg,
): Promise<WriteSummaryResult> {
  validateOptions(opts);
  const tracker = new PhaseTracker();
  try {
    tracker.enter("lock");
    await lockRun(client, opts);
    const result = await writeRows(client, opts, rows, tracker);
    return { ...result, seconds: tracker.total(), phases: tracker.done() };
  } catch (error) {
    throw writeError(opts, tracker.phase, error, false);
  }
}

async function writeRows(
  client: pg.Client,
  opts: WriteSummaryOptions,
  rows: RowsArg,
  tracker: PhaseTracker,
): Promise<Omit<WriteSummaryResult, "seconds" | "phases">> {
  tracker.enter("prepare table");
  const table = await inspectForWrite(client, opts.schema);

  tracker.enter("partition");
  const target = await decideTarget(client, opts, table);
  if (target.kind === "swap") return swapMonth(client, opts, rows, tracker, target);

  tracker.enter("delete");
  const deleted = await client.query(
    `DELETE FROM ${qualifiedName(opts.schema, SUMMARY_TABLE)}
      WHERE source_uuid = $1::uuid AND usage_start BETWEEN $2::date AND $3::date`,
    [opts.sourceUuid, opts.startDate, opts.endDate],
  );

  tracker.enter("copy");
  // After the DELETE, so the rows of this run stranded in the default partition are gone, not moved.
  const fresh = target.kind === "fresh";
  const copyTarget = fresh
    ? (await createDetachedMonthTable(client, opts.schema, opts.year, opts.month)).target
    : qualifiedName(opts.schema, SUMMARY_TABLE);
  const inserted = await copyInto(client, copyTarget, fresh, rows);

  if (fresh) {
    tracker.enter("attach partition");
    await setIndexBuildSettings(client, indexBuildSettings(opts));
    await attachMonthTable(client, opts.schema, opts.year, opts.month);
  }
  return { deleted: deleted.rowCount ?? 0, inserted, path: fresh ? "fresh" : "in-place", copiedAcross: 0 };
}

/** The month rebuilt in a staging table and exchanged for the partition (month-swap.ts). */
async function swapMonth(
  client: pg.Client,
  opts: WriteSummaryOptions,
  rows: RowsArg,
  tracker: PhaseTracker,
  target: { partition: string; replaced: number },
): Promise<Omit<WriteSummaryResult, "seconds" | "phases">> {
  const range = { sourceUuid: opts.sourceUuid, startDate: opts.startDate, endDate: opts.endDate };
  const timeoutMs = opts.swapLockTimeoutMs ?? DEFAULT_SWAP_LOCK_TIMEOUT_MS;
  const parent = qualifiedName(opts.schema, SUMMARY_TABLE);

  tracker.enter("copy");
  // The engine's rows stream in here, with no lock on the partition beyond ACCESS SHARE.
  const staging = await createStagingTable(client, opts.schema, opts.year, opts.month);
  const inserted = await copyInto(client, staging, true, rows);

  tracker.enter("copy across");
  // One swap per table at a time (a concurrent one would replace the partition we copy from).
  await lockMonthDdl(client, opts.schema, opts.year, opts.month);
  const partition = await swappablePartition(client, opts.schema, opts.year, opts.month);
  // SHARE on the parent: writers wait (the rows copied across cannot change), readers do not.
  if (partition === null || (await lockWithin(client, parent, "SHARE", timeoutMs)) === "timed-out") {
    return fallBack(client, opts, staging, inserted, tracker, 0);
  }
  const copiedAcross = await copyOtherRows(client, opts.schema, partition, staging, range);

  tracker.enter("build indexes");
  await buildIndexes(client, opts.schema, staging, indexBuildSettings(opts));

  tracker.enter("swap");
  if ((await lockWithin(client, parent, "ACCESS EXCLUSIVE", timeoutMs)) === "timed-out") {
    return fallBack(client, opts, staging, inserted, tracker, copiedAcross);
  }
  await exchangePartition(client, opts.schema, opts.year, opts.month, staging);
  return { deleted: target.replaced, inserted, path: "swap", copiedAcross };
}

async function fallBack(
  client: pg.Client,
  opts: WriteSummaryOptions,
  staging: string,
  inserted: number,
  tracker: PhaseTracker,
  copiedAcross: number,
): Promise<Omit<WriteSummaryResult, "seconds" | "phases">> {
  tracker.enter("delete");
  const range = { sourceUuid: opts.sourceUuid, startDate: opts.startDate, endDate: opts.endDate };
  const deleted = await replaceFromStaging(client, opts.schema, staging, range, inserted);
  return { deleted, inserted, path: "fallback", copiedAcross };
}

async function copyInto(
  client: pg.Client,
  target: string,
  createdInTransaction: boolean,
  rows: RowsArg,
): Promise<number> {
  // uuids are sent rather than left to the column default: a volatile default (gen_random_uuid()) makes
  // PostgreSQL give up COPY's batched multi-row inserts (and FREEZE's visibility-map marking); Koku's own
  // table has no default anyway.
  // FREEZE (allowed for a table created in this transaction) stores the rows frozen and all-visible: no
  // hint-bit rewrites or freezing vacuum later, and index-only scans work at once.
  const copyOptions = createdInTransaction ? "FORMAT text, FREEZE" : "FORMAT text";
  const copySql = `COPY ${target} (${copyColumns(true).map(quoteIdent).join(", ")}) FROM STDIN WITH (${copyOptions})`;
  const source = typeof rows === "function" ? await rows() : rows;
  return copyRowsIn(client, copySql, source, (row, index) => encodeCopyRow(row, index, randomUUID()));
}

function indexBuildSettings(opts: WriteSummaryOptions) {
  return {
    memoryMb: opts.indexBuildMemoryMb ?? DEFAULT_INDEX_BUILD_MEMORY_MB,
    workers: opts.indexBuildWorkers ?? 0,
  };
}

/** Time per phase; the current phase also names the failure. */
class PhaseTracker {
  phase: Phase = "prepare table";
  private readonly started = performance.now();
  private since = this.started;
  private readonly seconds: Partial<Record<Phase, number>> = {};

  enter(phase: Phase): void {
    this.close();
    this.phase = phase;
  }

  total(): number {
    return (performance.now() - this.started) / 1000;
  }

  done(): Partial<Record<Phase, number>> {
    this.close();
    return { ...this.seconds };
  }

  private close(): void {
    const now = performance.now();
    this.seconds[this.phase] = (this.seconds[this.phase] ?? 0) + (now - this.since) / 1000;
    this.since = now;
  }
}

function writeError(opts: WriteSummaryOptions, phase: Phase, error: unknown, rolledBack: boolean) {
  if (error instanceof SummaryWriteError) return error;
  return new SummaryWriteError(
    phase,
    `writing summary rows to ${opts.schema}.${SUMMARY_TABLE} failed during ${phase}: ${describePgError(error)}` +
      (rolledBack ? " (rolled back; existing rows unchanged)" : ""),
    { cause: error },
  );
}

/** Creates schema and table in their own short transaction when missing (DDL outside the run's transaction). */
async function ensureTable(client: pg.Client, schema: string): Promise<void> {
  if (!(await inspectSummaryTable(client, schema)).exists) await ensureSummaryTable(client, schema);
}

/** The table as it is inside the transaction; a table made by an older Koku (or by hand) may lack columns. */
async function inspectForWrite(client: pg.Client, schema: string): Promise<SummaryTableInfo> {
  const table = await inspectSummaryTable(client, schema);
  if (!table.exists) throw new Error(`table ${schema}.${SUMMARY_TABLE} disappeared while writing`);
  const missing = copyColumns(true).filter((column) => !table.columns.includes(column));
  if (missing.length > 0) throw new Error(`the existing table lacks column(s) ${missing.join(", ")}`);
  return table;
}

type Target =
  | { kind: "fresh" }
  | { kind: "in-place" }
  | { kind: "swap"; partition: string; replaced: number };

/**
 * Where the rows go. A new detached month table when the month has no partition (decided under the month's
 * DDL lock, held to COMMIT: a concurrent run of another source waits, then finds the partition). A swap when
 * the partition exists and the run replaces most of it. Otherwise in place, through the parent table.
 */
async function decideTarget(
  client: pg.ClientBase,
  opts: WriteSummaryOptions,
  table: SummaryTableInfo,
): Promise<Target> {
  if (!table.partitioned) return { kind: "in-place" };
  const bounds = monthBounds(opts.year, opts.month);
  const withinMonth = opts.startDate >= bounds.from && opts.endDate < bounds.to;
  // Partitions are never dropped here: an existing one needs no lock (the common case stays parallel).
  if (await relationExists(client, opts.schema, monthPartitionName(opts.year, opts.month))) {
    return withinMonth ? swapOrInPlace(client, opts) : { kind: "in-place" };
  }
  await lockMonthDdl(client, opts.schema, opts.year, opts.month);
  if (await relationExists(client, opts.schema, monthPartitionName(opts.year, opts.month))) {
    return withinMonth ? swapOrInPlace(client, opts) : { kind: "in-place" };
  }
  if (withinMonth && !(await monthIsCovered(client, opts.schema, bounds))) return { kind: "fresh" };
  // A date range reaching outside the month (or an odd partition layout): rows go through the parent table,
  // which routes each to its partition; make sure the run's month has one.
  await ensureMonthPartitionInTransaction(client, opts.schema, opts.year, opts.month);
  return { kind: "in-place" };
}

async function swapOrInPlace(client: pg.ClientBase, opts: WriteSummaryOptions): Promise<Target> {
  if ((opts.swapLockTimeoutMs ?? DEFAULT_SWAP_LOCK_TIMEOUT_MS) <= 0) return { kind: "in-place" };
  const partition = await swappablePartition(client, opts.schema, opts.year, opts.month);
  if (partition === null) return { kind: "in-place" };
  const rows = await countMonthRows(client, partition, opts);
  return swapPays(rows) ? { kind: "swap", partition, replaced: rows.ours } : { kind: "in-place" };
}

/** Runs of the same schema, source and month serialize on this key; others proceed in parallel. */
async function lockRun(client: pg.Client, opts: WriteSummaryOptions): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [runLockKey(opts)]);
}

function runLockKey(opts: WriteSummaryOptions): string {
  return `ocp-aggregator:run:${opts.schema}:${opts.sourceUuid}:${opts.year}-${opts.month}`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validateOptions(opts: WriteSummaryOptions): void {
  if (!ISO_DATE.test(opts.startDate) || !ISO_DATE.test(opts.endDate)) {
    throw new SummaryWriteError(
      "prepare table",
      `start/end date must be YYYY-MM-DD, got ${opts.startDate}..${opts.endDate}`,
    );
  }
  if (opts.startDate > opts.endDate) {
    throw new SummaryWriteError(
      "prepare table",
      `start date ${opts.startDate} is after end date ${opts.endDate}`,
    );
  }
  monthBounds(opts.year, opts.month);
}

/** PostgreSQL's message with its detail and context (e.g. the COPY line and column); never connection secrets. */
function describePgError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const pgError = error as Error & {
    detail?: string;
    where?: string;
    hint?: string;
    code?: string;
    severity?: string;
  };
  const parts = [pgError.message];
  if (pgError.detail) parts.push(`detail: ${pgError.detail}`);
  if (pgError.hint) parts.push(`hint: ${pgError.hint}`);
  if (pgError.where) parts.push(`where: ${truncate(pgError.where, 500)}`);
  // Server errors carry a severity and a SQLSTATE; network errors a Node code such as ECONNRESET.
  if (pgError.code && !pgError.message.includes(pgError.code)) {
    parts.push(pgError.severity ? `sqlstate ${pgError.code}` : pgError.code);
  }
  return parts.join("; ");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
