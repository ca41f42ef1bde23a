/**
 * Writes one run's summary rows: in ONE transaction, lock the run (advisory), delete the source's rows of the
 * run's date range, COPY the new rows, commit. A failure anywhere rolls back, leaving the old rows intact.
 *
 * When the run's month has no partition yet, the rows go into a fresh detached table that is attached just
 * before COMMIT (see month-partition.ts): indexes are then built in bulk, about twice as fast, and the parent
 * table is never locked against readers. Otherwise rows are COPYed into the parent table.
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

export interface WriteSummaryOptions {
  schema: string;
  sourceUuid: string;
  /** `YYYY-MM-DD`, inclusive: rows of the source with usage_start in [startDate, endDate] are replaced. */
  startDate: string;
  endDate: string;
  year: number;
  month: number;
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

export interface WriteSummaryResult {
  deleted: number;
  inserted: number;
  seconds: number;
}

type Phase =
  | "prepare table"
  | "begin"
  | "lock"
  | "partition"
  | "delete"
  | "copy"
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

export async function writeSummaryRows(
  client: pg.Client,
  opts: WriteSummaryOptions,
  /** The rows, or a function giving them once the steps before the summary are done. */
  rows: SummaryRows | (() => SummaryRows | Promise<SummaryRows>),
): Promise<WriteSummaryResult> {
  validateOptions(opts);
  const started = performance.now();
  let phase: Phase = "prepare table";
  let inTransaction = false;
  try {
    const table = await prepareTable(client, opts.schema);

    phase = "begin";
    await client.query("BEGIN");
    inTransaction = true;

    phase = "lock";
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [runLockKey(opts)]);

    if (opts.steps?.beforeSummary) {
      phase = "steps before summary";
      await opts.steps.beforeSummary(client);
    }
    if (opts.summary === false) {
      if (opts.steps?.afterSummary) {
        phase = "steps after summary";
        await opts.steps.afterSummary(client);
      }
      phase = "commit";
      await client.query("COMMIT");
      inTransaction = false;
      return { deleted: 0, inserted: 0, seconds: (performance.now() - started) / 1000 };
    }

    phase = "partition";
    const freshPartition = await decideTarget(client, opts, table);

    phase = "delete";
    const deleted = await client.query(
      `DELETE FROM ${qualifiedName(opts.schema, SUMMARY_TABLE)}
        WHERE source_uuid = $1::uuid AND usage_start BETWEEN $2::date AND $3::date`,
      [opts.sourceUuid, opts.startDate, opts.endDate],
    );

    phase = "copy";
    // After the DELETE, so the rows of this run stranded in the default partition are gone, not moved.
    const target = freshPartition
      ? (await createDetachedMonthTable(client, opts.schema, opts.year, opts.month)).target
      : qualifiedName(opts.schema, SUMMARY_TABLE);
    // uuids are sent rather than left to the column default: a volatile default (gen_random_uuid()) makes
    // PostgreSQL give up COPY's batched multi-row inserts (and FREEZE's visibility-map marking); Koku's own
    // table has no default anyway.
    // FREEZE (allowed for a table created in this transaction) stores the rows frozen and all-visible: no
    // hint-bit rewrites or freezing vacuum later, and index-only scans work at once.
    const copyOptions = freshPartition ? "FORMAT text, FREEZE" : "FORMAT text";
    const copySql = `COPY ${target} (${copyColumns(true).map(quoteIdent).join(", ")}) FROM STDIN WITH (${copyOptions})`;
    const source = typeof rows === "function" ? await rows() : rows;
    const inserted = await copyRowsIn(client, copySql, source, (row, index) =>
      encodeCopyRow(row, index, randomUUID()),
    );

    if (freshPartition) {
      phase = "attach partition";
      await attachMonthTable(client, opts.schema, opts.year, opts.month);
    }

    if (opts.steps?.afterSummary) {
      phase = "steps after summary";
      await opts.steps.afterSummary(client);
    }

    phase = "commit";
    await client.query("COMMIT");
    inTransaction = false;
    return { deleted: deleted.rowCount ?? 0, inserted, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => {});
    throw new SummaryWriteError(
      phase,
      `writing summary rows to ${opts.schema}.${SUMMARY_TABLE} failed during ${phase}: ${describePgError(error)}` +
        (inTransaction ? " (rolled back; existing rows unchanged)" : ""),
      { cause: error },
    );
  }
}

/** Creates schema and table in their own short transaction when missing; describes the table. */
async function prepareTable(client: pg.Client, schema: string): Promise<SummaryTableInfo> {
  let table = await inspectSummaryTable(client, schema);
  if (!table.exists) {
    await ensureSummaryTable(client, schema);
    table = await inspectSummaryTable(client, schema);
  }
  // A table made by an older Koku (or by hand) may lack columns we write: say which, before touching anything.
  const missing = copyColumns(true).filter((column) => !table.columns.includes(column));
  if (missing.length > 0) throw new Error(`the existing table lacks column(s) ${missing.join(", ")}`);
  return table;
}

/**
 * True when the rows should go into a new detached month table. Decided under the month's DDL lock, held to
 * COMMIT: a concurrent run of another source waits here, then finds the partition and writes into it.
 */
async function decideTarget(
  client: pg.Client,
  opts: WriteSummaryOptions,
  table: SummaryTableInfo,
): Promise<boolean> {
  if (!(await relationExists(client, opts.schema, SUMMARY_TABLE))) {
    throw new Error(`table ${opts.schema}.${SUMMARY_TABLE} disappeared while writing`);
  }
  if (!table.partitioned) return false;
  // Partitions are never dropped here: an existing one needs no lock (the common case stays parallel).
  if (await relationExists(client, opts.schema, monthPartitionName(opts.year, opts.month))) return false;
  await lockMonthDdl(client, opts.schema, opts.year, opts.month);
  if (await relationExists(client, opts.schema, monthPartitionName(opts.year, opts.month))) return false;
  const bounds = monthBounds(opts.year, opts.month);
  const withinMonth = opts.startDate >= bounds.from && opts.endDate < bounds.to;
  if (withinMonth && !(await monthIsCovered(client, opts.schema, bounds))) return true;
  // A date range reaching outside the month (or an odd partition layout): rows go through the parent table,
  // which routes each to its partition; make sure the run's month has one.
  await ensureMonthPartitionInTransaction(client, opts.schema, opts.year, opts.month);
  return false;
}

/** Runs of the same schema, source and month serialize on this key; others proceed in parallel. */
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
