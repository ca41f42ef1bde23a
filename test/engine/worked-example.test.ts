/** The spec's worked example (§11), computed by hand, and a few hand-checked engine rules around it. */
import { describe, expect, it } from "vitest";
import { SummaryEngine } from "../../src/engine/summary-engine.js";
import type { ReferenceData, RunParams, SummaryRow } from "../../src/model.js";
import {
  batchOf,
  NAMESPACE_LABEL_KINDS,
  NODE_LABEL_KINDS,
  POD_KINDS,
  STORAGE_KINDS,
} from "../helpers/batches.js";

const GIB = 2 ** 30;
const run: RunParams = {
  sourceUuid: "11111111-2222-3333-4444-555555555555",
  year: 2025,
  month: 11,
  startDate: "2025-11-01",
  endDate: "2025-11-30",
  clusterId: "c1",
  clusterAlias: "Cluster 1",
  reportPeriodId: 3,
  orgId: "org1",
  kokuSql: "trino",
};
const reference: ReferenceData = {
  enabledTagKeys: ["app", "env"],
  costCategories: [{ namespace: "kube-%", cost_category_id: 1 }],
  nodeRoles: [
    { node: "n1", resource_id: "i-1", node_role: "worker" },
    { node: "n2", resource_id: "i-2", node_role: "master" },
  ],
};

function podRow(hour: string, pod: string, node: string, rid: string, labels: string, v: number[]) {
  const [cu, cr, cl, mu, mr, ml, cores, coreS, memGiB, memGiBs] = v;
  return {
    interval_start: `2025-11-01T${hour}:00:00`,
    namespace: "ns1",
    node,
    pod,
    resource_id: rid,
    pod_labels: labels,
    pod_usage_cpu_core_seconds: cu,
    pod_request_cpu_core_seconds: cr,
    pod_limit_cpu_core_seconds: cl,
    pod_usage_memory_byte_seconds: mu * GIB,
    pod_request_memory_byte_seconds: mr * GIB,
    pod_limit_memory_byte_seconds: ml * GIB,
    node_capacity_cpu_cores: cores,
    node_capacity_cpu_core_seconds: coreS,
    node_capacity_memory_bytes: memGiB * GIB,
    node_capacity_memory_byte_seconds: memGiBs * GIB,
  };
}

