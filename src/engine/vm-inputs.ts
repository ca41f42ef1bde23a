/**
 * The Parquet side of Koku's VM temporary table (ocp-inventory-gpu-vm.md §4), no I/O:
 *  - with a vm_usage report: trino_sql|self_hosted_sql/openshift/populate_vm_tmp_table_with_vm_report.sql —
 *    the VMs running at the partition's latest hourly instant (the run's date range plays no part), each with
 *    every claim name its VM name has in any hourly row of the partition;
 *  - without: the (claim, VM) pairs of populate_vm_tmp_table.sql's PVC subquery (daily storage rows joined to
 *    daily pod rows on the pod name only, claim not empty, pod label vm_kubevirt_io_name present). The other
 *    half of that query reads the daily summary and runs in PostgreSQL (sink/vm-summary-table.ts).
 */
import { doubles, type RowGroupBatch, strings, timestamps } from "./batch.js";
import type { Interner } from "./interner.js";
import { compareCodePoints } from "./values.js";

export interface VmTmpRow {
  vm_name: string;
  node: string | null;
  pvc_name: string | null;
  cpu_request: number | null;
  mem_request: number | null;
}

export interface VmPvcPair {
  vm_name: string;
  pvc_name: string;
}

const VM_LABEL = "vm_kubevirt_io_name";

/** populate_vm_tmp_table_with_vm_report.sql over the hourly vm_usage rows of the partition. */
export class VmReportAccumulator {
  private latest = Number.NEGATIVE_INFINITY;
  /** (vm, node) → max cpu cores / memory bytes at the latest instant. */
  private atLatest = new Map<string, { vm: number; node: number; cpu: number | null; mem: number | null }>();
  private readonly claims = new Map<number, Set<number>>();

  constructor(private readonly interner: Interner) {}

  /** vm_usage: interval_start, vm_name, node, vm_cpu_request_cores, vm_memory_request_bytes, vm_persistentvolumeclaim_name. */
  add(batch: RowGroupBatch): void {
    const at = timestamps(batch, "interval_start");
    const vm = strings(batch, "vm_name");
    const node = strings(batch, "node");
    const cpu = doubles(batch, "vm_cpu_request_cores");
    const mem = doubles(batch, "vm_memory_request_bytes");
    const claim = strings(batch, "vm_persistentvolumeclaim_name");
    for (let i = 0; i < batch.numRows; i++) {
      if (vm[i] >= 0) {
        let set = this.claims.get(vm[i]);
        if (!set) {
          set = new Set();
          this.claims.set(vm[i], set);
        }
        set.add(claim[i]);
      }
      if (Number.isNaN(at[i]) || at[i] < this.latest) continue;
      if (at[i] > this.latest) {
        this.latest = at[i];
        this.atLatest = new Map();
      }
      const key = `${vm[i]}:${node[i]}`;
      let entry = this.atLatest.get(key);
      if (!entry) {
        entry = { vm: vm[i], node: node[i], cpu: null, mem: null };
        this.atLatest.set(key, entry);
      }
      if (cpu.nulls?.[i] !== 1 && (entry.cpu === null || cpu.values[i] > entry.cpu))
        entry.cpu = cpu.values[i];
      if (mem.nulls?.[i] !== 1 && (entry.mem === null || mem.values[i] > entry.mem))
        entry.mem = mem.values[i];
    }
  }

  finish(): VmTmpRow[] {
    const rows: VmTmpRow[] = [];
    for (const entry of this.atLatest.values()) {
      if (entry.vm < 0) continue; // the join on vm_name never matches a null name
      for (const claim of this.claims.get(entry.vm) ?? []) {
        rows.push({
          vm_name: this.interner.text(entry.vm) as string,
          node: this.interner.text(entry.node),
          pvc_name: this.interner.text(claim),
          cpu_request: entry.cpu === null ? null : entry.cpu * 24,
          mem_request: entry.mem === null ? null : entry.mem * 2 ** -30 * 24,
        });
      }
    }
    return rows.sort(
      (a, b) =>
        compareCodePoints(a.vm_name, b.vm_name) ||
        compareNullable(a.node, b.node) ||
        compareNullable(a.pvc_name, b.pvc_name),
    );
  }
}

/** The PVC subquery of populate_vm_tmp_table.sql over the daily pod and storage rows of the partition. */
export class VmPodClaimsAccumulator {
  private readonly claimsByPod = new Map<number, Set<number>>();
  private readonly vmsByPod = new Map<number, Set<number>>();
  private readonly vmOfText = new Map<number, number>();

  constructor(private readonly interner: Interner) {}

  /** storage_usage: pod, persistentvolumeclaim. */
  addStorage(batch: RowGroupBatch): void {
    const pod = strings(batch, "pod");
    const claim = strings(batch, "persistentvolumeclaim");
    const empty = this.interner.intern("");
    for (let i = 0; i < batch.numRows; i++) {
      if (pod[i] < 0 || claim[i] < 0 || claim[i] === empty) continue;
      addTo(this.claimsByPod, pod[i], claim[i]);
    }
  }

  /** pod_usage: pod, pod_labels (the raw label text of the line items). */
  addPods(batch: RowGroupBatch): void {
    const pod = strings(batch, "pod");
    const labels = strings(batch, "pod_labels");
    for (let i = 0; i < batch.numRows; i++) {
      if (pod[i] < 0 || labels[i] < 0) continue;
      const vm = this.vmOf(labels[i]);
      if (vm >= 0) addTo(this.vmsByPod, pod[i], vm);
    }
  }

  finish(): VmPvcPair[] {
    const pairs = new Map<string, VmPvcPair>();
    for (const [pod, vms] of this.vmsByPod) {
      const claims = this.claimsByPod.get(pod);
      if (!claims) continue;
      for (const vm of vms) {
        for (const claim of claims) {
          const pair = {
            vm_name: this.interner.text(vm) as string,
            pvc_name: this.interner.text(claim) as string,
          };
          pairs.set(`${vm}:${claim}`, pair);
        }
      }
    }
    return [...pairs.values()].sort(
      (a, b) => compareCodePoints(a.vm_name, b.vm_name) || compareCodePoints(a.pvc_name, b.pvc_name),
    );
  }

  /** json_extract_scalar(pod_labels, '$.vm_kubevirt_io_name') as an interned id (-1: none). */
  private vmOf(textId: number): number {
    const cached = this.vmOfText.get(textId);
    if (cached !== undefined) return cached;
    let vm = -1;
    try {
      const parsed = JSON.parse(this.interner.text(textId) as string) as unknown;
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        const value = (parsed as Record<string, unknown>)[VM_LABEL];
        if (value !== null && value !== undefined && typeof value !== "object")
          vm = this.interner.intern(String(value));
      }
    } catch {
      vm = -1; // not JSON: Trino's json_extract_scalar gives null
    }
    this.vmOfText.set(textId, vm);
    return vm;
  }
}

function addTo(map: Map<number, Set<number>>, key: number, value: number): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareCodePoints(a, b);
}
