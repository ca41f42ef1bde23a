/**
 * The GPU step against a real PostgreSQL: reporting_ocp_gpu_summary_p from the generator's "gpu-nodes"
 * scenario in both renderings, replaced (not duplicated) by a re-run, in the run's transaction.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import { type GenerateResult, generateDataset } from "../../src/generate/index.js";
import type { KokuSqlFlavor } from "../../src/model.js";
import { datasetOverrides } from "../../src/run/dataset-config.js";
import { runAggregateJob } from "../../src/run/job.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

const logger = createLogger({ level: "error", format: "json" });

let db: TestPostgres;
let client: pg.Client;
let workDir: string;
let dataset: GenerateResult;

function configFor(schema: string, kokuSql: KokuSqlFlavor) {
  const base = datasetOverrides(dataset.params, dataset.dir);
  return loadConfig({
    env: {},
    overrides: { ...base, run: { ...base.run, kokuSql }, database: { url: db.url, schema } },
  });
}

async function gpuRows(schema: string) {
  const result = await client.query(
    `SELECT usage_start::text, usage_end::text, cluster_id, cluster_alias, namespace, node, vendor_name,
            model_name, memory_capacity_gb::text, gpu_count, mig_instance_id, gpu_uuid, gpu_mode, mig_profile,
            mig_slice_count, gpu_max_slices, mig_strategy, mig_memory_capacity_gb::text, source_uuid::text,
            cost_category_id
       FROM ${schema}.reporting_ocp_gpu_summary_p ORDER BY usage_start, namespace`,
  );
  return result.rows;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "ocp-gpu-"));
  dataset = await generateDataset({ out: join(workDir, "gpu"), scenario: "gpu-nodes" });
  db = await startTestPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("GPU step", () => {
  it("trino: one row per day and GPU (instance) and namespace; an empty MIG profile reads as MIG", async () => {
    const report = await runAggregateJob(configFor("org_gpu_t", "trino"), { logger });
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

    const again = await runAggregateJob(configFor("org_gpu_t", "trino"), { logger });
    expect(again.tables.reporting_ocp_gpu_summary_p).toEqual({ deleted: 5, inserted: 5 });
    expect(await gpuRows("org_gpu_t")).toEqual(rows);
  });

  it("onprem: '' profiles are dedicated, gpu_count filled", async () => {
    await runAggregateJob(configFor("org_gpu_o", "onprem"), { logger });
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
    const report = await runAggregateJob(noGpu, { logger });
    expect(report.tables.reporting_ocp_gpu_summary_p).toBeUndefined();
    expect((await gpuRows("org_gpu_t")).length).toBe(5);

    // The same cluster without its gpu_usage files (e.g. the GPUs were removed): Koku's loop still clears the range.
    const copy = join(workDir, "nogpu");
    cpSync(dataset.dir, copy, { recursive: true });
    for (const tree of ["data/parquet", "data/parquet/daily"]) {
      rmSync(join(copy, tree, "org1234567/OCP/gpu_usage"), { recursive: true, force: true });
    }
    const base = datasetOverrides(dataset.params, copy);
    const config = loadConfig({
      env: {},
      overrides: {
        ...base,
        run: { ...base.run, startDate: "2025-11-01", endDate: "2025-11-01" },
        database: { url: db.url, schema: "org_gpu_t" },
      },
    });
    const cleared = await runAggregateJob(config, { logger });
    expect(cleared.tables.reporting_ocp_gpu_summary_p).toEqual({ deleted: 2, inserted: 0 });
    expect((await gpuRows("org_gpu_t")).map((r) => r.usage_start)).toEqual([
      "2025-11-02",
      "2025-11-02",
      "2025-11-02",
    ]);
  });
});
