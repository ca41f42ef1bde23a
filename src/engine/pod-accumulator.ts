/**
 * Streams pod_usage rows into per-group state:
 * - pod groups keyed (day, namespace, node, pod label text): the eight usage sums, max resource id, max node
 *   cores / memory. The pod is not part of the key (spec §5.1); labels are filtered/merged at finish, once per
 *   distinct text.
 * - node capacity keyed (day, second of day, node): max per interval (hourly rows only, spec §5.2).
 * - volume nodes for pods that storage rows claim: (day, namespace, pod, node, labels) → max resource id.
 * - node-role facts keyed (node, resource id) when roles are derived from the data (spec §2.5, Koku's nodes query).
 */
import { type KokuSqlFlavor, POD_USAGE_MEASURES } from "../model.js";
import { doubles, type RowGroupBatch, strings, timestamps } from "./batch.js";
import { ExactSums } from "./exact-sum.js";
import type { Interner } from "./interner.js";
import { MaxColumn } from "./max-column.js";
import { TupleMap } from "./tuple-map.js";
import { compareCodePoints, MS_PER_DAY } from "./values.js";

export const POD_MEASURES = 8;
/** Input columns summed into the eight measures (the effective ones are derived; see slotOf). */
const USAGE = POD_USAGE_MEASURES;

export interface PodContext {
  startMs: number;
  endMs: number;
  flavor: KokuSqlFlavor;
  interner: Interner;
  /** (day, namespace, pod) triples that storage rows reference; pods outside it need no volume-node state. */
  claims: TupleMap;
  deriveRoles: boolean;
}

export class PodAccumulator {
  readonly groups = new TupleMap(4, 4096);
  readonly sums = new ExactSums(4096 * POD_MEASURES);
  resource = new Int32Array(4096).fill(-1);
  readonly cores = new MaxColumn(4096);
  readonly memoryBytes = new MaxColumn(4096);

  readonly capacity = new TupleMap(3, 4096);
  readonly capacityCpu = new MaxColumn(4096);
  readonly capacityMemory = new MaxColumn(4096);
  sawHourly = false;

  readonly volumeNodes = new TupleMap(5, 1024);
  volumeNodeResource = new Int32Array(1024).fill(-1);

  readonly roleFacts = new TupleMap(2, 1024);
  roleFactRole = new Int32Array(1024).fill(-1);
  roleFactApiserver = new Uint8Array(1024);

  rowsIn = 0;
  rowsInRange = 0;

  constructor(private readonly ctx: PodContext) {}

