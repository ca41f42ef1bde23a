/** The spec §12 differences between the trino and onprem renderings, each on a one-pod dataset. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KokuSqlFlavor, ReferenceData, SummaryRow } from "../../src/model.js";
import { type ReferenceFiles, runReference } from "../../src/reference/duckdb-reference.js";
import { utc, writeRowsParquet } from "./write-parquet.js";

const DAY = "2025-02-10";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Cell = string | number | Date | null;

const DAILY_POD: Record<string, Cell> = {
  interval_start: utc(DAY),
  namespace: "ns",
  node: "n1",
  pod: "p1",
  resource_id: "i-1",
  pod_usage_cpu_core_seconds: 7200,
  pod_request_cpu_core_seconds: 3600,
  pod_limit_cpu_core_seconds: 3600,
  pod_usage_memory_byte_seconds: 3600,
  pod_request_memory_byte_seconds: 3600,
  pod_limit_memory_byte_seconds: 3600,
  node_capacity_cpu_cores: 2,
  node_capacity_cpu_core_seconds: 7200,
  node_capacity_memory_bytes: 2 ** 30,
  node_capacity_memory_byte_seconds: 3600 * 2 ** 30,
  pod_labels: '{"app":"a","vm_kubevirt_io_name":"vm1"}',
};

interface Dataset {
  dailyPods?: Record<string, Cell>[];
  hourlyPods?: Record<string, Cell>[];
  dailyStorage?: Record<string, Cell>[];
  /** Node-label texts of n1 on the day (one row per hour). */
  nodeLabels?: string | null | (string | null)[];
}

async function runDataset(flavor: KokuSqlFlavor, data: Dataset, reference: Partial<ReferenceData> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ref-flavor-"));
  dirs.push(dir);
  const write = (name: string, rows: Record<string, Cell>[] | undefined): string[] => {
    if (!rows || rows.length === 0) return [];
    writeRowsParquet(join(dir, name), rows);
    return [join(dir, name)];
  };
  const nodeTexts =
    data.nodeLabels === undefined ? [] : Array.isArray(data.nodeLabels) ? data.nodeLabels : [data.nodeLabels];
  const nodeRows = nodeTexts.map((text, hour) => ({
    interval_start: utc(DAY, hour),
    node: "n1",
    node_labels: text,
  }));
  const files: ReferenceFiles = {
    pod_usage: {
      hourly: write("pod-h.parquet", data.hourlyPods ?? [{ ...DAILY_POD }]),
      daily: write("pod-d.parquet", data.dailyPods ?? [DAILY_POD]),
    },
    storage_usage: { hourly: [], daily: write("storage-d.parquet", data.dailyStorage) },
    node_labels: { hourly: [], daily: write("node-d.parquet", nodeRows) },
    namespace_labels: { hourly: [], daily: [] },
  };
  const rows = await runReference({
    files,
    run: {
      sourceUuid: "s",
      year: 2025,
      month: 2,
      startDate: DAY,
      endDate: DAY,
      clusterId: null,
      clusterAlias: null,
      reportPeriodId: null,
      orgId: "o",
      kokuSql: flavor,
    },
    reference: { enabledTagKeys: ["app"], costCategories: [], nodeRoles: [], ...reference },
  });
  return rows;
}

const podRows = (rows: SummaryRow[]) => rows.filter((r) => r.data_source === "Pod" && r.namespace === "ns");
const json = (text: string | null) => (text === null ? null : JSON.parse(text));

