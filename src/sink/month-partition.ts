/**
 * Building blocks for a month partition of the summary table: locks, catalog look-ups, and the
 * "detached" way of making one — a plain table filled first and attached last.
 *
 * Why detached: `CREATE TABLE ... PARTITION OF` takes an ACCESS EXCLUSIVE lock on the parent (waiting for every
 * writer and blocking every reader queued behind it), while `ATTACH PARTITION` takes only SHARE UPDATE
 * EXCLUSIVE. And rows COPYed into a table without indexes, whose indexes ATTACH then builds in bulk, load about
 * twice as fast as rows inserted through Koku's ten indexes one by one.
 */
import type pg from "pg";
import { qualifiedName, quoteIdent, relationExists } from "./sql.js";
import { monthBounds, monthPartitionName, SUMMARY_TABLE } from "./summary-ddl.js";

export interface MonthBounds {
  from: string;
  to: string;
}

/**
 * Transaction-scoped lock for creating a month partition; taken after the schema lock, never before. It is one
 * lock per table, not per month: two runs attaching partitions of different months at once deadlock on the
 * default partition (seen in the queue tests), so partition creation is serialized per table. Runs whose
 * partition exists never take it.
 */
export async function lockMonthDdl(client: pg.ClientBase, schema: string, _year: number, _month: number) {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:ddl:${schema}.${SUMMARY_TABLE}:partitions`,
  ]);
}

/** Bounds come from validated integers (monthBounds), never from input data; DDL cannot take parameters. */
export function dateLiteral(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`not an ISO date: ${isoDate}`);
  return `'${isoDate}'::date`;
}

interface PartitionBound {
  name: string;
  bound: string;
}

async function listPartitions(client: pg.ClientBase, schema: string): Promise<PartitionBound[]> {
  const result = await client.query<PartitionBound>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.inhparent = to_regclass($1)`,
    [qualifiedName(schema, SUMMARY_TABLE)],
  );
  return result.rows;
}

/** The (quoted, qualified) name of the table's DEFAULT partition, whatever it is called, or null. */
export async function findDefaultPartition(client: pg.ClientBase, schema: string): Promise<string | null> {
  return (await listPartitions(client, schema)).find((p) => p.bound === "DEFAULT")?.name ?? null;
}

const RANGE_BOUND = /^FOR VALUES FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)$/;

/**
 * Whether a non-default partition already overlaps the month. A bound we cannot read (MINVALUE, other
 * types) counts as overlapping, which only makes the caller take the safe path.
 */
export async function monthIsCovered(
  client: pg.ClientBase,
  schema: string,
  bounds: MonthBounds,
): Promise<boolean> {
  for (const { bound } of await listPartitions(client, schema)) {
    if (bound === "DEFAULT") continue;
    const range = RANGE_BOUND.exec(bound);
    if (!range) return true;
    const [, from, to] = range as unknown as [string, string, string];
    if (from < bounds.to && bounds.from < to) return true;
  }
  return false;
}

export async function defaultHoldsMonth(
  client: pg.ClientBase,
  defaultPartition: string,
  bounds: MonthBounds,
): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM ${defaultPartition} WHERE usage_start >= $1::date AND usage_start < $2::date LIMIT 1`,
    [bounds.from, bounds.to],
  );
  return (result.rowCount ?? 0) > 0;
}

const MONTH_CHECK = "ocp_aggregator_month_bounds";

/**
 * Creates `<table>_YYYY_MM` as a plain table shaped like the parent (columns, defaults; no indexes yet), with a
 * CHECK on the month's bounds (rows outside fail at COPY, and ATTACH can skip its validation scan). Rows of the
 * month stranded in the default partition are moved in, since PostgreSQL refuses the partition otherwise.
 */
export async function createDetachedMonthTable(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
): Promise<{ target: string; movedFromDefault: number }> {
  const bounds = monthBounds(year, month);
  const parent = qualifiedName(schema, SUMMARY_TABLE);
  const target = qualifiedName(schema, monthPartitionName(year, month));
  await client.query(`CREATE TABLE ${target} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await client.query(
    `ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(MONTH_CHECK)}
       CHECK (usage_start >= ${dateLiteral(bounds.from)} AND usage_start < ${dateLiteral(bounds.to)})`,
  );
  const defaultPartition = await findDefaultPartition(client, schema);
  let movedFromDefault = 0;
  if (defaultPartition && (await defaultHoldsMonth(client, defaultPartition, bounds))) {
    const columns = (await parentColumns(client, schema)).map(quoteIdent).join(", ");
    const moved = await client.query(
      `WITH moved AS (DELETE FROM ${defaultPartition} WHERE usage_start >= $1::date AND usage_start < $2::date
                      RETURNING ${columns})
       INSERT INTO ${target} (${columns}) SELECT ${columns} FROM moved`,
      [bounds.from, bounds.to],
    );
    movedFromDefault = moved.rowCount ?? 0;
  }
  return { target, movedFromDefault };
}

/** Attaches a table made by createDetachedMonthTable (PostgreSQL builds the parent's indexes on it), then records it for Koku. */
export async function attachMonthTable(client: pg.ClientBase, schema: string, year: number, month: number) {
  const bounds = monthBounds(year, month);
  const partition = monthPartitionName(year, month);
  const target = qualifiedName(schema, partition);
  await client.query(
    `ALTER TABLE ${qualifiedName(schema, SUMMARY_TABLE)} ATTACH PARTITION ${target}
       FOR VALUES FROM (${dateLiteral(bounds.from)}) TO (${dateLiteral(bounds.to)})`,
  );
  // The partition bound now guarantees the same; Koku's partitions carry no such constraint.
  await client.query(`ALTER TABLE ${target} DROP CONSTRAINT ${quoteIdent(MONTH_CHECK)}`);
  await registerKokuPartition(client, schema, partition, bounds);
}

async function parentColumns(client: pg.ClientBase, schema: string): Promise<string[]> {
  const result = await client.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [qualifiedName(schema, SUMMARY_TABLE)],
  );
  return result.rows.map((r) => r.attname);
}

/** Koku tracks partitions in `<schema>.partitioned_tables`; record ours there when that table exists. */
export async function registerKokuPartition(
  client: pg.ClientBase,
  schema: string,
  partition: string,
  bounds: MonthBounds,
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
