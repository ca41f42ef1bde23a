/** Reads summary rows back from PostgreSQL in the shape the comparison helpers take. */
import type pg from "pg";
import { NUMERIC_SUMMARY_COLUMNS, SUMMARY_COLUMNS } from "../../src/model.js";
import type { Row } from "../../src/verify/compare.js";

export async function readSummaryRows(client: pg.Client, schema: string, sourceUuid: string): Promise<Row[]> {
  const columns = SUMMARY_COLUMNS.map((c) => `${c}::text AS ${c}`);
  const result = await client.query(
    `SELECT ${columns.join(", ")} FROM "${schema}".reporting_ocpusagelineitem_daily_summary WHERE source_uuid = $1`,
    [sourceUuid],
  );
  return result.rows.map((raw) => {
    const row = {} as Row;
    for (const c of SUMMARY_COLUMNS) {
      const v = raw[c] as string | null;
      row[c] = v === null ? null : NUMERIC_SUMMARY_COLUMNS.has(c) ? Number(v) : v;
    }
    return row;
  });
}

export async function countRows(client: pg.Client, schema: string, sourceUuid: string): Promise<number> {
  const r = await client.query(
    `SELECT count(*)::int AS n FROM "${schema}".reporting_ocpusagelineitem_daily_summary WHERE source_uuid = $1`,
    [sourceUuid],
  );
  return r.rows[0].n;
}
