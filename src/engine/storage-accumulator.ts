/**
 * Streams storage_usage rows into groups keyed (day, namespace, pod, claim, volume, storage class, CSI handle,
 * volume label text, claim label text): max capacity bytes and the three byte-second sums. Also records which
 * (day, namespace, pod) the claims reference, so the pod pass keeps volume-node state only for those pods.
 */
import { doubles, type RowGroupBatch, strings, timestamps } from "./batch.js";
import { ExactSums } from "./exact-sum.js";
import { MaxColumn } from "./max-column.js";
import { TupleMap } from "./tuple-map.js";
import { MS_PER_DAY } from "./values.js";

export const STORAGE_SUMS = 3; // capacity byte-seconds, request byte-seconds, usage byte-seconds
export enum StorageKey {
  Day = 0,
  Namespace = 1,
  Pod = 2,
  Claim = 3,
  Volume = 4,
  StorageClass = 5,
  CsiHandle = 6,
  VolumeLabels = 7,
  ClaimLabels = 8,
}

const SUMMED = [
  "persistentvolumeclaim_capacity_byte_seconds",
  "volume_request_storage_byte_seconds",
  "persistentvolumeclaim_usage_byte_seconds",
] as const;

export class StorageAccumulator {
  readonly groups = new TupleMap(9, 1024);
  readonly sums = new ExactSums(1024 * STORAGE_SUMS);
  readonly capacityBytes = new MaxColumn(1024);
  readonly claims = new TupleMap(3, 1024);
  rowsIn = 0;
  rowsInRange = 0;

  constructor(
    private readonly startMs: number,
    private readonly endMs: number,
  ) {}

  add(batch: RowGroupBatch): void {
    const n = batch.numRows;
    const interval = timestamps(batch, "interval_start");
    const keyColumns = [
      strings(batch, "namespace"),
      strings(batch, "pod"),
      strings(batch, "persistentvolumeclaim"),
      strings(batch, "persistentvolume"),
      strings(batch, "storageclass"),
      strings(batch, "csi_volume_handle"),
      strings(batch, "persistentvolume_labels"),
      strings(batch, "persistentvolumeclaim_labels"),
    ];
    const capacity = doubles(batch, "persistentvolumeclaim_capacity_bytes");
    const summed = SUMMED.map((name) => doubles(batch, name));
    const key = new Int32Array(9);
    this.rowsIn += n;
    for (let i = 0; i < n; i++) {
      const ms = interval[i];
      if (!(ms >= this.startMs && ms < this.endMs)) continue;
      this.rowsInRange++;
      const day = Math.floor(ms / MS_PER_DAY);
      key[0] = day;
      for (let k = 0; k < keyColumns.length; k++) key[k + 1] = keyColumns[k][i];
      const g = this.groups.getOrAdd(key);
      this.sums.ensure((g + 1) * STORAGE_SUMS);
      this.capacityBytes.ensure(g + 1);
      if (capacity.nulls === null || capacity.nulls[i] === 0) this.capacityBytes.add(g, capacity.values[i]);
      for (let m = 0; m < STORAGE_SUMS; m++) {
        const col = summed[m];
        if (col.nulls === null || col.nulls[i] === 0) this.sums.add(g * STORAGE_SUMS + m, col.values[i]);
      }
      key[1] = keyColumns[0][i];
      key[2] = keyColumns[1][i];
      this.claims.getOrAdd(key);
    }
  }

  get bytes(): number {
    return this.groups.bytes + this.sums.bytes + this.capacityBytes.bytes + this.claims.bytes;
  }
}
