/** Spec §11, the worked example, run through the reference from hourly files only (daily rows derived). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KokuSqlFlavor, ReferenceData, RunParams, SummaryRow } from "../../src/model.js";
import { type ReferenceFiles, runReference } from "../../src/reference/duckdb-reference.js";
import { compareRowSets, type Row } from "../../src/verify/compare.js";
import { utc, writeRowsParquet } from "./write-parquet.js";

const GIB = 2 ** 30;
const DAY = "2025-11-01";
const INFRA = '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}';

// hour, pod, node, resource, labels, cpu use/req/lim s, mem use/req/lim GiB·s, node cores, core·s, GiB, GiB·s
const POD_TABLE: [number, string, string, string, string, ...number[]][] = [
  [0, "p1", "n1", "i-1", '{"app":"web"}', 1800, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  [1, "p1", "n1", "i-1", '{"app":"web"}', 3600, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  [0, "p2", "n1", "i-1", '{"app":"web"}', 7200, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  [0, "p3", "n1", "i-1", '{"app":"db","team":"x"}', 900, 1800, 3600, 0, 3600, 7200, 4, 14400, 16, 57600],
  [0, "p4", "n2", "i-2", "{}", 3600, 3600, 3600, 3600, 3600, 3600, 2, 7200, 8, 28800],
];

let dir: string;
let files: ReferenceFiles;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ref-worked-"));
  const pods = POD_TABLE.map(([hour, pod, node, resource, labels, ...m]) => ({
    interval_start: utc(DAY, hour),
    namespace: "ns1",
    node,
    pod,
    resource_id: resource,
    pod_usage_cpu_core_seconds: m[0],
    pod_request_cpu_core_seconds: m[1],
    pod_limit_cpu_core_seconds: m[2],
    pod_usage_memory_byte_seconds: m[3] * GIB,
    pod_request_memory_byte_seconds: m[4] * GIB,
    pod_limit_memory_byte_seconds: m[5] * GIB,
    node_capacity_cpu_cores: m[6],
    node_capacity_cpu_core_seconds: m[7],
    node_capacity_memory_bytes: m[8] * GIB,
    node_capacity_memory_byte_seconds: m[9] * GIB,
    pod_labels: labels,
  }));
  writeRowsParquet(join(dir, "pod.parquet"), pods);
  writeRowsParquet(join(dir, "node.parquet"), [
    { interval_start: utc(DAY, 0), node: "n1", node_labels: '{"env":"prod","zone":"a"}' },
    { interval_start: utc(DAY, 1), node: "n1", node_labels: '{"env":"prod","zone":"a"}' },
  ]);
  writeRowsParquet(join(dir, "ns.parquet"), [
    { interval_start: utc(DAY, 0), namespace: "ns1", namespace_labels: '{"app":"nsapp"}' },
  ]);
  const none = { hourly: [], daily: [] };
  files = {
    pod_usage: { hourly: [join(dir, "pod.parquet")], daily: [] },
    storage_usage: none,
    node_labels: { hourly: [join(dir, "node.parquet")], daily: [] },
    namespace_labels: { hourly: [join(dir, "ns.parquet")], daily: [] },
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(kokuSql: KokuSqlFlavor): RunParams {
  return {
    sourceUuid: "00000000-0000-0000-0000-000000000001",
    year: 2025,
    month: 11,
    startDate: DAY,
    endDate: DAY,
    clusterId: "c1",
    clusterAlias: "Cluster 1",
    reportPeriodId: 3,
    orgId: "org1",
    kokuSql,
  };
}

const REFERENCE: ReferenceData = {
  enabledTagKeys: ["app", "env"],
  costCategories: [{ namespace: "kube-%", cost_category_id: 1 }],
  nodeRoles: [
    { node: "n1", resource_id: "i-1", node_role: "worker" },
    { node: "n2", resource_id: "i-2", node_role: "master" },
  ],
};

const BASE: Omit<SummaryRow, "namespace" | "node" | "resource_id"> = {
  report_period_id: 3,
  cluster_id: "c1",
  cluster_alias: "Cluster 1",
  data_source: "Pod",
  usage_start: DAY,
  usage_end: DAY,
  pod_labels: null,
  pod_usage_cpu_core_hours: null,
  pod_request_cpu_core_hours: null,
  pod_effective_usage_cpu_core_hours: null,
  pod_limit_cpu_core_hours: null,
  pod_usage_memory_gigabyte_hours: null,
  pod_request_memory_gigabyte_hours: null,
  pod_effective_usage_memory_gigabyte_hours: null,
  pod_limit_memory_gigabyte_hours: null,
  node_capacity_cpu_cores: null,
  node_capacity_cpu_core_hours: null,
  node_capacity_memory_gigabytes: null,
  node_capacity_memory_gigabyte_hours: null,
  cluster_capacity_cpu_core_hours: 10,
  cluster_capacity_memory_gigabyte_hours: 40,
  persistentvolumeclaim: null,
  persistentvolume: null,
  storageclass: null,
  volume_labels: null,
  all_labels: "{}",
  persistentvolumeclaim_capacity_gigabyte: null,
  persistentvolumeclaim_capacity_gigabyte_months: null,
  volume_request_storage_gigabyte_months: null,
  persistentvolumeclaim_usage_gigabyte_months: null,
  source_uuid: "00000000-0000-0000-0000-000000000001",
  infrastructure_usage_cost: null,
  cost_category_id: null,
  csi_volume_handle: null,
};

function podRow(node: string, resource: string, labels: string, v: number[], cap: number[]): SummaryRow {
  const [cpuUse, cpuReq, cpuEff, cpuLim, memUse, memReq, memEff, memLim] = v;
  return {
    ...BASE,
    namespace: "ns1",
    node,
    resource_id: resource,
    pod_labels: labels,
    all_labels: labels,
    infrastructure_usage_cost: INFRA,
    pod_usage_cpu_core_hours: cpuUse,
    pod_request_cpu_core_hours: cpuReq,
    pod_effective_usage_cpu_core_hours: cpuEff,
    pod_limit_cpu_core_hours: cpuLim,
    pod_usage_memory_gigabyte_hours: memUse,
    pod_request_memory_gigabyte_hours: memReq,
    pod_effective_usage_memory_gigabyte_hours: memEff,
    pod_limit_memory_gigabyte_hours: memLim,
    node_capacity_cpu_cores: cap[0],
    node_capacity_cpu_core_hours: cap[1],
    node_capacity_memory_gigabytes: cap[2],
    node_capacity_memory_gigabyte_hours: cap[3],
  };
}

function unallocatedRow(
  namespace: string | null,
  node: string,
  resource: string,
  v: number[],
  cap: number[],
) {
  return {
    ...podRow(node, resource, "{}", [v[0], v[1], v[2], Number.NaN, v[3], v[4], v[5], Number.NaN], cap),
    namespace,
    pod_labels: null,
    all_labels: "{}",
    infrastructure_usage_cost: null,
    pod_limit_cpu_core_hours: null,
    pod_limit_memory_gigabyte_hours: null,
  };
}

const N1 = [4, 8, 16, 32];
const N2 = [2, 2, 8, 8];
const POD_ROWS = [
  podRow("n1", "i-1", '{"env":"prod","app":"web"}', [3.5, 3, 4, 6, 3, 6, 6, 12], N1),
  podRow("n1", "i-1", '{"env":"prod","app":"db"}', [0.25, 0.5, 0.5, 1, 0, 1, 1, 2], N1),
  podRow("n2", "i-2", '{"app":"nsapp"}', [1, 1, 1, 1, 1, 1, 1, 1], N2),
];

describe("spec §11 worked example", () => {
  for (const flavor of ["trino", "onprem"] as const) {
    it(`gives the documented pod and unallocated rows (${flavor})`, async () => {
      const actual = await runReference({ files, run: run(flavor), reference: REFERENCE });
      const expected: Row[] = [
        ...POD_ROWS,
        unallocatedRow("Worker unallocated", "n1", "i-1", [4.25, 4.5, 3.5, 29, 25, 25], N1),
        unallocatedRow("Platform unallocated", "n2", "i-2", [1, 1, 1, 7, 7, 7], N2),
      ];
      const result = compareRowSets(actual, expected);
      expect(result.equal, result.report).toBe(true);
    });
  }

  it("derives node roles the way Koku fills reporting_ocp_nodes when the table is absent", async () => {
    // n1 has node-label rows and no apiserver pod → worker; n2 has no node-label row → no role.
    const actual = await runReference({
      files,
      run: run("trino"),
      reference: { ...REFERENCE, nodeRoles: null },
    });
    const expected: Row[] = [
      ...POD_ROWS,
      unallocatedRow("Worker unallocated", "n1", "i-1", [4.25, 4.5, 3.5, 29, 25, 25], N1),
      unallocatedRow(null, "n2", "i-2", [1, 1, 1, 7, 7, 7], N2),
    ];
    const result = compareRowSets(actual, expected);
    expect(result.equal, result.report).toBe(true);
  });
});
