/**
 * The re-run write built like the bulk path: the source's month is assembled in an index-free staging table
 * (new rows by COPY, other sources' rows of the month copied across), Koku's indexes are built on it in bulk,
 * and it is exchanged for the month partition inside the run's transaction.
 *
 * Why: re-summarising a month by DELETE + COPY into the indexed partition makes PostgreSQL maintain ten
 * indexes (three GIN on label jsonb) row by row; measured on the 5m preset (260K rows) that is 8.0 s, against
 * 2.1 s for COPY into a bare table plus 3.0 s to build the ten indexes afterwards.
 *
 * Readers: the old partition is untouched until the exchange, which runs under an ACCESS EXCLUSIVE lock on the
 * parent taken with NOWAIT retries (never queued, so a long reader never makes everyone wait behind us, and we
 * are never part of a deadlock cycle) for at most `lockTimeoutMs`, autovacuum being made to yield
 * (table-lock.ts). From then to COMMIT is catalog work only
 * (milliseconds). Readers see the old month or the new one. When the lock is not had in time, the caller
 * falls back to today's path, fed from the staging table.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { dateLiteral, registerKokuPartition } from "./month-partition.js";
import { qualifiedName, quoteIdent } from "./sql.js";
import { monthBounds, monthPartitionName, SUMMARY_TABLE } from "./summary-ddl.js";

export interface SwapRange {
  sourceUuid: string;
  startDate: string;
  endDate: string;
}

/** Rows of the run's source and date range: the rows a run replaces. Parameters $1..$3. */
const OURS = "source_uuid = $1::uuid AND usage_start BETWEEN $2::date AND $3::date";
/** Every other row (NULL source_uuid included). */
const NOT_OURS = "(source_uuid IS DISTINCT FROM $1::uuid OR usage_start NOT BETWEEN $2::date AND $3::date)";
const rangeParams = (r: SwapRange) => [r.sourceUuid, r.startDate, r.endDate];

const STAGING_CHECK = "ocp_aggregator_staging_month";

/**
 * Swapping pays when the rows copied across (other sources') are few beside the rows replaced: its cost grows
 * with the whole month (copy + bulk build ≈ 5.1 s per 260K rows), the in-place path's with the replaced rows
 * only (≈ 8.0 s per 260K). Break-even ≈ 0.7 others per replaced row; 0.5 keeps a margin.
 */
export const MAX_OTHER_ROWS_PER_REPLACED_ROW = 0.5;

export interface MonthRows {
  /** Rows of the run's source and range now in the partition. */
  ours: number;
  others: number;
}

/**
 * The month partition when it can be swapped: a plain table attached to the parent, with no user triggers on
 * it or on the parent (a trigger would not see rows loaded into the staging table). Null otherwise.
 */
