/**
 * Writes one OCP-on-AWS run in ONE transaction: lock, delete the project table rows of (AWS source, cluster,
 * range), COPY the new rows, then Koku's back-populate into the OCP daily summary (back-populate.ts), commit.
 * Any failure rolls everything back: the previous rows stay as they were.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { encodeCopyNumber, escapeCopyText } from "../../sink/copy-encoding.js";
import { copyRowsIn } from "../../sink/copy-stream.js";
import { qualifiedName, quoteIdent } from "../../sink/sql.js";
import { ensureMonthPartition, ensureSummaryTable } from "../../sink/summary-table.js";
import { PROJECT_COLUMNS, PROJECT_NUMERIC_COLUMNS, type ProjectRow } from "../model.js";
import { deleteInfrastructureRows, insertBackPopulatedRows } from "./back-populate.js";
import { ensureProjectTableInTransaction, PROJECT_TABLE } from "./project-table.js";

export interface OcpOnAwsWriteOptions {
  schema: string;
  awsSourceUuid: string;
  ocpSourceUuid: string;
  clusterId: string;
  reportPeriodId: number;
  year: number;
  month: number;
  startDate: string;
  endDate: string;
}

export interface OcpOnAwsWriteResult {
  deletedProjectRows: number;
  insertedProjectRows: number;
  deletedSummaryRows: number;
  backPopulatedRows: number;
  seconds: number;
}

export class OcpOnAwsWriteError extends Error {}

export function encodeProjectRow(row: ProjectRow, index: number, uuid: string): string {
  const fields = [uuid];
  for (const column of PROJECT_COLUMNS) {
    const value = row[column];
    if (PROJECT_NUMERIC_COLUMNS.has(column))
      fields.push(encodeCopyNumber(value as number | null, column, index));
    else fields.push(value === null ? "\\N" : escapeCopyText(String(value), column, index));
  }
  return `${fields.join("\t")}\n`;
}

export async function writeOcpOnAwsRows(
  client: pg.Client,
  o: OcpOnAwsWriteOptions,
  rows: readonly ProjectRow[],
): Promise<OcpOnAwsWriteResult> {
  const started = performance.now();
  let phase = "prepare tables";
  let inTransaction = false;
  try {
    // The OCP summary table and its month partition (own short transactions, as the OCP writer does).
    await ensureSummaryTable(client, o.schema);
    await ensureMonthPartition(client, o.schema, o.year, o.month);
    phase = "begin";
    await client.query("BEGIN");
    inTransaction = true;
    phase = "lock";
    // Serialises with other runs of this pair and with the OCP source's own summary run (same key as its writer).
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `ocp-aggregator:ocp-on-aws:${o.schema}:${o.awsSourceUuid}:${o.ocpSourceUuid}:${o.year}-${o.month}`,
    ]);
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `ocp-aggregator:run:${o.schema}:${o.ocpSourceUuid}:${o.year}-${o.month}`,
    ]);
    phase = "project table";
    await ensureProjectTableInTransaction(client, o.schema);
    phase = "delete";
    const deleted = await client.query(
      `DELETE FROM ${qualifiedName(o.schema, PROJECT_TABLE)}
        WHERE source_uuid = $1::uuid AND cluster_id = $2 AND usage_start BETWEEN $3::date AND $4::date`,
      [o.awsSourceUuid, o.clusterId, o.startDate, o.endDate],
    );
    phase = "copy";
    const columns = ["uuid", ...PROJECT_COLUMNS].map(quoteIdent).join(", ");
    const inserted = await copyRowsIn(
      client,
      `COPY ${qualifiedName(o.schema, PROJECT_TABLE)} (${columns}) FROM STDIN WITH (FORMAT text)`,
      rows,
      (row, index) => encodeProjectRow(row, index, randomUUID()),
    );
    phase = "back-populate";
    const backPopulate = { ...o, reportPeriodId: o.reportPeriodId };
    const deletedSummary = await deleteInfrastructureRows(client, backPopulate);
    const backPopulated = await insertBackPopulatedRows(client, backPopulate);
    phase = "commit";
    await client.query("COMMIT");
    inTransaction = false;
    return {
      deletedProjectRows: deleted.rowCount ?? 0,
      insertedProjectRows: inserted,
      deletedSummaryRows: deletedSummary,
      backPopulatedRows: backPopulated,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => {});
    const detail = (error as { detail?: string }).detail;
    throw new OcpOnAwsWriteError(
      `writing OCP-on-AWS rows to ${o.schema}.${PROJECT_TABLE} failed during ${phase}: ${(error as Error).message}` +
        (detail ? ` (${detail})` : "") +
        (inTransaction ? " (rolled back; existing rows unchanged)" : ""),
      { cause: error },
    );
  }
}
