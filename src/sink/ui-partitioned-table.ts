/**
 * Koku's partitioned UI summary tables (RANGE on usage_start, monthly partitions `<table>_YYYY_MM` and a
 * `<table>_default`), created where missing. Used for reporting_ocp_gpu_summary_p and reporting_ocp_vm_summary_p;
 * the daily summary has its own, faster path (summary-table.ts, month-partition.ts).
 */
import type pg from "pg";
import { dateLiteral, type MonthBounds, registerKokuPartition } from "./month-partition.js";
import { qualifiedName, quoteIdent, relationExists } from "./sql.js";
import { monthBounds } from "./summary-ddl.js";

export interface UiTableDefinition {
  name: string;
  /** [column, SQL type] in Koku's order; `id uuid NOT NULL` first. */
  columns: readonly (readonly [string, string])[];
  /** Koku's index names: [name, column, method]. */
  indexes: readonly (readonly [string, string, "btree" | "gin"])[];
  /** Extra table constraints (e.g. Koku's unique_together). */
  constraints?: readonly string[];
}

/** The table (partitioned, with a default partition) and the partitions of the months the range touches. */
export async function ensureUiTable(
  client: pg.ClientBase,
  schema: string,
  table: UiTableDefinition,
  startDate: string,
  endDate: string,
): Promise<void> {
  // Creating partitions of one table from two runs at once would deadlock on the default partition.
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:ddl:${schema}.${table.name}:partitions`,
  ]);
  const parent = qualifiedName(schema, table.name);
  if (!(await relationExists(client, schema, table.name))) {
    const columns = table.columns.map(([name, type]) => `${quoteIdent(name)} ${type}`);
    const constraints = [`PRIMARY KEY (usage_start, id)`, ...(table.constraints ?? [])];
    await client.query(
      `CREATE TABLE ${parent} (${[...columns, ...constraints].join(", ")}) PARTITION BY RANGE (usage_start)`,
    );
    for (const [name, column, method] of table.indexes) {
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${parent} USING ${method} (${quoteIdent(column)})`,
      );
    }
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, `${table.name}_default`)} PARTITION OF ${parent} DEFAULT`,
    );
  }
  const partitioned = await client.query(
    "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass($1)",
    [parent],
  );
  if (partitioned.rowCount === 0) return; // a plain table (made by hand or an old Koku): rows go straight in
  for (const { year, month } of monthsOf(startDate, endDate)) {
    const name = `${table.name}_${year}_${String(month).padStart(2, "0")}`;
    if (await relationExists(client, schema, name)) continue;
    const bounds: MonthBounds = monthBounds(year, month);
    if (await rangeIsCovered(client, parent, bounds)) continue;
    await client.query(
      `CREATE TABLE ${qualifiedName(schema, name)} PARTITION OF ${parent}
         FOR VALUES FROM (${dateLiteral(bounds.from)}) TO (${dateLiteral(bounds.to)})`,
    );
    await registerKokuPartition(client, schema, name, bounds);
  }
}

/** True when a partition other than the default already holds the month (a differently named layout). */
async function rangeIsCovered(client: pg.ClientBase, parent: string, bounds: MonthBounds): Promise<boolean> {
  const result = await client.query<{ bound: string }>(
    `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [parent],
  );
  return result.rows.some((r) => r.bound.includes(`FROM ('${bounds.from}')`));
}

function monthsOf(startDate: string, endDate: string): { year: number; month: number }[] {
  const months: { year: number; month: number }[] = [];
  let year = Number(startDate.slice(0, 4));
  let month = Number(startDate.slice(5, 7));
  const lastYear = Number(endDate.slice(0, 4));
  const lastMonth = Number(endDate.slice(5, 7));
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push({ year, month });
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}
