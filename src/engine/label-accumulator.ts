/** Collects the distinct label texts per (day, node) or (day, namespace) from node_labels / namespace_labels rows. */
import { type RowGroupBatch, strings, timestamps } from "./batch.js";
import { TupleMap } from "./tuple-map.js";
import { MS_PER_DAY } from "./values.js";

export class LabelAccumulator {
  /** (day, entity, label text id) — distinct rows. */
  readonly rows = new TupleMap(3, 1024);
  rowsIn = 0;

  constructor(
    private readonly entityColumn: "node" | "namespace",
    private readonly labelColumn: "node_labels" | "namespace_labels",
    private readonly startMs: number,
    private readonly endMs: number,
  ) {}

  add(batch: RowGroupBatch): void {
    const interval = timestamps(batch, "interval_start");
    const entity = strings(batch, this.entityColumn);
    const labels = strings(batch, this.labelColumn);
    const key = new Int32Array(3);
    this.rowsIn += batch.numRows;
    for (let i = 0; i < batch.numRows; i++) {
      const ms = interval[i];
      if (!(ms >= this.startMs && ms < this.endMs)) continue;
      key[0] = Math.floor(ms / MS_PER_DAY);
      key[1] = entity[i];
      key[2] = labels[i];
      this.rows.getOrAdd(key);
    }
  }
}
