/**
 * What Koku's inventory queries make of a run's Parquet (ocp-inventory-gpu-vm.md §1; Koku
 * koku/reportdb_accessor_trino.py get_nodes/pvcs/projects_query_sql, twin in reportdb_accessor_postgres.py):
 * the nodes, PVCs and projects seen in the run's day range. No I/O: batches in, plain rows out; the sink
 * applies Koku's get-or-create rules to the tables.
 */
import type { KokuSqlFlavor } from "../model.js";
import { doubles, type RowGroupBatch, strings, timestamps } from "./batch.js";
import type { Interner } from "./interner.js";
import { isInfraLabelText } from "./node-roles.js";
import { compareCodePoints } from "./values.js";

export interface InventoryNode {
  node: string;
  resourceId: string | null;
  /** max(node_capacity_cpu_cores) of the range (null when every row had none). */
  capacityCpuCores: number | null;
  role: string;
  architecture: string | null;
}

export interface InventoryPvc {
  persistentVolume: string | null;
  persistentVolumeClaim: string | null;
  csiVolumeHandle: string | null;
}

export interface Inventory {
  nodes: InventoryNode[];
  pvcs: InventoryPvc[];
  projects: string[];
}

/** Pod rows of one (node, resource_id). */
interface NodeGroup {
  node: number;
  resource: number;
  capacity: number | null;
  role: number; // max(node_role) id, -1 = null
  apiserver: boolean;
}

/** Node-label rows of one node. */
interface NodeLabels {
  infra: boolean;
  maxText: string | null;
}

const API_SERVER_NAMESPACE = "openshift-kube-apiserver";

export class InventoryAccumulator {
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly nodeGroups = new Map<string, NodeGroup>();
  private readonly labels = new Map<number, NodeLabels>();
  private readonly pvcs = new Map<string, [number, number, number]>();
  private readonly projects = new Set<number>();
  private readonly apiserverId: number;

  /** `startDate`..`endDate` inclusive (`YYYY-MM-DD`): rows with interval_start in [start, end + 1 day). */
  constructor(
    private readonly interner: Interner,
    startDate: string,
    endDate: string,
    private readonly flavor: KokuSqlFlavor,
  ) {
    this.fromMs = Date.parse(`${startDate}T00:00:00Z`);
    this.toMs = Date.parse(`${endDate}T00:00:00Z`) + 86_400_000;
    this.apiserverId = interner.intern(API_SERVER_NAMESPACE);
  }

  private inRange(ms: number): boolean {
    return ms >= this.fromMs && ms < this.toMs;
  }

  /** pod_usage: interval_start, namespace, node, resource_id, node_capacity_cpu_cores, node_role. */
  addPods(batch: RowGroupBatch): void {
    const at = timestamps(batch, "interval_start");
    const namespace = strings(batch, "namespace");
    const node = strings(batch, "node");
    const resource = strings(batch, "resource_id");
    const capacity = doubles(batch, "node_capacity_cpu_cores");
    const role = strings(batch, "node_role");
    for (let i = 0; i < batch.numRows; i++) {
      if (!this.inRange(at[i])) continue;
      if (namespace[i] >= 0) this.projects.add(namespace[i]);
      if (node[i] < 0) continue; // the join on node never matches a null node
      const key = `${node[i]}:${resource[i]}`;
      let group = this.nodeGroups.get(key);
      if (!group) {
        group = { node: node[i], resource: resource[i], capacity: null, role: -1, apiserver: false };
        this.nodeGroups.set(key, group);
      }
      if (capacity.nulls?.[i] !== 1) {
        const v = capacity.values[i];
        if (group.capacity === null || v > group.capacity || Number.isNaN(v)) group.capacity = v;
      }
      if (role[i] >= 0 && (group.role < 0 || this.greater(role[i], group.role))) group.role = role[i];
      if (namespace[i] === this.apiserverId) group.apiserver = true;
    }
  }