const examplePods = [
  podRow(
    "00",
    "p1",
    "n1",
    "i-1",
    '{"app":"web"}',
    [1800, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  ),
  podRow(
    "01",
    "p1",
    "n1",
    "i-1",
    '{"app":"web"}',
    [3600, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  ),
  podRow(
    "00",
    "p2",
    "n1",
    "i-1",
    '{"app":"web"}',
    [7200, 3600, 7200, 3600, 7200, 14400, 4, 14400, 16, 57600],
  ),
  podRow(
    "00",
    "p3",
    "n1",
    "i-1",
    '{"app":"db","team":"x"}',
    [900, 1800, 3600, 0, 3600, 7200, 4, 14400, 16, 57600],
  ),
  podRow("00", "p4", "n2", "i-2", "{}", [3600, 3600, 3600, 3600, 3600, 3600, 2, 7200, 8, 28800]),
];

function summarize(r: RunParams = run, ref: ReferenceData = reference, extra?: (e: SummaryEngine) => void) {
  const engine = new SummaryEngine(r, ref);
  engine.add(
    "node_labels",
    batchOf(
      engine,
      [{ interval_start: "2025-11-01T00:00:00", node: "n1", node_labels: '{"env":"prod","zone":"a"}' }],
      NODE_LABEL_KINDS,
    ),
    true,
  );
  engine.add(
    "namespace_labels",
    batchOf(
      engine,
      [{ interval_start: "2025-11-01T00:00:00", namespace: "ns1", namespace_labels: '{"app":"nsapp"}' }],
      NAMESPACE_LABEL_KINDS,
    ),
    true,
  );
  extra?.(engine);
  engine.add("pod_usage", batchOf(engine, examplePods, POD_KINDS), true);
  return engine.finish();
}

function find(rows: SummaryRow[], predicate: (r: SummaryRow) => boolean): SummaryRow {
  const found = rows.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("spec §11 worked example", () => {
  const result = summarize();
  const pods = result.rows.filter((r) => r.data_source === "Pod" && r.namespace === "ns1");

  it("merges p1 and p2 and produces the three pod rows", () => {
    expect(pods).toHaveLength(3);
    expect(result.counts).toEqual({ pod: 3, storage: 0, unallocated: 2 });
  });

  it.each([
    ["n1", '{"app":"web","env":"prod"}', "i-1", [3.5, 3, 4, 6, 3, 6, 6, 12, 4, 8, 16, 32]],
    ["n1", '{"app":"db","env":"prod"}', "i-1", [0.25, 0.5, 0.5, 1, 0, 1, 1, 2, 4, 8, 16, 32]],
    ["n2", '{"app":"nsapp"}', "i-2", [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 8, 8]],
  ] as const)("row %s %s", (node, labels, rid, v) => {
    const row = find(pods, (r) => r.node === node && r.pod_labels === labels);
    expect(row.resource_id).toBe(rid);
    expect([
      row.pod_usage_cpu_core_hours,
      row.pod_request_cpu_core_hours,
      row.pod_effective_usage_cpu_core_hours,
      row.pod_limit_cpu_core_hours,
      row.pod_usage_memory_gigabyte_hours,
      row.pod_request_memory_gigabyte_hours,
      row.pod_effective_usage_memory_gigabyte_hours,
      row.pod_limit_memory_gigabyte_hours,
      row.node_capacity_cpu_cores,
      row.node_capacity_cpu_core_hours,
      row.node_capacity_memory_gigabytes,
      row.node_capacity_memory_gigabyte_hours,
    ]).toEqual(v);
    expect(row.cluster_capacity_cpu_core_hours).toBe(10);
    expect(row.cluster_capacity_memory_gigabyte_hours).toBe(40);
    expect(row.cost_category_id).toBeNull();
    expect(row.all_labels).toBe(labels);
    expect(row.infrastructure_usage_cost).toBe(
      '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}',
    );
    expect(row.usage_start).toBe("2025-11-01");
    expect(row.usage_end).toBe("2025-11-01");
    expect([row.cluster_id, row.cluster_alias, row.report_period_id, row.source_uuid]).toEqual([
      "c1",
      "Cluster 1",
      3,
      run.sourceUuid,
    ]);
  });

  it.each([
    ["Worker unallocated", "n1", [4.25, 4.5, 3.5, 29, 25, 25]],
    ["Platform unallocated", "n2", [1, 1, 1, 7, 7, 7]],
  ] as const)("unallocated %s on %s", (namespace, node, v) => {
    const row = find(result.rows, (r) => r.namespace === namespace);
    expect(row.node).toBe(node);
    expect([
      row.pod_usage_cpu_core_hours,
      row.pod_request_cpu_core_hours,
      row.pod_effective_usage_cpu_core_hours,
      row.pod_usage_memory_gigabyte_hours,
      row.pod_request_memory_gigabyte_hours,
      row.pod_effective_usage_memory_gigabyte_hours,
    ]).toEqual(v);
    expect(row.pod_limit_cpu_core_hours).toBeNull();
    expect(row.pod_labels).toBeNull();
    expect(row.all_labels).toBe("{}");
    expect(row.infrastructure_usage_cost).toBeNull();
    expect(row.data_source).toBe("Pod");
  });
});

describe("Koku behaviours kept on purpose (spec §9)", () => {
  it("a node with two label maps in a day doubles its pods' usage (§9.1)", () => {
    const result = summarize(run, reference, (engine) =>
      engine.add(
        "node_labels",
        batchOf(
          engine,
          [
            { interval_start: "2025-11-01T05:00:00", node: "n2", node_labels: '{"env":"a"}' },
            { interval_start: "2025-11-01T06:00:00", node: "n2", node_labels: '{"env":"b"}' },
          ],
          NODE_LABEL_KINDS,
        ),
        true,
      ),
    );
    const n2 = result.rows.filter((r) => r.node === "n2" && r.namespace === "ns1");
    expect(n2.map((r) => r.pod_labels).sort()).toEqual([
      '{"app":"nsapp","env":"a"}',
      '{"app":"nsapp","env":"b"}',
    ]);
    for (const row of n2) expect(row.pod_usage_cpu_core_hours).toBe(1);
  });

  it("overlapping cost-category patterns double sums and keep the larger id (§9.2)", () => {
    const ref = {
      ...reference,
      costCategories: [
        { namespace: "ns%", cost_category_id: 4 },
        { namespace: "n_1", cost_category_id: 7 },
      ],
    };
    const result = summarize(run, ref);
    const row = find(result.rows, (r) => r.node === "n2" && r.namespace === "ns1");
    expect(row.pod_usage_cpu_core_hours).toBe(2);
    expect(row.cost_category_id).toBe(7);
    // unallocated rows are duplicated per matching pattern instead (none match the unallocated names here)
    expect(result.rows.filter((r) => r.namespace === "Platform unallocated")).toHaveLength(1);
  });

  it("a null pod label text makes the merged map null under trino and {} under onprem (§9.7, §12)", () => {
    for (const flavor of ["trino", "onprem"] as const) {
      const engine = new SummaryEngine({ ...run, kokuSql: flavor }, reference);
      engine.add("pod_usage", batchOf(engine, [{ ...examplePods[4], pod_labels: null }], POD_KINDS), true);
      const row = find(engine.finish().rows, (r) => r.namespace === "ns1");
      expect(row.pod_labels).toBe(flavor === "trino" ? null : "{}");
      expect(row.all_labels).toBe("{}");
    }
  });

  it("storage without a pod keeps capacity but has null node, request and usage under trino (§9.5)", () => {
    for (const flavor of ["trino", "onprem"] as const) {
      const engine = new SummaryEngine({ ...run, kokuSql: flavor }, reference);
      engine.add(
        "storage_usage",
        batchOf(
          engine,
          [
            {
              interval_start: "2025-11-02T00:00:00",
              namespace: "ns1",
              pod: "gone",
              persistentvolumeclaim: "claim",
              persistentvolume: "pv1",
              storageclass: "gp3",
              csi_volume_handle: "vol-1",
              persistentvolume_labels: '{"app":"x"}',
              persistentvolumeclaim_labels: "{}",
              persistentvolumeclaim_capacity_bytes: 10 * GIB,
              persistentvolumeclaim_capacity_byte_seconds: 10 * GIB * 3600,
              volume_request_storage_byte_seconds: 5 * GIB * 3600,
              persistentvolumeclaim_usage_byte_seconds: 2 * GIB * 3600,
            },
          ],
          STORAGE_KINDS,
        ),
        true,
      );
      const [row] = engine.finish().rows;
      expect(row.data_source).toBe("Storage");
      expect(row.node).toBeNull();
      expect(row.persistentvolumeclaim_capacity_gigabyte).toBe(10);
      expect(row.persistentvolumeclaim_capacity_gigabyte_months).toBeCloseTo((10 * 3600) / (86400 * 30), 15);
      if (flavor === "trino") {
        expect(row.volume_request_storage_gigabyte_months).toBeNull();
        expect(row.persistentvolumeclaim_usage_gigabyte_months).toBeNull();
      } else {
        expect(row.volume_request_storage_gigabyte_months).toBeCloseTo((5 * 3600) / (86400 * 30), 15);
      }
      expect(row.volume_labels).toBe('{"app":"x"}');
    }
  });

  it("rows outside the day range are ignored", () => {
    const engine = new SummaryEngine({ ...run, startDate: "2025-11-02", endDate: "2025-11-30" }, reference);
    engine.add("pod_usage", batchOf(engine, examplePods, POD_KINDS), true);
    expect(engine.finish().rows).toHaveLength(0);
  });

  it("names file, row group and column of a label text that is not JSON", () => {
    const engine = new SummaryEngine(run, reference);
    const bad = batchOf(
      engine,
      [{ ...examplePods[0], pod_labels: "app=web" }],
      POD_KINDS,
      "s3://b/x.parquet",
    );
    expect(() => engine.add("pod_usage", bad, true)).toThrow(
      /s3:\/\/b\/x\.parquet, row group 0, column pod_labels.*app=web/,
    );
  });
});
