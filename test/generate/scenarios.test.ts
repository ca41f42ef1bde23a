/**
 * Each named scenario produces the property it claims, checked on the written files with DuckDB.
 * Every listed scenario must have a check here (the last test enforces it).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GenerateResult, generateDataset, listScenarios } from "../../src/generate/index.js";
import { query, table, tempDir } from "./helpers.js";

const dir = tempDir("gen-scenarios");
const generated = new Map<string, GenerateResult>();
const GIB = 2 ** 30;

beforeAll(async () => {
  for (const scenario of listScenarios()) {
    generated.set(
      scenario.name,
      await generateDataset({ out: join(dir.path, scenario.name), scenario: scenario.name }),
    );
  }
});
afterAll(() => dir.remove());

function root(name: string): string {
  const result = generated.get(name);
  if (!result) throw new Error(`scenario ${name} not generated`);
  return result.dir;
}

const checks: Record<string, () => Promise<void>> = {
  "basic-pod": async () => {
    const rows =
      await query(`select pod, node, pod_usage_cpu_core_seconds as cpu, pod_request_cpu_core_seconds as req
                                from ${table(root("basic-pod"), "pod_usage", "daily")}`);
    expect(rows).toEqual([{ pod: "web-1", node: "node-a", cpu: 0.5 * 86400, req: 86400 }]);
  },
  storage: async () => {
    const rows =
      await query(`select distinct pod, node, persistentvolumeclaim as pvc, csi_driver, persistentvolume_labels as pv,
                                     persistentvolumeclaim_labels as pvcl from ${table(root("storage"), "storage_usage")}`);
    expect(rows).toEqual([
      {
        pod: "db-0",
        node: "node-a",
        pvc: "db-data",
        csi_driver: "ebs.csi.aws.com",
        pv: '{"storage": "fast", "storageclass": "gp3-csi"}',
        pvcl: '{"claim": "db-data"}',
      },
    ]);
  },
  "multi-namespace": async () => {
    const rows =
      await query(`select namespace, count(distinct pod) as pods from ${table(root("multi-namespace"), "pod_usage")}
                               group by all order by all`);
    expect(rows).toEqual([
      { namespace: "backend", pods: "1" },
      { namespace: "batch", pods: "2" },
      { namespace: "frontend", pods: "2" },
    ]);
  },
  "multi-node": async () => {
    const rows =
      await query(`select node, max(node_capacity_cpu_cores) as cores from ${table(root("multi-node"), "pod_usage")}
                               group by all order by all`);
    expect(rows).toEqual([
      { node: "node-a", cores: 4 },
      { node: "node-b", cores: 8 },
      { node: "node-c", cores: 16 },
    ]);
  },
  "cluster-capacity": async () => {
    const rows =
      await query(`select node, count(distinct interval_start) as hours from ${table(root("cluster-capacity"), "pod_usage")}
                               group by all order by all`);
    expect(rows).toEqual([
      { node: "node-a", hours: "24" },
      { node: "node-b", hours: "24" },
      { node: "node-c", hours: "12" },
    ]);
  },
  "cost-category": async () => {
    const params = generated.get("cost-category")?.params;
    const patterns = params?.reference.costCategories.map((c) => c.namespace) ?? [];
    const matches = await query(`select namespace, count(*) filter (where namespace like p) as n
                                   from (select distinct namespace from ${table(root("cost-category"), "pod_usage")}),
                                        unnest(${JSON.stringify(patterns).replaceAll('"', "'")}::varchar[]) as t(p)
                                  group by all order by all`);
    expect(Object.fromEntries(matches.map((m) => [m.namespace, Number(m.n)]))).toEqual({
      analytic1: 1,
      analytics: 2, // `analytic_` and `analytics`
      "kube-system": 1,
      "openshift-dns": 1,
      "openshift-monitoring": 2, // overlapping patterns (§9.2)
      shop: 0,
    });
  },
  "unallocated-capacity": async () => {
    const roles = generated.get("unallocated-capacity")?.params.reference.nodeRoles;
    expect(roles?.map((r) => [r.node, r.node_role])).toEqual([
      ["master-0", "master"],
      ["infra-0", "infra"],
      ["worker-0", "worker"],
    ]);
    const greedy =
      await query(`select pod_request_cpu_core_seconds as req, node_capacity_cpu_core_seconds as cap
                                  from ${table(root("unallocated-capacity"), "pod_usage", "daily")} where node = 'worker-1'`);
    expect((greedy[0].req as number) > (greedy[0].cap as number)).toBe(true);
  },
  "shared-pv-across-nodes": async () => {
    const rows =
      await query(`select persistentvolume as pv, count(distinct s.node) as nodes, count(distinct s.pod) as pods
                                from ${table(root("shared-pv-across-nodes"), "storage_usage")} s
                                join ${table(root("shared-pv-across-nodes"), "pod_usage")} p using (namespace, pod, interval_start)
                               group by all`);
    expect(rows).toEqual([{ pv: "pvc-shared-cephfs", nodes: "2", pods: "2" }]);
  },
  "days-in-month-28": async () => expectLastDay("days-in-month-28", "2025-02-28"),
  "days-in-month-29": async () => expectLastDay("days-in-month-29", "2024-02-29"),
  "days-in-month-30": async () => expectLastDay("days-in-month-30", "2025-04-30"),
  "days-in-month-31": async () => expectLastDay("days-in-month-31", "2025-10-31"),
  "storage-cost-category": async () => {
    const rows = await query(
      `select distinct namespace from ${table(root("storage-cost-category"), "storage_usage")} order by 1`,
    );
    expect(rows.map((r) => r.namespace)).toEqual(["apps", "openshift-monitoring", "openshift-storage"]);
  },
  "pvc-capacity": async () => {
    const rows =
      await query(`select persistentvolumeclaim as pvc, max(persistentvolumeclaim_capacity_bytes) as cap,
                                     sum(persistentvolumeclaim_capacity_byte_seconds) as cap_s, max(volume_request_storage_byte_seconds) as req
                                from ${table(root("pvc-capacity"), "storage_usage", "daily")} group by all order by all`);
    const byClaim = Object.fromEntries(rows.map((r) => [r.pvc, r]));
    expect(byClaim.large.cap).toBe(2.25 * GIB);
    expect(byClaim.late.cap_s).toBe(8 * GIB * 18 * 3600);
    expect(byClaim.small.cap as number).toBeLessThan((byClaim.small.req as number) / (24 * 3600));
  },
  "label-precedence": async () => {
    const [node] = await query(
      `select distinct node_labels as l from ${table(root("label-precedence"), "node_labels")}`,
    );
    const [pod] = await query(
      `select distinct pod_labels as l from ${table(root("label-precedence"), "pod_usage")}`,
    );
    expect(JSON.parse(node.l as string).team).toBe("from-node");
    expect(JSON.parse(pod.l as string)).toEqual({ team: "from-pod", secret: "s" });
  },
  "special-characters": async () => {
    const [row] = await query(
      `select pod_labels as l from ${table(root("special-characters"), "pod_usage")} where pod = 'weird-0' limit 1`,
    );
    const text = row.l as string;
    expect(text).toContain("\\u65e5\\u672c"); // 日本, \u-escaped like Python's json.dumps
    expect(JSON.parse(text)).toEqual({
      'quote"key': 'say "hi"',
      "back\\slash": "C:\\temp\\new",
      unicode: "café 日本 Ω",
      emoji: "🚀✨",
      "space key": "a b  c",
      colon: "a:b|c",
    });
    const namespaces = await query(
      `select distinct namespace from ${table(root("special-characters"), "pod_usage")} order by 1`,
    );
    expect(namespaces.map((r) => r.namespace)).toContain("back\\slash");
    expect(namespaces.map((r) => r.namespace)).toContain("sale%");
  },
  "empty-and-missing-labels": async () => {
    const labels = await query(
      `select pod, pod_labels as l from ${table(root("empty-and-missing-labels"), "pod_usage", "daily")} order by pod`,
    );
    expect(Object.fromEntries(labels.map((r) => [r.pod, r.l]))).toMatchObject({
      "empty-labels": "{}",
      "null-labels": null,
      "empty-value": '{"app": ""}',
    });
    const ns = await query(
      `select distinct namespace from ${table(root("empty-and-missing-labels"), "namespace_labels")}`,
    );
    expect(ns.map((r) => r.namespace)).toEqual(["labelled"]);
    const nodes = await query(
      `select distinct node from ${table(root("empty-and-missing-labels"), "node_labels")}`,
    );
    expect(nodes.map((r) => r.node)).toEqual(["node-a"]);
    const [pv] = await query(
      `select persistentvolume_labels as l from ${table(root("empty-and-missing-labels"), "storage_usage")} limit 1`,
    );
    expect(pv.l).toBeNull();
  },
  "effective-usage": async () => {
    const hourly = await query(`select date_trunc('day', interval_start)::date::varchar as day,
                                       sum(greatest(pod_usage_cpu_core_seconds, pod_request_cpu_core_seconds)) / 3600 as per_hour,
                                       greatest(sum(pod_usage_cpu_core_seconds), sum(pod_request_cpu_core_seconds)) / 3600 as of_sums
                                  from ${table(root("effective-usage"), "pod_usage")} group by all order by all`);
    expect(hourly.map((r) => [r.per_hour, r.of_sums])).toEqual([
      [36, 30],
      [36, 30],
    ]);
    const files =
      await query(`select file_name, count(*) filter (where name = 'pod_effective_usage_cpu_core_seconds') as n
                                 from parquet_schema('${join(root("effective-usage"), "data/parquet/daily/*/OCP/pod_usage/*/*/*/*.parquet")}')
                                group by all order by file_name`);
    expect(files.map((f) => Number(f.n)).sort()).toEqual([0, 1]);
  },
  "all-labels": async () => {
    const [pod] = await query(
      `select pod_labels as l from ${table(root("all-labels"), "pod_usage")} limit 1`,
    );
    expect(JSON.parse(pod.l as string)).toMatchObject({ vm_kubevirt_io_name: "web-vm" });
  },
  "node-roles": async () => {
    expect(generated.get("node-roles")?.params.reference.nodeRoles).toBeNull();
    const labels = await query(
      `select distinct node, node_labels as l from ${table(root("node-roles"), "node_labels")} order by 1`,
    );
    expect(labels.map((r) => r.node)).toEqual(["infra-0", "master-0", "worker-0"]);
    expect(labels.find((r) => r.node === "infra-0")?.l).toContain('"node_role_kubernetes_io": "infra"');
    const apiserver = await query(
      `select distinct node from ${table(root("node-roles"), "pod_usage")} where namespace = 'openshift-kube-apiserver'`,
    );
    expect(apiserver).toEqual([{ node: "master-0" }]);
  },
  "node-roles-column": async () => {
    expect(generated.get("node-roles-column")?.params.reference.nodeRoles).toBeNull();
    const roles = await query(
      `select distinct node, node_role from ${table(root("node-roles-column"), "pod_usage", "daily")} order by 1`,
    );
    expect(roles).toEqual([
      { node: "blank-0", node_role: "" },
      { node: "infra-1", node_role: "infra" },
      { node: "master-0", node_role: "master" },
      { node: "worker-0", node_role: "worker" },
    ]);
  },
  "zero-usage": async () => {
    const rows =
      await query(`select pod, pod_usage_cpu_core_seconds as cpu, pod_request_memory_byte_seconds as mem, node_capacity_cpu_core_seconds as cap
                                from ${table(root("zero-usage"), "pod_usage", "daily")} order by pod`);
    expect(rows).toEqual([
      { pod: "idle-0", cpu: 0, mem: 0, cap: 4 * 86400 },
      { pod: "sleeping-0", cpu: 0, mem: 0, cap: 4 * 86400 },
    ]);
  },
  "vm-pods": async () => {
    const rows = await query(`select distinct json_extract_string(pod_labels, '$.vm_kubevirt_io_name') as vm
                                from ${table(root("vm-pods"), "pod_usage")} order by 1`);
    expect(rows.map((r) => r.vm)).toEqual(["rhel9", "win11", null]);
  },
  inventory: async () => {
    const labelled = await query(
      `select distinct node from ${table(root("inventory"), "node_labels")} order by 1`,
    );
    // orphan-0 reports no node labels, so Koku's inventory gets no node row for it.
    expect(labelled.map((r) => r.node)).toEqual(["arm-0", "infra-0", "late-0", "master-0", "worker-0"]);
    const firstDay = await query(`select min(interval_start)::date::varchar as d, namespace
                                    from ${table(root("inventory"), "pod_usage")} group by namespace order by 2`);
    expect(firstDay.find((r) => r.namespace === "batch")?.d).toBe("2025-10-03");
    expect(firstDay.find((r) => r.namespace === "apps")?.d).toBe("2025-10-01");
    const handles = await query(`select distinct persistentvolume as pv, csi_volume_handle as h
                                   from ${table(root("inventory"), "storage_usage")} order by 1`);
    expect(handles).toEqual([
      { pv: "pv-data", h: "vol-0000000000000001" },
      { pv: "pv-late", h: "vol-0000000000000002" },
      { pv: "pv-scratch", h: "" },
    ]);
  },
  "storage-without-pod": async () => {
    const rows =
      await query(`select s.persistentvolume as pv, s.pod, s.namespace, s.node, count(p.pod) as matched
                                from ${table(root("storage-without-pod"), "storage_usage", "daily")} s
                                left join ${table(root("storage-without-pod"), "pod_usage", "daily")} p using (namespace, pod, interval_start)
                               group by all order by 1`);
    expect(rows).toEqual([
      { pv: "pv-ghost", pod: "ghost-0", namespace: "apps", node: "", matched: "0" },
      { pv: "pv-released", pod: "", namespace: "", node: "", matched: "0" },
      { pv: "pv-unmounted", pod: "", namespace: "apps", node: "", matched: "0" },
    ]);
  },
  "pod-without-node": async () => {
    const rows =
      await query(`select pod, node, max(node_capacity_cpu_cores) as cores from ${table(root("pod-without-node"), "pod_usage")}
                               group by all order by 1`);
    expect(rows).toEqual([
      { pod: "app-0", node: "node-a", cores: 4 },
      { pod: "null-node-0", node: null, cores: 0 },
      { pod: "pending-0", node: "", cores: 2 },
    ]);
  },
  "intervals-outside-month": async () => {
    const rows =
      await query(`select min(interval_start)::varchar as first, max(interval_start)::varchar as last,
                                     count(*) filter (where interval_start::date = date '2025-10-31') as inside
                                from ${table(root("intervals-outside-month"), "pod_usage")}`);
    expect(rows).toEqual([{ first: "2025-10-30 20:00:00", last: "2025-11-01 03:00:00", inside: "24" }]);
    const params = generated.get("intervals-outside-month")?.params.run;
    expect([params?.month, params?.startDate, params?.endDate]).toEqual([10, "2025-10-31", "2025-10-31"]);
  },
  "node-label-change": async () => {
    const rows = await query(`select interval_start::date::varchar as day, count(distinct node_labels) as maps
                                from ${table(root("node-label-change"), "node_labels", "daily")} group by all order by 1`);
    expect(rows).toEqual([
      { day: "2025-10-01", maps: "2" },
      { day: "2025-10-02", maps: "1" },
    ]);
  },
  "duplicate-rows": async () => {
    const [row] = await query(
      `select count(*) as n, count(distinct interval_start) as hours from ${table(root("duplicate-rows"), "pod_usage")}`,
    );
    expect(row).toEqual({ n: "48", hours: "24" });
  },
  "quarter-hour-intervals": async () => {
    const [row] = await query(
      `select count(*) as n, max(node_capacity_cpu_core_seconds) as cap from ${table(root("quarter-hour-intervals"), "pod_usage")}`,
    );
    expect(row).toEqual({ n: "96", cap: 4 * 900 });
  },
  "gpu-nodes": async () => {
    const rows = await query(`select pod, mig_profile, mig_slice_count, gpu_pod_uptime as uptime
                                from ${table(root("gpu-nodes"), "gpu_usage", "daily")}
                               where interval_start::date = date '2025-11-02' order by 1`);
    expect(rows).toEqual([
      { pod: "infer-0", mig_profile: "1g.10gb", mig_slice_count: 1, uptime: 86400 },
      { pod: "notebook-0", mig_profile: "3g.40gb", mig_slice_count: 3, uptime: 86400 },
      { pod: "train-0", mig_profile: "", mig_slice_count: null, uptime: 86400 },
      { pod: "train-1", mig_profile: "", mig_slice_count: null, uptime: 43200 },
    ]);
  },
  "kubevirt-vms": async () => {
    const rows = await query(`select vm_name, max(interval_start)::varchar as last,
                                     string_agg(distinct vm_persistentvolumeclaim_name, ',' order by vm_persistentvolumeclaim_name) as pvcs
                                from ${table(root("kubevirt-vms"), "vm_usage")} group by all order by 1`);
    expect(rows).toEqual([
      { vm_name: "fedora", last: "2025-10-03 23:00:00", pvcs: "" },
      { vm_name: "old-vm", last: "2025-10-03 11:00:00", pvcs: "old-vm-rootdisk" },
      { vm_name: "rhel9", last: "2025-10-03 23:00:00", pvcs: "rhel9-rootdisk" },
      { vm_name: "win11", last: "2025-10-03 23:00:00", pvcs: "win11-data,win11-rootdisk" },
    ]);
    // Koku's daily roll-up keeps the larger claim name of a day.
    const daily = await query(`select distinct vm_persistentvolumeclaim_name as pvc
                                 from ${table(root("kubevirt-vms"), "vm_usage", "daily")} where vm_name = 'win11'`);
    expect(daily).toEqual([{ pvc: "win11-rootdisk" }]);
  },
  "kubevirt-vms-chunks": async () => {
    const rows =
      await query(`select vm_name, min(interval_start)::varchar as first, max(interval_start)::varchar as last
                                from ${table(root("kubevirt-vms-chunks"), "vm_usage")} group by all order by 1`);
    expect(rows).toEqual([
      { vm_name: "centos", first: "2025-10-08 00:00:00", last: "2025-10-12 23:00:00" },
      { vm_name: "rhel9", first: "2025-10-01 00:00:00", last: "2025-10-12 23:00:00" },
      { vm_name: "win11", first: "2025-10-01 00:00:00", last: "2025-10-05 11:00:00" },
    ]);
  },
  "kubevirt-vms-pods-only": async () => {
    expect(existsSync(join(root("kubevirt-vms-pods-only"), "data/parquet/org1234567/OCP/vm_usage"))).toBe(
      false,
    );
    expect(existsSync(join(root("kubevirt-vms"), "data/parquet/org1234567/OCP/vm_usage"))).toBe(true);
    const rows = await query(`select distinct json_extract_string(pod_labels, '$.vm_kubevirt_io_name') as vm
                                from ${table(root("kubevirt-vms-pods-only"), "pod_usage")} order by 1`);
    expect(rows.map((r) => r.vm)).toEqual(["fedora", "old-vm", "rhel9", "win11", null]);
  },
  "no-enabled-tag-keys": async () => {
    expect(generated.get("no-enabled-tag-keys")?.params.reference.enabledTagKeys).toEqual([]);
  },
};

async function expectLastDay(name: string, day: string): Promise<void> {
  const run = generated.get(name)?.params.run;
  expect(run?.startDate).toBe(day);
  const [row] =
    await query(`select interval_start::date::varchar as day, persistentvolumeclaim_capacity_byte_seconds as cap_s
                               from ${table(root(name), "storage_usage", "daily")}`);
  expect(row).toEqual({ day, cap_s: 10 * GIB * 86400 });
}

describe("named scenarios", () => {
  for (const [name, check] of Object.entries(checks)) {
    it(name, check);
  }

  it("every listed scenario has a check and states what it exercises", () => {
    const scenarios = listScenarios();
    expect(scenarios.map((s) => s.name).sort()).toEqual(Object.keys(checks).sort());
    for (const s of scenarios) {
      expect(s.description.length).toBeGreaterThan(20);
      expect(readFileSync(s.path, "utf8").startsWith("# Exercises:")).toBe(true);
    }
  });
});
