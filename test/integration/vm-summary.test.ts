/**
 * The VM step against a real PostgreSQL: reporting_ocp_vm_summary_p from the generator's KubeVirt scenarios,
 * with a vm_usage report (the VMs of the report's latest instant) and without (Koku's pod fallback: the VM pods
 * of the second most recent day), re-runs replacing the rows, and Koku's 5-day chunks.
 */
import { describe, expect, it } from "vitest";
import { kokuDateChunks } from "../../src/sink/vm-summary-table.js";
import { useStepDatabase } from "./support/step-database.js";

const env = useStepDatabase("ocp-vm-");

async function runScenario(scenario: string, schema: string) {
  const generated = await env.generate(scenario, `${scenario}-${schema}`);
  return { generated, config: env.config(generated, { schema }) };
}

async function vmRows(schema: string) {
  const result = await env.client.query(
    `SELECT usage_start::text, usage_end::text, namespace, node, vm_name, persistentvolumeclaim AS pvc,
            pod_labels, resource_ids, round(persistentvolumeclaim_capacity_gigabyte_months, 9)::float AS cap,
            round(persistentvolumeclaim_usage_gigabyte_months, 9)::float AS usage, storageclass,
            cost_model_rate_type, pod_request_cpu_core_hours
       FROM ${schema}.reporting_ocp_vm_summary_p ORDER BY vm_name, persistentvolumeclaim`,
  );
  return result.rows;
}

const RBD = "ocs-storagecluster-ceph-rbd-virtualization";
// gigabyte-months are GiB (2^30 bytes) per day over the month's 31 days; the largest daily value
const month = (gib: number) => Math.round((gib / 31) * 1e9) / 1e9;

describe("VM step", () => {
  it("with a vm_usage report: one Storage row per VM disk, the report's last instant decides the VMs", async () => {
    const { config } = await runScenario("kubevirt-vms", "org_vm_r");
    const report = await env.run(config);
    expect(report.tables.reporting_ocp_vm_summary_p).toEqual({ deleted: 0, inserted: 3 });
    const rows = await vmRows("org_vm_r");
    expect(rows).toEqual([
      {
        usage_start: "2025-10-01",
        usage_end: "2025-10-03",
        namespace: "vms",
        node: "node-a",
        vm_name: "rhel9",
        pvc: "rhel9-rootdisk",
        pod_labels: { storage: "rbd" },
        resource_ids: ["i-0000000a"],
        cap: month(30),
        usage: month(12),
        storageclass: RBD,
        cost_model_rate_type: null,
        pod_request_cpu_core_hours: null,
      },
      expect.objectContaining({ vm_name: "win11", pvc: "win11-data", cap: month(100), usage: month(40) }),
      // the largest daily usage (25 GiB on 10-02), not the sum
      expect.objectContaining({ vm_name: "win11", pvc: "win11-rootdisk", cap: month(60), usage: month(25) }),
    ]);
    const again = await env.run(config);
    expect(again.tables.reporting_ocp_vm_summary_p).toEqual({ deleted: 3, inserted: 3 });
    expect(await vmRows("org_vm_r")).toEqual(rows);
  });

  it("without vm_usage: the VM pods of the second most recent day (old-vm counts, it ran on 10-02)", async () => {
    const { config } = await runScenario("kubevirt-vms-pods-only", "org_vm_p");
    await env.run(config);
    const rows = await vmRows("org_vm_p");
    expect(rows.map((r) => [r.vm_name, r.pvc, r.namespace, r.node])).toEqual([
      ["old-vm", "old-vm-rootdisk", "legacy", "node-b"],
      ["rhel9", "rhel9-rootdisk", "vms", "node-a"],
      ["win11", "win11-data", "vms", "node-b"],
      ["win11", "win11-rootdisk", "vms", "node-b"],
    ]);
  });

  it("a longer range works in Koku's 5-day chunks; --steps without vm leaves the table alone", async () => {
    expect(kokuDateChunks("2025-10-01", "2025-10-31")).toEqual([
      ["2025-10-01", "2025-10-06"],
      ["2025-10-07", "2025-10-11"],
      ["2025-10-12", "2025-10-16"],
      ["2025-10-17", "2025-10-21"],
      ["2025-10-22", "2025-10-26"],
      ["2025-10-27", "2025-10-31"],
    ]);
    expect(kokuDateChunks("2025-10-01", "2025-10-05")).toEqual([["2025-10-01", "2025-10-05"]]);
    expect(kokuDateChunks("2025-10-01", "2025-10-06")).toEqual([["2025-10-01", "2025-10-06"]]);
    expect(kokuDateChunks("2025-10-01", "2025-10-07")).toEqual([
      ["2025-10-01", "2025-10-06"],
      ["2025-10-07", "2025-10-07"],
    ]);
    expect(kokuDateChunks("2025-10-03", "2025-10-03")).toEqual([["2025-10-03", "2025-10-03"]]);

    const { config } = await runScenario("kubevirt-vms", "org_vm_r");
    config.run.steps = ["summary"];
    const report = await env.run(config);
    expect(report.tables.reporting_ocp_vm_summary_p).toBeUndefined();
    expect((await vmRows("org_vm_r")).length).toBe(3);
  });
});