export async function swappablePartition(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
): Promise<string | null> {
  const partition = qualifiedName(schema, monthPartitionName(year, month));
  const parent = qualifiedName(schema, SUMMARY_TABLE);
  const found = await client.query<{ ok: boolean }>(
    `SELECT c.relkind = 'r' AND c.relispartition
            AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = to_regclass($2))
            AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                             WHERE t.tgrelid IN (c.oid, to_regclass($2)) AND NOT t.tgisinternal) AS ok
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [partition, parent],
  );
  return found.rows[0]?.ok ? partition : null;
}

export async function countMonthRows(
  client: pg.ClientBase,
  partition: string,
  range: SwapRange,
): Promise<MonthRows> {
  const result = await client.query<{ ours: string; total: string }>(
    `SELECT count(*) FILTER (WHERE ${OURS}) AS ours, count(*) AS total FROM ${partition}`,
    rangeParams(range),
  );
  const ours = Number(result.rows[0]?.ours ?? 0);
  return { ours, others: Number(result.rows[0]?.total ?? 0) - ours };
}

export function swapPays(rows: MonthRows): boolean {
  return rows.others <= rows.ours * MAX_OTHER_ROWS_PER_REPLACED_ROW;
}

/**
 * An index-free table shaped like the parent (columns, defaults, storage), with a CHECK on the month so that
 * ATTACH skips its validation scan. Its name is unique per run: runs of other sources build theirs at once.
 */
export async function createStagingTable(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
): Promise<string> {
  const bounds = monthBounds(year, month);
  const staging = qualifiedName(
    schema,
    `${monthPartitionName(year, month)}_swap_${randomBytes(3).toString("hex")}`,
  );
  await client.query(
    `CREATE TABLE ${staging} (LIKE ${qualifiedName(schema, SUMMARY_TABLE)} INCLUDING ALL EXCLUDING INDEXES)`,
  );
  await client.query(
    `ALTER TABLE ${staging} ADD CONSTRAINT ${quoteIdent(STAGING_CHECK)}
       CHECK (usage_start >= ${dateLiteral(bounds.from)} AND usage_start < ${dateLiteral(bounds.to)})`,
  );
  return staging;
}

/** Copies every row of the partition that the run does not replace into the staging table. */
export async function copyOtherRows(
  client: pg.ClientBase,
  schema: string,
  partition: string,
  staging: string,
  range: SwapRange,
): Promise<number> {
  const columns = (await parentColumns(client, schema)).map(quoteIdent).join(", ");
  const result = await client.query(
    `INSERT INTO ${staging} (${columns}) SELECT ${columns} FROM ${partition} WHERE ${NOT_OURS}`,
    rangeParams(range),
  );
  return result.rowCount ?? 0;
}

/**
 * The fallback: today's path (DELETE the run's rows, insert the new ones through the indexes), fed from the
 * staging table, which is then dropped. Returns the rows deleted.
 */
export async function replaceFromStaging(
  client: pg.ClientBase,
  schema: string,
  staging: string,
  range: SwapRange,
  expectedRows: number,
): Promise<number> {
  const parent = qualifiedName(schema, SUMMARY_TABLE);
  const deleted = await client.query(`DELETE FROM ${parent} WHERE ${OURS}`, rangeParams(range));
  const columns = (await parentColumns(client, schema)).map(quoteIdent).join(", ");
  const inserted = await client.query(
    `INSERT INTO ${parent} (${columns}) SELECT ${columns} FROM ${staging} WHERE ${OURS}`,
    rangeParams(range),
  );
  if ((inserted.rowCount ?? 0) !== expectedRows) {
    // Every new row carries the run's source and a date in its range; anything else is a bug upstream.
    throw new Error(
      `staging table held ${expectedRows} new rows but ${inserted.rowCount} match the run's source and dates`,
    );
  }
  await client.query(`DROP TABLE ${staging}`);
  return deleted.rowCount ?? 0;
}

export interface IndexBuildSettings {
  /** maintenance_work_mem for the builds, in MB (GIN builds gather entries in it). */
  memoryMb: number;
  /** max_parallel_maintenance_workers for the builds (B-tree builds only; 0 = the backend alone). */
  workers: number;
}

/**
 * The transaction-local settings of a bulk index build. Parallel workers default to none: measured on the 1m
 * preset's 52K rows (2 cores), 2 workers cost 2.06 s of server CPU against 1.21 s without, for no wall gain.
 */
export async function setIndexBuildSettings(
  client: pg.ClientBase,
  settings: IndexBuildSettings,
): Promise<void> {
  await client.query(`SET LOCAL maintenance_work_mem = '${Math.max(1, Math.floor(settings.memoryMb))}MB'`);
  await client.query(
    `SET LOCAL max_parallel_maintenance_workers = ${Math.max(0, Math.floor(settings.workers))}`,
  );
}

/**
 * Builds on the staging table an index for each of the parent's (constraint indexes as constraints, so ATTACH
 * adopts them instead of building its own), under transaction-local settings (setIndexBuildSettings). An
 * index whose definition we cannot
 * re-target is left to ATTACH, which builds it the same way.
 */
