/**
 * A small hand-made Koku tree (hourly files only) for tests that need full control of the text in the data:
 * pods with their labels, claims, and node / namespace label rows, for a few hours of one day.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DatasetParams } from "../../../src/generate/params-file.js";
import { POD_USAGE_MEASURES, type ReferenceData, type ReportType } from "../../../src/model.js";
import { partitionDir } from "./harness.js";
import { type ColumnDef, type Rows, writeTable } from "./parquet-file.js";

export interface MiniPod {
  pod: string;
  namespace: string;
  node: string;
  labels: Record<string, string>;
}

export interface MiniClaim {
  namespace: string;
  pod: string;
  claim: string;
  volume: string;
  storageClass: string;
  volumeLabels: Record<string, string>;
  claimLabels: Record<string, string>;
}

export interface MiniDataset {
  sourceUuid: string;
  orgId: string;
  clusterId: string;
  clusterAlias: string;
  day: string; // YYYY-MM-DD
  hours: number;
  pods: MiniPod[];
  claims: MiniClaim[];
  nodeLabels: Record<string, Record<string, string>>;
  namespaceLabels: Record<string, Record<string, string>>;
  reference: ReferenceData;
}

const ts = (name: string): ColumnDef => ({ name, type: "ts-micros" });
const str = (name: string): ColumnDef => ({ name, type: "string" });
const dbl = (name: string): ColumnDef => ({ name, type: "double" });
const TIMES = ["report_period_start", "report_period_end", "interval_start", "interval_end"].map(ts);

const COLUMNS: Record<ReportType, ColumnDef[]> = {
  pod_usage: [
    ...TIMES,
    ...["pod", "namespace", "node", "resource_id"].map(str),
    ...[
      ...POD_USAGE_MEASURES,
      "node_capacity_cpu_cores",
      "node_capacity_cpu_core_seconds",
      "node_capacity_memory_bytes",
      "node_capacity_memory_byte_seconds",
    ].map(dbl),
    str("pod_labels"),
  ],
  storage_usage: [
    ...TIMES,
    ...["namespace", "pod", "persistentvolumeclaim", "persistentvolume", "storageclass"].map(str),
    ...[
      "persistentvolumeclaim_capacity_bytes",
      "persistentvolumeclaim_capacity_byte_seconds",
      "volume_request_storage_byte_seconds",
      "persistentvolumeclaim_usage_byte_seconds",
    ].map(dbl),
    str("persistentvolume_labels"),
    str("persistentvolumeclaim_labels"),
  ],
  node_labels: [...TIMES, str("node"), str("node_labels")],
  namespace_labels: [...TIMES, str("namespace"), str("namespace_labels")],
};

const GIB = 2 ** 30;

/** Writes the dataset's four hourly files under `dir` and returns the run's parameters. */
export function writeMiniDataset(dir: string, data: MiniDataset): DatasetParams {
  const [year, month] = data.day.split("-").map(Number);
  const params: DatasetParams = {
    run: {
      sourceUuid: data.sourceUuid,
      year,
      month,
      startDate: data.day,
      endDate: data.day,
      clusterId: data.clusterId,
      clusterAlias: data.clusterAlias,
      reportPeriodId: 1,
      orgId: data.orgId,
      kokuSql: "trino",
    },
    reference: data.reference,
    counts: null,
  };
  const periodStart = new Date(Date.UTC(year, month - 1, 1));
  const periodEnd = new Date(Date.UTC(year, month, 1));
  const rows: Record<ReportType, Rows> = {
    pod_usage: [],
    storage_usage: [],
    node_labels: [],
    namespace_labels: [],
  };
  for (let hour = 0; hour < data.hours; hour++) {
    const start = new Date(`${data.day}T${String(hour).padStart(2, "0")}:00:00Z`);
    const times = {
      report_period_start: periodStart,
      report_period_end: periodEnd,
      interval_start: start,
      interval_end: new Date(start.getTime() + 3_599_000),
    };
    data.pods.forEach((p, i) => {
      rows.pod_usage.push({
        ...times,
        pod: p.pod,
        namespace: p.namespace,
        node: p.node,
        resource_id: `i-${p.node.length}`,
        pod_usage_cpu_core_seconds: 900 * (i + 1),
        pod_request_cpu_core_seconds: 1800,
        pod_limit_cpu_core_seconds: 3600,
        pod_usage_memory_byte_seconds: 3600 * GIB * 0.5,
        pod_request_memory_byte_seconds: 3600 * GIB,
        pod_limit_memory_byte_seconds: 3600 * GIB * 2,
        node_capacity_cpu_cores: 8,
        node_capacity_cpu_core_seconds: 8 * 3600,
        node_capacity_memory_bytes: 32 * GIB,
        node_capacity_memory_byte_seconds: 32 * GIB * 3600,
        pod_labels: JSON.stringify(p.labels),
      });
    });
    for (const c of data.claims) {
      rows.storage_usage.push({
        ...times,
        namespace: c.namespace,
        pod: c.pod,
        persistentvolumeclaim: c.claim,
        persistentvolume: c.volume,
        storageclass: c.storageClass,
        persistentvolumeclaim_capacity_bytes: 10 * GIB,
        persistentvolumeclaim_capacity_byte_seconds: 10 * GIB * 3600,
        volume_request_storage_byte_seconds: 10 * GIB * 3600,
        persistentvolumeclaim_usage_byte_seconds: 2 * GIB * 3600,
        persistentvolume_labels: JSON.stringify(c.volumeLabels),
        persistentvolumeclaim_labels: JSON.stringify(c.claimLabels),
      });
    }
    for (const [node, labels] of Object.entries(data.nodeLabels)) {
      rows.node_labels.push({ ...times, node, node_labels: JSON.stringify(labels) });
    }
    for (const [namespace, labels] of Object.entries(data.namespaceLabels)) {
      rows.namespace_labels.push({ ...times, namespace, namespace_labels: JSON.stringify(labels) });
    }
  }
  for (const type of Object.keys(rows) as ReportType[]) {
    const folder = partitionDir(dir, params, type);
    mkdirSync(folder, { recursive: true });
    writeTable(join(folder, `${type}_0.parquet`), { columns: COLUMNS[type], rows: rows[type] });
  }
  return params;
}