describe("trino vs onprem flavors (spec §12)", () => {
  it("no enabled OCP key: trino drops every label, onprem keeps vm_kubevirt_io_name", async () => {
    const [trino] = podRows(await runDataset("trino", {}, { enabledTagKeys: [] }));
    const [onprem] = podRows(await runDataset("onprem", {}, { enabledTagKeys: [] }));
    expect(json(trino.pod_labels)).toEqual({});
    expect(json(onprem.pod_labels)).toEqual({ vm_kubevirt_io_name: "vm1" });
  });

  it("a null pod label text: trino gives a null map, onprem treats it as {}", async () => {
    const data: Dataset = { dailyPods: [{ ...DAILY_POD, pod_labels: null }], nodeLabels: '{"app":"node"}' };
    const [trino] = podRows(await runDataset("trino", data));
    const [onprem] = podRows(await runDataset("onprem", data));
    expect(trino.pod_labels).toBeNull();
    expect(json(trino.all_labels)).toEqual({});
    expect(json(onprem.pod_labels)).toEqual({ app: "node" });
  });

  it("a NULL node-label text beside {} the same day: trino joins two label maps (usage twice), onprem one", async () => {
    // Koku's Trino CTE keeps the NULL map as its own group and coalesces it to {} only in the join, so the
    // merged map is not NULL (spec §12 lists node labels as NULL-making; the SQL does not).
    const data: Dataset = { nodeLabels: [null, "{}"] };
    const [trino] = podRows(await runDataset("trino", data));
    const [onprem] = podRows(await runDataset("onprem", data));
    expect(json(trino.pod_labels)).toEqual({ app: "a", vm_kubevirt_io_name: "vm1" });
    expect(trino.pod_usage_cpu_core_hours).toBe(4);
    expect(onprem.pod_usage_cpu_core_hours).toBe(2);
  });

  it("greatest(usage, request) with a null request: trino null, onprem the usage", async () => {
    const data: Dataset = { dailyPods: [{ ...DAILY_POD, pod_request_cpu_core_seconds: null }] };
    const [trino] = podRows(await runDataset("trino", data));
    const [onprem] = podRows(await runDataset("onprem", data));
    expect(trino.pod_effective_usage_cpu_core_hours).toBeNull();
    expect(onprem.pod_effective_usage_cpu_core_hours).toBe(2);
    expect(trino.pod_request_cpu_core_hours).toBeNull();
  });

  it("a pod without hourly capacity rows: trino null capacity hours, onprem 0", async () => {
    const hourlyOtherNode = [{ ...DAILY_POD, node: "n9", interval_start: utc(DAY, 3) }];
    const data: Dataset = { hourlyPods: hourlyOtherNode };
    const [trino] = podRows(await runDataset("trino", data));
    const [onprem] = podRows(await runDataset("onprem", data));
    expect(trino.node_capacity_cpu_core_hours).toBeNull();
    expect(onprem.node_capacity_cpu_core_hours).toBe(0);
    expect(trino.cluster_capacity_cpu_core_hours).toBe(2); // n9's capacity still counts for the cluster
  });

  it("a claim whose pod is not in the pod data: trino null request/usage, onprem divided by 1", async () => {
    const storage = {
      interval_start: utc(DAY),
      namespace: "ns",
      pod: "other-pod",
      persistentvolumeclaim: "c",
      persistentvolume: "v",
      storageclass: "gp2",
      persistentvolumeclaim_capacity_bytes: 2 ** 30,
      persistentvolumeclaim_capacity_byte_seconds: 86400 * 28 * 2 ** 30,
      volume_request_storage_byte_seconds: 86400 * 28 * 2 ** 30,
      persistentvolumeclaim_usage_byte_seconds: 86400 * 14 * 2 ** 30,
      persistentvolume_labels: "{}",
      persistentvolumeclaim_labels: "{}",
    };
    const data: Dataset = { dailyStorage: [storage] };
    const [trino] = (await runDataset("trino", data)).filter((r) => r.data_source === "Storage");
    const [onprem] = (await runDataset("onprem", data)).filter((r) => r.data_source === "Storage");
    expect(trino.node).toBeNull();
    expect(trino.persistentvolumeclaim_capacity_gigabyte_months).toBe(1); // February 2025: 28 days
    expect(trino.volume_request_storage_gigabyte_months).toBeNull();
    expect(onprem.volume_request_storage_gigabyte_months).toBe(1);
    expect(onprem.persistentvolumeclaim_usage_gigabyte_months).toBe(0.5);
  });

  it("a backslash in a cost-category pattern: literal in trino, an escape in onprem", async () => {
    const categories = { costCategories: [{ namespace: "a\\_b", cost_category_id: 7 }] };
    const withNamespace = (ns: string): Dataset => ({ dailyPods: [{ ...DAILY_POD, namespace: ns }] });
    const category = async (flavor: KokuSqlFlavor, ns: string) =>
      (await runDataset(flavor, withNamespace(ns), categories)).find((r) => r.namespace === ns)
        ?.cost_category_id;
    expect(await category("trino", "a\\xb")).toBe(7);
    expect(await category("trino", "a_b")).toBeNull();
    expect(await category("onprem", "a_b")).toBe(7);
    expect(await category("onprem", "a\\xb")).toBeNull();
  });
});
