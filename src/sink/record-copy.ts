/**
 * COPY of plain records (the GPU and VM rows; the summary has its own hand-unrolled encoder): each column is
 * text (JSON text and dates included), a number, or a text array, in PostgreSQL's COPY text format.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { encodeCopyNumber, escapeCopyText } from "./copy-encoding.js";
import { copyRowsIn } from "./copy-stream.js";
import { quoteIdent } from "./sql.js";

export type RecordColumnKind = "text" | "number" | "text[]";

export interface RecordColumn {
  name: string;
  kind: RecordColumnKind;
}

/** COPYs `rows` into `table` (already qualified) with a fresh uuid in `idColumn`; returns the row count. */
export async function copyRecords<T extends object>(
  client: pg.ClientBase,
  table: string,
  idColumn: string,
  columns: readonly RecordColumn[],
  rows: Iterable<T>,
): Promise<number> {
  const names = [idColumn, ...columns.map((c) => c.name)].map(quoteIdent).join(", ");
  const sql = `COPY ${table} (${names}) FROM STDIN WITH (FORMAT text)`;
  return copyRowsIn(client, sql, rows, (row, index) => {
    const record = row as Record<string, unknown>;
    const fields: string[] = [randomUUID()];
    for (const column of columns) fields.push(encodeField(record[column.name], column, index));
    return `${fields.join("\t")}\n`;
  });
}

function encodeField(value: unknown, column: RecordColumn, index: number): string {
  if (value === null || value === undefined) return "\\N";
  if (column.kind === "number") return encodeCopyNumber(value as number, column.name, index);
  if (column.kind === "text[]") {
    // Array literal: every element quoted, `"` and `\` escaped inside; then COPY's own escaping.
    const items = (value as (string | null)[]).map((v) =>
      v === null ? "NULL" : `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`,
    );
    return escapeCopyText(`{${items.join(",")}}`, column.name, index);
  }
  return escapeCopyText(String(value), column.name, index);
}
