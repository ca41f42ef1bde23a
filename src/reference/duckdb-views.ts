/** Small DuckDB helpers shared by the step renderings (steps-reference.ts, vm-reference.ts). */
import type { DuckDBConnection } from "@duckdb/node-api";

/** A SQL string literal. */
export const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function columnsOf(con: DuckDBConnection, files: string[]): Promise<Set<string>> {
  const r = await con.runAndReadAll(
    `SELECT * FROM read_parquet([${files.map(sqlText).join(", ")}], union_by_name = true) LIMIT 0`,
  );
  return new Set(r.columnNames());
}

/** A view over the files with every wanted column (missing ones as typed NULLs). */
export async function view(
  con: DuckDBConnection,
  name: string,
  files: string[] | undefined,
  columns: Record<string, string>,
): Promise<void> {
  const present = files && files.length > 0 ? await columnsOf(con, files) : new Set<string>();
  const select = Object.entries(columns).map(([c, type]) =>
    present.has(c) ? `CAST("${c}" AS ${type}) AS "${c}"` : `CAST(NULL AS ${type}) AS "${c}"`,
  );
  const from =
    files && files.length > 0
      ? `read_parquet([${files.map(sqlText).join(", ")}], union_by_name = true, hive_partitioning = false)`
      : "(SELECT 1) WHERE false";
  await con.run(`CREATE OR REPLACE VIEW ${name} AS SELECT ${select.join(", ")} FROM ${from}`);
}

export async function rows(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}