  /** node_labels: interval_start, node, node_labels. */
  addNodeLabels(batch: RowGroupBatch): void {
    const at = timestamps(batch, "interval_start");
    const node = strings(batch, "node");
    const text = strings(batch, "node_labels");
    for (let i = 0; i < batch.numRows; i++) {
      if (!this.inRange(at[i]) || node[i] < 0) continue;
      let entry = this.labels.get(node[i]);
      if (!entry) {
        entry = { infra: false, maxText: null };
        this.labels.set(node[i], entry);
      }
      const t = this.interner.text(text[i]);
      if (t === null) continue;
      if (!entry.infra && isInfraLabelText(t)) entry.infra = true;
      if (entry.maxText === null || compareCodePoints(t, entry.maxText) > 0) entry.maxText = t;
    }
  }

  /** storage_usage: interval_start, persistentvolume, persistentvolumeclaim, csi_volume_handle. */
  addStorage(batch: RowGroupBatch): void {
    const at = timestamps(batch, "interval_start");
    const pv = strings(batch, "persistentvolume");
    const pvc = strings(batch, "persistentvolumeclaim");
    const csi = strings(batch, "csi_volume_handle");
    for (let i = 0; i < batch.numRows; i++) {
      if (!this.inRange(at[i])) continue;
      const key = `${pv[i]}:${pvc[i]}:${csi[i]}`;
      if (!this.pvcs.has(key)) this.pvcs.set(key, [pv[i], pvc[i], csi[i]]);
    }
  }

  finish(): Inventory {
    const text = (id: number) => this.interner.text(id);
    const nodes: InventoryNode[] = [];
    for (const group of this.nodeGroups.values()) {
      const labels = this.labels.get(group.node);
      if (!labels) continue; // the WHERE on the label side makes Koku's LEFT JOIN an inner join
      const role =
        group.role >= 0
          ? (text(group.role) as string)
          : group.apiserver
            ? "master"
            : labels.infra
              ? "infra"
              : "worker";
      nodes.push({
        node: text(group.node) as string,
        resourceId: text(group.resource),
        capacityCpuCores: group.capacity,
        role,
        architecture: this.architecture(labels.maxText, text(group.node) as string),
      });
    }
    nodes.sort((a, b) => compareCodePoints(a.node, b.node) || compareNullable(a.resourceId, b.resourceId));
    const pvcs = [...this.pvcs.values()]
      .map(([pv, pvc, csi]) => ({
        persistentVolume: text(pv),
        persistentVolumeClaim: text(pvc),
        csiVolumeHandle: text(csi),
      }))
      .sort(
        (a, b) =>
          compareNullable(a.persistentVolume, b.persistentVolume) ||
          compareNullable(a.persistentVolumeClaim, b.persistentVolumeClaim) ||
          compareNullable(a.csiVolumeHandle, b.csiVolumeHandle),
      );
    const projects = [...this.projects].map((id) => text(id) as string).sort(compareCodePoints);
    return { nodes, pvcs, projects };
  }

  private greater(a: number, b: number): boolean {
    return compareCodePoints(this.interner.text(a) as string, this.interner.text(b) as string) > 0;
  }

  /**
   * lower(json_extract_scalar(max(node_labels), '$.kubernetes_io_arch')) — Trino: null for a non-scalar or
   * unparsable text; PostgreSQL (`::json->>`): a non-scalar as its JSON text, an unparsable text fails.
   */
  private architecture(maxText: string | null, node: string): string | null {
    if (maxText === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(maxText);
    } catch {
      if (this.flavor === "onprem") {
        throw new Error(`node_labels of node ${node}: label text is not JSON (${maxText.slice(0, 80)})`);
      }
      return null;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    const value = (parsed as Record<string, unknown>).kubernetes_io_arch;
    if (value === undefined || value === null) return null;
    if (typeof value === "object")
      return this.flavor === "onprem" ? JSON.stringify(value).toLowerCase() : null;
    return String(value).toLowerCase();
  }
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareCodePoints(a, b);
}
