/** Typed access to the decoded columns of one row group, as the engine consumes them. */
import type { DecodedColumn, RowGroupBatch } from "../model.js";

export type { RowGroupBatch } from "../model.js";

function column(batch: RowGroupBatch, name: string, kind: DecodedColumn["kind"]): DecodedColumn {
  const col = batch.columns.get(name);
  if (!col || col.kind !== kind) {
    throw new Error(`${batch.location}, row group ${batch.rowGroup}: column ${name} was not read as ${kind}`);
  }
  return col;
}

export function strings(batch: RowGroupBatch, name: string): Int32Array {
  return (column(batch, name, "string") as { ids: Int32Array }).ids;
}

export interface DoubleColumn {
  values: Float64Array;
  nulls: Uint8Array | null;
}

export function doubles(batch: RowGroupBatch, name: string): DoubleColumn {
  return column(batch, name, "double") as DoubleColumn & { kind: "double" };
}

export function timestamps(batch: RowGroupBatch, name: string): Float64Array {
  return (column(batch, name, "timestamp") as { millis: Float64Array }).millis;
}