  add(batch: RowGroupBatch, hourly: boolean): void {
    const { ctx } = this;
    const n = batch.numRows;
    const interval = timestamps(batch, "interval_start");
    const namespace = strings(batch, "namespace");
    const node = strings(batch, "node");
    const pod = strings(batch, "pod");
    const resource = strings(batch, "resource_id");
    const labels = strings(batch, "pod_labels");
    const measures = USAGE.map((name) => doubles(batch, name));
    const [useCpu, reqCpu, , useMem, reqMem] = measures;
    const effCpu = doubles(batch, "pod_effective_usage_cpu_core_seconds");
    const effMem = doubles(batch, "pod_effective_usage_memory_byte_seconds");
    const cores = doubles(batch, "node_capacity_cpu_cores");
    const memBytes = doubles(batch, "node_capacity_memory_bytes");
    const capCpu = doubles(batch, "node_capacity_cpu_core_seconds");
    const capMem = doubles(batch, "node_capacity_memory_byte_seconds");
    const role = ctx.deriveRoles ? strings(batch, "node_role") : null;
    const emptyId = ctx.interner.intern("");
    const apiserverId = ctx.interner.intern("openshift-kube-apiserver");
    // Hourly rows: Koku derives the daily effective usage with pandas max(axis=1), which skips a null
    // (spec §2.4). Daily rows: the SQL's greatest(), null-strict in Trino, null-skipping in PostgreSQL.
    const strictGreatest = ctx.flavor === "trino" && !hourly;
    const key = new Int32Array(5);
    const slotOf = [0, 1, 3, 4, 5, 7]; // USAGE index → measure slot (2 and 6 are the effective sums)
    this.rowsIn += n;
    if (hourly) this.sawHourly = true;
    const claimedPods = this.claimedPods();
    let lastCapacity = -1;
    let lastDay = -1;
    let lastSecond = -1;
    let lastNode = -2;

    for (let i = 0; i < n; i++) {
      const ms = interval[i];
      if (!(ms >= ctx.startMs && ms < ctx.endMs)) continue; // NaN (null) fails too
      this.rowsInRange++;
      const day = Math.floor(ms / MS_PER_DAY);
      const nodeId = node[i];

      if (hourly) {
        // Rows come grouped by interval and node more often than not: skip the hash lookup on a repeat.
        const second = Math.floor((ms - day * MS_PER_DAY) / 1000);
        let c = lastCapacity;
        if (day !== lastDay || second !== lastSecond || nodeId !== lastNode) {
          key[0] = day;
          key[1] = second;
          key[2] = nodeId;
          c = this.capacity.getOrAdd(key);
          this.capacityCpu.ensure(c + 1);
          this.capacityMemory.ensure(c + 1);
          lastCapacity = c;
          lastDay = day;
          lastSecond = second;
          lastNode = nodeId;
        }
        if (capCpu.nulls === null || capCpu.nulls[i] === 0) this.capacityCpu.add(c, capCpu.values[i]);
        if (capMem.nulls === null || capMem.nulls[i] === 0) this.capacityMemory.add(c, capMem.values[i]);
      }

      if (claimedPods !== null && pod[i] >= 0 && claimedPods[pod[i]] === 1) {
        key[0] = day;
        key[1] = namespace[i];
        key[2] = pod[i];
        if (this.ctx.claims.get(key) >= 0) {
          key[3] = nodeId;
          key[4] = labels[i];
          const v = this.volumeNodes.getOrAdd(key);
          if (v >= this.volumeNodeResource.length)
            this.volumeNodeResource = growInt(this.volumeNodeResource, v + 1);
          this.volumeNodeResource[v] = this.maxText(this.volumeNodeResource[v], resource[i]);
        }
      }

      if (role) {
        key[0] = nodeId;
        key[1] = resource[i];
        const r = this.roleFacts.getOrAdd(key);
        if (r >= this.roleFactRole.length) {
          this.roleFactRole = growInt(this.roleFactRole, r + 1);
          const grown = new Uint8Array(this.roleFactRole.length);
          grown.set(this.roleFactApiserver);
          this.roleFactApiserver = grown;
        }
        this.roleFactRole[r] = this.maxText(this.roleFactRole[r], role[i]);
        if (namespace[i] === apiserverId) this.roleFactApiserver[r] = 1;
      }

      if (nodeId < 0 || nodeId === emptyId) continue; // spec §9.4: no pod row without a node

      key[0] = day;
      key[1] = namespace[i];
      key[2] = nodeId;
      key[3] = labels[i];
      const g = this.groups.getOrAdd(key);
      if (g >= this.resource.length) {
        this.resource = growInt(this.resource, g + 1);
        this.sums.ensure(this.resource.length * POD_MEASURES);
        this.cores.ensure(this.resource.length);
        this.memoryBytes.ensure(this.resource.length);
      }
      const base = g * POD_MEASURES;
      for (let m = 0; m < USAGE.length; m++) {
        const col = measures[m];
        if (col.nulls === null || col.nulls[i] === 0) this.sums.add(base + slotOf[m], col.values[i]);
      }
      addEffective(this.sums, base + 2, effCpu, useCpu, reqCpu, i, strictGreatest);
      addEffective(this.sums, base + 6, effMem, useMem, reqMem, i, strictGreatest);
      this.resource[g] = this.maxText(this.resource[g], resource[i]);
      if (cores.nulls === null || cores.nulls[i] === 0) this.cores.add(g, cores.values[i]);
      if (memBytes.nulls === null || memBytes.nulls[i] === 0) this.memoryBytes.add(g, memBytes.values[i]);
    }
  }

