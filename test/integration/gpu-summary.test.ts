/**
 * The GPU step against a real PostgreSQL: reporting_ocp_gpu_summary_p from the generator's "gpu-nodes"
 * scenario in both renderings, replaced (not duplicated) by a re-run, in the run's transaction.
 */
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GenerateResult } from "../../src/generate/index.js";
import type { KokuSqlFlavor } from "../../src/model.js";
import { useStepDatabase } from "./support/step-database.js";

const env = useStepDatabase("ocp-gpu-");
let dataset: GenerateResult;

beforeAll(async () => {
  dataset = await env.generate("gpu-nodes", "gpu");
});

const configFor = (schema: string, kokuSql: KokuSqlFlavor) => env.config(dataset, { schema, kokuSql });

async function gpuRows(schema: string) {
  const result = await env.client.query(
    `SELECT usage_start::text, usage_end::text, cluster_id, cluster_alias, namespace, node, vendor_name,
            model_name, memory_capacity_gb::text, gpu_count, mig_instance_id, gpu_uuid, gpu_mode, mig_profile,
            mig_slice_count, gpu_max_slices, mig_strategy, mig_memory_capacity_gb::text, source_uuid::text,
            cost_category_id
       FROM ${schema}.reporting_ocp_gpu_summary_p ORDER BY usage_start, namespace`,
  );
  return result.rows;
}

describe("GPU step", () => {
  it("trino: one row per day and GPU (instance) and namespace; an empty MIG profile reads as MIG", async () => {
    const report = await env.run(configFor("org_gpu_t", "trino"));
    expect(report.tables.reporting_ocp_gpu_summary_p).toEqual({ deleted: 0, inserted: 5 });
    const rows = await gpuRows("org_gpu_t");
    expect(rows.map((r) => [r.usage_start, r.namespace, r.gpu_mode, r.mig_profile])).toEqual([
      ["2025-11-01", "ml-infer", "MIG", "1g.10gb"],
      ["2025-11-01", "ml-train", "MIG", ""],
      ["2025-11-02", "ml-infer", "MIG", "1g.10gb"],
      ["2025-11-02", "ml-train", "MIG", ""],
      ["2025-11-02", "research", "MIG", "3g.40gb"],
    ]);
    expect(rows[0]).toEqual({
      usage_start: "2025-11-01",
      usage_end: "2025-11-01",
      cluster_id: "cluster-gpu-nodes",
      cluster_alias: "Cluster gpu-nodes",
      namespace: "ml-infer",
      node: "gpu-1",
      vendor_name: "nvidia",
      model_name: "A100 SXM4 40GB",
      memory_capacity_gb: "42.949672960000000",
      gpu_count: null,
      mig_instance_id: "MIG-a100-0001-1",
      gpu_uuid: "GPU-a100-0001",
      gpu_mode: "MIG",
      mig_profile: "1g.10gb",
      mig_slice_count: 1,
      gpu_max_slices: 7,
      mig_strategy: "mixed",
      mig_memory_capacity_gb: "10.737418240000000",
      source_uuid: dataset.params.run.sourceUuid,
      cost_category_id: 4,
    });
    // The two pods sharing the T4 are one row; the research namespace matches no category.
    expect(rows[1]).toMatchObject({ gpu_uuid: "GPU-t4-0001", mig_instance_id: "", mig_slice_count: null });
    expect(rows[4].cost_category_id).toBeNull();

    const again = await env.run(configFor("org_gpu_t", "trino"));
    expect(again.tables.reporting_ocp_gpu_summary_p).toEqual({ deleted: 5, inserted: 5 });
    expect(await gpuRows("org_gpu_t")).toEqual(rows);
  });

  it("onprem: '' profiles are dedicated, gpu_count filled", async () => {
    await env.run(configFor("org_gpu_o", "onprem"));
    const rows = await gpuRows("org_gpu_o");
    expect(rows.map((r) => [r.namespace, r.gpu_mode, r.mig_profile, r.gpu_count])).toEqual([
      ["ml-infer", "MIG", "1g.10gb", 1],
      ["ml-train", "dedicated", null, 1],
      ["ml-infer", "MIG", "1g.10gb", 1],
      ["ml-train", "dedicated", null, 1],
      ["research", "MIG", "3g.40gb", 1],
    ]);
  });

  it("--steps without gpu leaves the table alone; a source without GPU data clears the range", async () => {
    const noGpu = configFor("org_gpu_t", "trino");
    noGpu.run.steps = ["summary", "inventory", "vm"];
    const report = await env.run(noGpu);
    expect(report.tables.reporting_ocp_gpu_summary_p).toBeUndefined();
    expect((await gpuRows("org_gpu_t")).length).toBe(5);

    // The same cluster without its gpu_usage files (e.g. the GPUs were removed): Koku's loop still clears the range.
    const copy = join(env.workDir, "nogpu");
    cpSync(dataset.dir, copy, { recursive: true });
    for (const tree of ["data/parquet", "data/parquet/daily"]) {
      rmSync(join(copy, tree, "org1234567/OCP/gpu_usage"), { recursive: true, force: true });
    }
    const config = env.config(dataset, {
      schema: "org_gpu_t",
      input: copy,
      startDate: "2025-11-01",
      endDate: "2025-11-01",
    });
    const cleared = await env.run(config);
    expect(cleared.tables.reporting_ocp_gpu_summary_p).toEqual({ deleted: 2, inserted: 0 });
    expect((await gpuRows("org_gpu_t")).map((r) => r.usage_start)).toEqual([
      "2025-11-02",
      "2025-11-02",
      "2025-11-02",
    ]);
  });
});
