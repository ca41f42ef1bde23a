/**
 * Creating (never dropping) the summary table and its month partitions — in a schema of our own or in a
 * table Koku created (partitioned by its partition manager, or plain).
 *
 * The exported ensure* functions run their own short transaction (call them outside one); the *InTransaction
 * variants run inside the caller's. Both take a transaction-scoped advisory lock on the schema's DDL, so
 * concurrent runs do not race on CREATE ... IF NOT EXISTS (which is not race-free in PostgreSQL).
 */
import type pg from "pg";
import { qualifiedName, quoteIdent, relationExists, sqlState, withSavepoint } from "./sql.js";
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
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
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
  const bounds = monthBounds(year, month);
  await lockSchemaDdl(client, schema);
  const info = await inspectSummaryTable(client, schema);
  if (!info.exists) throw new Error(`table ${schema}.${SUMMARY_TABLE} does not exist`);
  if (!info.partitioned) return "not-partitioned";
  const partition = monthPartitionName(year, month);
  if (await relationExists(client, schema, partition)) return "exists";

  const defaultPartition = await findDefaultPartition(client, schema);
  const stranded = defaultPartition ? await defaultHoldsMonth(client, defaultPartition, bounds) : false;
  let outcome: PartitionOutcome;
  if (stranded && defaultPartition) {
    await createFromDefault(client, schema, partition, defaultPartition, bounds);
    outcome = "created-from-default";
  } else {
    try {
      await withSavepoint(client, () =>
        client.query(
          `CREATE TABLE ${qualifiedName(schema, partition)} PARTITION OF ${qualifiedName(schema, SUMMARY_TABLE)} ` +
            `FOR VALUES FROM (${dateLiteral(bounds.from)}) TO (${dateLiteral(bounds.to)})`,
        ),
      );
      outcome = "created";
    } catch (error) {
      // 42P17: "partition ... would overlap partition ..." — some other partition already holds this month.
      if (sqlState(error) === "42P17") return "covered";
      throw error;
    }
  }
  await registerKokuPartition(client, schema, partition, bounds);
  return outcome;
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

/** Serializes DDL on one schema's summary table among our runs (transaction-scoped; no-op in autocommit). */
async function lockSchemaDdl(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:ddl:${schema}.${SUMMARY_TABLE}`,
  ]);
}

/** Bounds come from validated integers (monthBounds), never from input data; DDL cannot take parameters. */
function dateLiteral(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`not an ISO date: ${isoDate}`);
  return `'${isoDate}'::date`;
}

/** The qualified name of the table's DEFAULT partition, whatever it is called, or null. */
async function findDefaultPartition(client: pg.ClientBase, schema: string): Promise<string | null> {
  const result = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.inhparent = to_regclass($1) AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'`,
    [qualifiedName(schema, SUMMARY_TABLE)],
  );
  const row = result.rows[0];
  return row ? qualifiedName(row.schema, row.name) : null;
}

async function defaultHoldsMonth(
  client: pg.ClientBase,
  defaultPartition: string,
  bounds: { from: string; to: string },
): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM ${defaultPartition} WHERE usage_start >= $1::date AND usage_start < $2::date LIMIT 1`,
    [bounds.from, bounds.to],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * PostgreSQL refuses a new partition whose range has rows in the default partition: build the partition as
 * a plain table, move those rows over, then attach it.
 */
async function createFromDefault(
  client: pg.ClientBase,
  schema: string,
  partition: string,
  defaultPartition: string,
  bounds: { from: string; to: string },
): Promise<void> {
  const parent = qualifiedName(schema, SUMMARY_TABLE);
  const target = qualifiedName(schema, partition);
  const columns = (await inspectSummaryTable(client, schema)).columns.map(quoteIdent).join(", ");
  await client.query(`CREATE TABLE ${target} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await client.query(
    `WITH moved AS (DELETE FROM ${defaultPartition} WHERE usage_start >= $1::date AND usage_start < $2::date
                    RETURNING ${columns})
     INSERT INTO ${target} (${columns}) SELECT ${columns} FROM moved`,
    [bounds.from, bounds.to],
  );
  await client.query(
    `ALTER TABLE ${parent} ATTACH PARTITION ${target} FOR VALUES FROM (${dateLiteral(bounds.from)}) TO (${dateLiteral(bounds.to)})`,
  );
}

/** Koku tracks partitions in `<schema>.partitioned_tables`; record ours there when that table exists. */
async function registerKokuPartition(
  client: pg.ClientBase,
  schema: string,
  partition: string,
  bounds: { from: string; to: string },
): Promise<void> {
  if (!(await relationExists(client, schema, "partitioned_tables"))) return;
  await client.query(
    `INSERT INTO ${qualifiedName(schema, "partitioned_tables")}
       (schema_name, table_name, partition_of_table_name, partition_type, partition_col, partition_parameters)
     VALUES ($1, $2, $3, 'range', 'usage_start', jsonb_build_object('default', false, 'from', $4::text, 'to', $5::text))
     ON CONFLICT (schema_name, table_name) DO NOTHING`,
    [schema, partition, SUMMARY_TABLE, bounds.from, bounds.to],
  );
}
