/**
 * Writes one run's summary rows: in ONE transaction, lock the run (advisory), delete the source's rows of the
 * run's date range, COPY the new rows, commit. A failure anywhere rolls back, leaving the old rows intact.
 *
 * Table and partition creation happen in a short transaction of their own just before (only when missing):
 * creating a partition takes an ACCESS EXCLUSIVE lock on the parent table, which inside the long write
 * transaction would block every reader of the table (Koku's API included) until the COPY commits.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { SummaryRow } from "../model.js";
import { copyColumns, encodeCopyRow } from "./copy-encoding.js";
import { copyRowsIn } from "./copy-stream.js";
import { qualifiedName, quoteIdent, relationExists } from "./sql.js";
import {
  ensureMonthPartition,
  ensureMonthPartitionInTransaction,
  ensureSummaryTable,
  ensureSummaryTableInTransaction,
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
}

export interface WriteSummaryResult {
  deleted: number;
  inserted: number;
  seconds: number;
}

type Phase = "prepare table" | "begin" | "lock" | "delete" | "copy" | "commit";

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
  rows: Iterable<SummaryRow> | AsyncIterable<SummaryRow>,
): Promise<WriteSummaryResult> {
  validateOptions(opts);
  const started = performance.now();
  let phase: Phase = "prepare table";
  let inTransaction = false;
  try {
    const table = await prepareTable(client, opts);

    phase = "begin";
    await client.query("BEGIN");
    inTransaction = true;

    phase = "lock";
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [runLockKey(opts)]);
    // The table or partition may have been dropped between preparing and locking: re-check cheaply.
    await ensureStillThere(client, opts, table);

    phase = "delete";
    const deleted = await client.query(
      `DELETE FROM ${qualifiedName(opts.schema, SUMMARY_TABLE)}
        WHERE source_uuid = $1::uuid AND usage_start BETWEEN $2::date AND $3::date`,
      [opts.sourceUuid, opts.startDate, opts.endDate],
    );

    phase = "copy";
    const withUuid = !table.uuidHasDefault;
    const copySql =
      `COPY ${qualifiedName(opts.schema, SUMMARY_TABLE)} (${copyColumns(withUuid).map(quoteIdent).join(", ")}) ` +
      "FROM STDIN WITH (FORMAT text)";
    const inserted = await copyRowsIn(client, copySql, rows, (row, index) =>
      encodeCopyRow(row, index, withUuid ? randomUUID() : undefined),
    );

    phase = "commit";
    await client.query("COMMIT");
    inTransaction = false;
    return { deleted: deleted.rowCount ?? 0, inserted, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => {});
    throw new SummaryWriteError(
      phase,
      `writing summary rows to ${opts.schema}.${SUMMARY_TABLE} failed during ${phase}: ${describePgError(error)}` +
        (phase === "commit" || phase === "prepare table" ? "" : " (rolled back; existing rows unchanged)"),
      { cause: error },
    );
  }
}

/** Creates table / month partition in their own short transaction, only when missing. */
async function prepareTable(client: pg.Client, opts: WriteSummaryOptions): Promise<SummaryTableInfo> {
  let table = await inspectSummaryTable(client, opts.schema);
  const partitionMissing =
    table.exists && table.partitioned && !(await relationExists(client, opts.schema, partitionName(opts)));
  if (!table.exists || partitionMissing) {
    await ensureSummaryTable(client, opts.schema);
    await ensureMonthPartition(client, opts.schema, opts.year, opts.month);
    table = await inspectSummaryTable(client, opts.schema);
  }
  return table;
}

async function ensureStillThere(client: pg.Client, opts: WriteSummaryOptions, table: SummaryTableInfo) {
  const gone =
    !(await relationExists(client, opts.schema, SUMMARY_TABLE)) ||
    (table.partitioned && !(await relationExists(client, opts.schema, partitionName(opts))));
  if (gone) {
    await ensureSummaryTableInTransaction(client, opts.schema);
    await ensureMonthPartitionInTransaction(client, opts.schema, opts.year, opts.month);
  }
}

function partitionName(opts: WriteSummaryOptions): string {
  return monthPartitionName(opts.year, opts.month);
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
}

/** PostgreSQL's message with its detail and context (e.g. the COPY line and column); never connection secrets. */
function describePgError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const pgError = error as Error & { detail?: string; where?: string; hint?: string; code?: string };
  const parts = [pgError.message];
  if (pgError.detail) parts.push(`detail: ${pgError.detail}`);
  if (pgError.hint) parts.push(`hint: ${pgError.hint}`);
  if (pgError.where) parts.push(`where: ${truncate(pgError.where, 500)}`);
  if (pgError.code) parts.push(`sqlstate ${pgError.code}`);
  return parts.join("; ");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