  /** Node capacity alone from hourly pod rows, when the pod rows themselves come from daily files. */
  addCapacity(batch: RowGroupBatch): void {
    const { ctx } = this;
    const interval = timestamps(batch, "interval_start");
    const node = strings(batch, "node");
    const capCpu = doubles(batch, "node_capacity_cpu_core_seconds");
    const capMem = doubles(batch, "node_capacity_memory_byte_seconds");
    const key = new Int32Array(3);
    let last = -1;
    let lastMs = Number.NaN;
    let lastNode = -2;
    this.sawHourly = true;
    for (let i = 0; i < batch.numRows; i++) {
      const ms = interval[i];
      if (!(ms >= ctx.startMs && ms < ctx.endMs)) continue;
      const nodeId = node[i];
      let c = last;
      if (ms !== lastMs || nodeId !== lastNode) {
        const day = Math.floor(ms / MS_PER_DAY);
        key[0] = day;
        key[1] = Math.floor((ms - day * MS_PER_DAY) / 1000);
        key[2] = nodeId;
        c = this.capacity.getOrAdd(key);
        this.capacityCpu.ensure(c + 1);
        this.capacityMemory.ensure(c + 1);
        last = c;
        lastMs = ms;
        lastNode = nodeId;
      }
      if (capCpu.nulls === null || capCpu.nulls[i] === 0) this.capacityCpu.add(c, capCpu.values[i]);
      if (capMem.nulls === null || capMem.nulls[i] === 0) this.capacityMemory.add(c, capMem.values[i]);
    }
  }

  /** Pod ids that storage claims reference (quick pre-check before the (day, namespace, pod) lookup). */
  private claimedPods(): Uint8Array | null {
    const claims = this.ctx.claims;
    if (claims.size === 0) return null;
    if (this.claimedPodIds && this.claimedPodCount === claims.size) return this.claimedPodIds;
    const ids = new Uint8Array(this.ctx.interner.size + 1);
    for (let c = 0; c < claims.size; c++) {
      const pod = claims.keyOf(c, 2);
      if (pod >= 0) ids[pod] = 1;
    }
    this.claimedPodIds = ids;
    this.claimedPodCount = claims.size;
    return ids;
  }
  private claimedPodIds: Uint8Array | null = null;
  private claimedPodCount = 0;

  /** max() of two interned strings by code point; -1 is null. */
  private maxText(current: number, candidate: number): number {
    if (candidate < 0 || candidate === current) return current;
    if (current < 0) return candidate;
    const s = this.ctx.interner.strings;
    return compareCodePoints(s[candidate], s[current]) > 0 ? candidate : current;
  }

  get bytes(): number {
    return (
      this.groups.bytes +
      this.sums.bytes +
      this.resource.byteLength +
      this.cores.bytes +
      this.memoryBytes.bytes +
      this.capacity.bytes +
      this.capacityCpu.bytes +
      this.capacityMemory.bytes +
      this.volumeNodes.bytes +
      this.volumeNodeResource.byteLength +
      this.roleFacts.bytes +
      this.roleFactRole.byteLength
    );
  }
}

/** coalesce(effective, greatest(usage, request)); a strict greatest is null if an argument is null, else nulls are skipped. */
function addEffective(
  sums: ExactSums,
  slot: number,
  eff: { values: Float64Array; nulls: Uint8Array | null },
  use: { values: Float64Array; nulls: Uint8Array | null },
  req: { values: Float64Array; nulls: Uint8Array | null },
  i: number,
  strict: boolean,
): void {
  if (eff.nulls === null || eff.nulls[i] === 0) {
    sums.add(slot, eff.values[i]);
    return;
  }
  const hasUse = use.nulls === null || use.nulls[i] === 0;
  const hasReq = req.nulls === null || req.nulls[i] === 0;
  if (hasUse && hasReq) {
    const u = use.values[i];
    const r = req.values[i];
    sums.add(slot, Number.isNaN(u) || Number.isNaN(r) ? Number.NaN : u > r ? u : r);
  } else if (!strict && (hasUse || hasReq)) {
    sums.add(slot, hasUse ? use.values[i] : req.values[i]);
  }
}

export function growInt(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  let cap = array.length;
  while (cap < size) cap *= 2;
  const next = new Int32Array(cap).fill(-1);
  next.set(array);
  return next;
}