export async function buildIndexes(
  client: pg.ClientBase,
  schema: string,
  staging: string,
  settings: IndexBuildSettings,
): Promise<number> {
  await setIndexBuildSettings(client, settings);
  const indexes = await client.query<{
    name: string;
    def: string;
    relation: string;
    contype: string | null;
    condef: string | null;
  }>(
    `SELECT quote_ident(ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS def,
            quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS relation,
            c.contype::text AS contype, pg_get_constraintdef(c.oid) AS condef
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
      WHERE i.indrelid = to_regclass($1)
      ORDER BY ic.relname`,
    [qualifiedName(schema, SUMMARY_TABLE)],
  );
  const tag = randomBytes(3).toString("hex");
  let built = 0;
  for (const [n, index] of indexes.rows.entries()) {
    const name = quoteIdent(`ocp_aggregator_${tag}_${n}`);
    if (index.contype === "p" || index.contype === "u") {
      await client.query(`ALTER TABLE ${staging} ADD CONSTRAINT ${name} ${index.condef}`);
      built++;
      continue;
    }
    if (index.contype !== null) continue;
    for (const unique of ["", "UNIQUE "]) {
      const prefix = `CREATE ${unique}INDEX ${index.name} ON ONLY ${index.relation} USING `;
      if (!index.def.startsWith(prefix)) continue;
      await client.query(
        `CREATE ${unique}INDEX ${name} ON ${staging} USING ${index.def.slice(prefix.length)}`,
      );
      built++;
    }
  }
  return built;
}

/**
 * Exchanges the staging table for the month partition; the caller holds ACCESS EXCLUSIVE on the parent.
 * The new partition takes the old one's name and index names, so Koku (and its partitioned_tables record)
 * see the same relation names as before.
 */
export async function exchangePartition(
  client: pg.ClientBase,
  schema: string,
  year: number,
  month: number,
  staging: string,
): Promise<void> {
  const bounds = monthBounds(year, month);
  const parent = qualifiedName(schema, SUMMARY_TABLE);
  const name = monthPartitionName(year, month);
  const partition = qualifiedName(schema, name);
  // Which parent index each old partition index belongs to, to give the new ones the same names.
  const oldNames = await client.query<{ parent_index: string; name: string }>(
    `SELECT pi.inhparent::text AS parent_index, ci.relname AS name
       FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
       JOIN pg_inherits pi ON pi.inhrelid = i.indexrelid
      WHERE i.indrelid = to_regclass($1)`,
    [partition],
  );
  await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition}`);
  await client.query(
    `ALTER TABLE ${parent} ATTACH PARTITION ${staging}
       FOR VALUES FROM (${dateLiteral(bounds.from)}) TO (${dateLiteral(bounds.to)})`,
  );
  await client.query(`DROP TABLE ${partition}`);
  await client.query(`ALTER TABLE ${staging} RENAME TO ${quoteIdent(name)}`);
  await client.query(`ALTER TABLE ${partition} DROP CONSTRAINT ${quoteIdent(STAGING_CHECK)}`);
  const newNames = await client.query<{ parent_index: string; name: string }>(
    `SELECT pi.inhparent::text AS parent_index, ci.relname AS name
       FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
       JOIN pg_inherits pi ON pi.inhrelid = i.indexrelid
      WHERE i.indrelid = to_regclass($1)`,
    [partition],
  );
  const byParent = new Map(oldNames.rows.map((r) => [r.parent_index, r.name]));
  for (const index of newNames.rows) {
    const old = byParent.get(index.parent_index);
    if (old && old !== index.name) {
      await client.query(`ALTER INDEX ${qualifiedName(schema, index.name)} RENAME TO ${quoteIdent(old)}`);
    }
  }
  await registerKokuPartition(client, schema, name, bounds);
}

async function parentColumns(client: pg.ClientBase, schema: string): Promise<string[]> {
  const result = await client.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [qualifiedName(schema, SUMMARY_TABLE)],
  );
  return result.rows.map((r) => r.attname);
}
