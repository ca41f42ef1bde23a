/**
 * Creating (never dropping) the summary table and its month partitions — in a schema of our own or in a
 * table Koku created (partitioned by its partition manager, or plain).
 *
 * The exported ensure* functions run their own short transaction (call them outside one); the *InTransaction
 * variants run inside the caller's. Both take transaction-scoped advisory locks (schema for the table, schema and
 * month for a partition), so concurrent runs do not race on CREATE ... IF NOT EXISTS (not race-free in PostgreSQL).
 */
import type pg from "pg";
import {
  attachMonthTable,
  createDetachedMonthTable,
  lockMonthDdl,
  monthIsCovered,
} from "./month-partition.js";
import { ensureSchema, qualifiedName, relationExists } from "./sql.js";
import {
  createSummaryIndexesSql,
  createSummaryTableSql,
  DEFAULT_PARTITION,
  monthBounds,
  monthPartitionName,
  SUMMARY_TABLE,
} from "./summary-ddl.js";

export { monthPartitionName, SUMMARY_TABLE } from "./summary-ddl.js";

export interface SummaryTableInfo {
  exists: boolean;
  /** RANGE-partitioned (Koku's layout, and ours) rather than a plain table. */
  partitioned: boolean;
  /** Whether `uuid` has a column default; Koku's own table has none, so writers must supply uuids. */
  uuidHasDefault: boolean;
  /** Column names present, for checking a foreign table before writing to it. */
  columns: string[];
}

export async function inspectSummaryTable(client: pg.ClientBase, schema: string): Promise<SummaryTableInfo> {
  const table = qualifiedName(schema, SUMMARY_TABLE);
  const found = await client.query<{ oid: string | null; partitioned: boolean }>(
    `SELECT c.oid::text AS oid, EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = c.oid) AS partitioned
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [table],
  );
  const row = found.rows[0];
  if (!row) return { exists: false, partitioned: false, uuidHasDefault: false, columns: [] };
  const columns = await client.query<{ attname: string; has_default: boolean }>(
    `SELECT attname, atthasdef AS has_default FROM pg_attribute
      WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [row.oid],
  );
  return {
    exists: true,
    partitioned: row.partitioned,
    uuidHasDefault: columns.rows.some((c) => c.attname === "uuid" && c.has_default),
    columns: columns.rows.map((c) => c.attname),
  };
}

/** Creates the schema, the partitioned table, its default partition and Koku's indexes where missing. */
export async function ensureSummaryTable(client: pg.ClientBase, schema: string): Promise<void> {
  await inOwnTransaction(client, () => ensureSummaryTableInTransaction(client, schema));
}

export async function ensureSummaryTableInTransaction(client: pg.ClientBase, schema: string): Promise<void> {
  await lockSchemaDdl(client, schema);
  if (await relationExists(client, schema, SUMMARY_TABLE)) return;
  await ensureSchema(client, schema);
  await client.query(createSummaryTableSql(schema));
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, DEFAULT_PARTITION)} PARTITION OF ${qualifiedName(schema, SUMMARY_TABLE)} DEFAULT`,
  );
  for (const sql of createSummaryIndexesSql(schema)) await client.query(sql);
}

export type PartitionOutcome =
  /** The table is not partitioned: nothing to do. */
  | "not-partitioned"
  /** A partition of that name exists already. */
  | "exists"
  /** Another partition (of another name) already covers the month. */
  | "covered"
  | "created"
  /** Created, and rows of the month found in the default partition were moved into it. */
  | "created-from-default";

/**
 * Makes sure the month has its own partition `<table>_YYYY_MM` when the table is partitioned; registers it in
 * Koku's `partitioned_tables` bookkeeping table when the schema has one (as Koku's partition manager does).
 */
export async function ensureMonthPartition(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
): Promise<PartitionOutcome> {
  return inOwnTransaction(client, () => ensureMonthPartitionInTransaction(client, schema, year, month));
}

export async function ensureMonthPartitionInTransaction(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
): Promise<PartitionOutcome> {
  const info = await inspectSummaryTable(client, schema);
  if (!info.exists) throw new Error(`table ${schema}.${SUMMARY_TABLE} does not exist`);
  if (!info.partitioned) return "not-partitioned";
  await lockMonthDdl(client, schema, year, month);
  if (await relationExists(client, schema, monthPartitionName(year, month))) return "exists";
  if (await monthIsCovered(client, schema, monthBounds(year, month))) return "covered";
  // Created detached and attached at once: ATTACH locks the parent far more lightly than PARTITION OF.
  const { movedFromDefault } = await createDetachedMonthTable(client, schema, year, month);
  await attachMonthTable(client, schema, year, month);
  return movedFromDefault > 0 ? "created-from-default" : "created";
}

async function inOwnTransaction<T>(client: pg.ClientBase, body: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const value = await body();
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Serializes creation of the schema and table among our runs (transaction-scoped; no-op in autocommit). */
async function lockSchemaDdl(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:ddl:${schema}.${SUMMARY_TABLE}`,
  ]);
}
