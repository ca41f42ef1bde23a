/**
 * The inventory step against a real PostgreSQL: Koku's four tables from the generator's "inventory" scenario,
 * a re-run over another day range updating in place (nothing deleted), Koku's fill-if-empty rules on rows
 * changed by hand, and the all-or-nothing run transaction.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GenerateResult } from "../../src/generate/index.js";
import { type RunOptions, useStepDatabase } from "./support/step-database.js";

const schema = "org_inv";
const env = useStepDatabase("ocp-inventory-");
let dataset: GenerateResult;

beforeAll(async () => {
  dataset = await env.generate("inventory");
});

const configFor = (extra: Omit<RunOptions, "schema"> = {}) => env.config(dataset, { ...extra, schema });

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await env.client.query(sql)).rows;
}

async function nodes() {
  return rows(
    `SELECT node, resource_id, node_capacity_cpu_cores::text AS cpu, node_role, architecture
       FROM ${schema}.reporting_ocp_nodes ORDER BY node, node_capacity_cpu_cores`,
  );
}

describe("inventory step", () => {
  it("creates Koku's four tables with the run's clusters, nodes, PVCs and projects", async () => {
    const report = await env.run(configFor());
    expect(report.tables.reporting_ocp_clusters).toEqual({ inserted: 1, updated: 0, deleted: 0 });
    expect(report.tables.reporting_ocp_nodes).toEqual({ inserted: 4, updated: 0 });

    const clusters = await rows(
      `SELECT cluster_id, cluster_alias, provider_id::text FROM ${schema}.reporting_ocp_clusters`,
    );
    expect(clusters).toEqual([
      {
        cluster_id: "cluster-inventory",
        cluster_alias: "Cluster inventory",
        provider_id: dataset.params.run.sourceUuid,
      },
    ]);
    // orphan-0 has no node_labels rows: no row; late-0 only runs from day 3 (outside the range).
    expect(await nodes()).toEqual([
      { node: "arm-0", resource_id: "i-0000000e", cpu: "4.50", node_role: "worker", architecture: "arm64" },
      { node: "infra-0", resource_id: "i-0000000b", cpu: "8.00", node_role: "infra", architecture: "amd64" },
      {
        node: "master-0",
        resource_id: "i-0000000a",
        cpu: "8.00",
        node_role: "master",
        architecture: "amd64",
      },
      {
        node: "worker-0",
        resource_id: "i-0000000c",
        cpu: "16.00",
        node_role: "worker",
        architecture: "amd64",
      },
    ]);
    expect(
      await rows(
        `SELECT persistent_volume, persistent_volume_claim, csi_volume_handle FROM ${schema}.reporting_ocp_pvcs ORDER BY 1`,
      ),
    ).toEqual([
      {
        persistent_volume: "pv-data",
        persistent_volume_claim: "data",
        csi_volume_handle: "vol-0000000000000001",
      },
      { persistent_volume: "pv-scratch", persistent_volume_claim: "scratch", csi_volume_handle: "" },
    ]);
    expect(await rows(`SELECT project FROM ${schema}.reporting_ocp_projects ORDER BY 1`)).toEqual([
      { project: "apps" },
      { project: "openshift-ingress" },
      { project: "openshift-kube-apiserver" },
    ]);
    // Every child row belongs to the one cluster row.
    expect(
      await rows(
        `SELECT count(*)::int AS n FROM ${schema}.reporting_ocp_nodes n
           JOIN ${schema}.reporting_ocp_clusters c ON c.uuid = n.cluster_id`,
      ),
    ).toEqual([{ n: 4 }]);
  });

  it("a re-run over another day range adds what is new and keeps the rest, filling empty roles", async () => {
    // Emptied by hand (Koku fills a row whose role OR architecture is empty, overwriting both).
    await env.client.query(
      `UPDATE ${schema}.reporting_ocp_nodes SET architecture = NULL, node_role = 'custom' WHERE node = 'worker-0'`,
    );
    await env.client.query(
      `UPDATE ${schema}.reporting_ocp_nodes SET node_role = 'kept' WHERE node = 'arm-0'`,
    );
    await env.client.query(
      `UPDATE ${schema}.reporting_ocp_pvcs SET csi_volume_handle = NULL WHERE persistent_volume = 'pv-scratch'`,
    );
    const report = await env.run(configFor({ startDate: "2025-10-03", endDate: "2025-10-04" }));
    expect(report.tables.reporting_ocp_clusters).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(report.tables.reporting_ocp_nodes).toEqual({ inserted: 1, updated: 1 });
    const after = await nodes();
    expect(after.map((n) => n.node)).toEqual(["arm-0", "infra-0", "late-0", "master-0", "worker-0"]);
    expect(after.find((n) => n.node === "worker-0")).toMatchObject({
      node_role: "worker",
      architecture: "amd64",
    });
    expect(after.find((n) => n.node === "arm-0")).toMatchObject({ node_role: "kept", architecture: "arm64" });
    expect(after.find((n) => n.node === "late-0")).toMatchObject({
      node_role: "worker",
      architecture: "amd64",
    });
    expect(
      await rows(`SELECT persistent_volume, csi_volume_handle FROM ${schema}.reporting_ocp_pvcs ORDER BY 1`),
    ).toEqual([
      { persistent_volume: "pv-data", csi_volume_handle: "vol-0000000000000001" },
      { persistent_volume: "pv-late", csi_volume_handle: "vol-0000000000000002" },
      // an empty handle is filled with this run's value, here '' again (the volume has none)
      { persistent_volume: "pv-scratch", csi_volume_handle: "" },
    ]);
    expect(
      (await rows(`SELECT project FROM ${schema}.reporting_ocp_projects ORDER BY 1`)).map((r) => r.project),
    ).toEqual(["apps", "batch", "openshift-ingress", "openshift-kube-apiserver"]);
  });

  it("a changed capacity adds a node row; a new alias updates the cluster row in place", async () => {
    await env.client.query(
      `UPDATE ${schema}.reporting_ocp_nodes SET node_capacity_cpu_cores = 99 WHERE node = 'master-0'`,
    );
    const report = await env.run(configFor({ clusterAlias: "Renamed" }));
    expect(report.tables.reporting_ocp_clusters).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect(report.tables.reporting_ocp_nodes).toEqual({ inserted: 1, updated: 0 });
    expect((await nodes()).filter((n) => n.node === "master-0").map((n) => n.cpu)).toEqual(["8.00", "99.00"]);
    expect(await rows(`SELECT cluster_id, cluster_alias FROM ${schema}.reporting_ocp_clusters`)).toEqual([
      { cluster_id: "cluster-inventory", cluster_alias: "Renamed" },
    ]);
  });

  it("several cluster rows of the source: those with another alias go, with their nodes", async () => {
    const stray = "00000000-0000-0000-0000-000000000001";
    await env.client.query(
      `INSERT INTO ${schema}.reporting_ocp_clusters VALUES ($1, 'old-id', 'Old alias', $2)`,
      [stray, dataset.params.run.sourceUuid],
    );
    await env.client.query(
      `INSERT INTO ${schema}.reporting_ocp_nodes VALUES (gen_random_uuid(), 'ghost', NULL, 1, $1, 'worker', NULL)`,
      [stray],
    );
    const report = await env.run(configFor({ clusterAlias: "Renamed" }));
    expect(report.tables.reporting_ocp_clusters).toEqual({ inserted: 0, updated: 0, deleted: 1 });
    expect(
      await rows(`SELECT count(*)::int AS n FROM ${schema}.reporting_ocp_nodes WHERE node = 'ghost'`),
    ).toEqual([{ n: 0 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM ${schema}.reporting_ocp_clusters`)).toEqual([{ n: 1 }]);
  });

  it("a re-run of nodes without an architecture label counts no update (the same values are not rewritten)", async () => {
    const gpu = await env.generate("gpu-nodes");
    const config = env.config(gpu, { schema: "org_inv_noarch" });
    config.run.steps = ["inventory"];
    expect((await env.run(config)).tables.reporting_ocp_nodes).toEqual({ inserted: 2, updated: 0 });
    expect((await env.run(config)).tables.reporting_ocp_nodes).toEqual({ inserted: 0, updated: 0 });
  });

  it("a run that fails later leaves the inventory as it was (one transaction)", async () => {
    const before = await nodes();
    const copy = await env.generate("inventory", "broken");
    const podDir = join(
      copy.dir,
      "data/parquet/org1234567/OCP/pod_usage",
      `source=${copy.params.run.sourceUuid}`,
      "year=2025/month=10",
    );
    writeFileSync(join(podDir, "zzzz_corrupt.parquet"), Buffer.from("PAR1 not parquet PAR1"));
    await env.client.query(`DELETE FROM ${schema}.reporting_ocp_nodes WHERE node = 'late-0'`);
    const withoutLate = await nodes();
    await expect(
      env.run(configFor({ input: copy.dir, startDate: "2025-10-03", endDate: "2025-10-04" })),
    ).rejects.toThrow(/zzzz_corrupt\.parquet/);
    expect(await nodes()).toEqual(withoutLate);
    expect(withoutLate.length).toBe(before.length - 1);
  });

  it("--steps summary leaves the inventory alone; --steps inventory leaves the summary alone", async () => {
    await env.client.query(`DELETE FROM ${schema}.reporting_ocp_projects WHERE project = 'batch'`);
    const summaryOnly = configFor({ startDate: "2025-10-03", endDate: "2025-10-04" });
    summaryOnly.run.steps = ["summary"];
    const a = await env.run(summaryOnly);
    expect(a.tables).toEqual({});
    expect(a.outputRows.total).toBeGreaterThan(0);
    expect(
      await rows(`SELECT count(*)::int AS n FROM ${schema}.reporting_ocp_projects WHERE project = 'batch'`),
    ).toEqual([{ n: 0 }]);
    const summaryRows = await rows(
      `SELECT count(*)::int AS n FROM ${schema}.reporting_ocpusagelineitem_daily_summary`,
    );
    const inventoryOnly = configFor({ startDate: "2025-10-03", endDate: "2025-10-04" });
    inventoryOnly.run.steps = ["inventory"];
    const b = await env.run(inventoryOnly);
    expect(b.outputRows.total).toBe(0);
    expect(b.deletedRows).toBe(0);
    expect(b.tables.reporting_ocp_projects).toEqual({ inserted: 1 });
    expect(
      await rows(`SELECT count(*)::int AS n FROM ${schema}.reporting_ocpusagelineitem_daily_summary`),
    ).toEqual(summaryRows);
  });
});
