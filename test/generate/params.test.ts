/** params.json: written in the fixtures' exact format, loaded the same way for fixtures and datasets. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset, loadDatasetParams } from "../../src/generate/index.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("gen-params");
afterAll(() => dir.remove());

describe("params.json", () => {
  it("loads a sample fixture as run parameters and reference data", () => {
    const params = loadDatasetParams("test/fixtures/koku-samples/sample-basic");
    expect(params.run).toEqual({
      sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f",
      year: 2025,
      month: 10,
      startDate: "2025-10-30",
      endDate: "2025-10-31",
      clusterId: "cluster-sample-basic",
      clusterAlias: "Cluster sample-basic",
      reportPeriodId: 7,
      orgId: "org1234567",
      kokuSql: "trino",
    });
    expect(params.reference.enabledTagKeys).toContain("app");
    expect(params.reference.costCategories[0]).toEqual({ namespace: "openshift-%", cost_category_id: 1 });
    expect(params.reference.nodeRoles).toEqual([
      { node: "alpha", resource_id: "i-55555555", node_role: "worker" },
    ]);
    expect(params.counts?.pod_usage).toEqual({ hourly: 144, daily: 6 });
  });

  it("is written with the fixture's keys, key order and layout", async () => {
    const result = await generateDataset({ out: join(dir.path, "cc"), scenario: "cost-category" });
    const ours = readFileSync(join(result.dir, "params.json"), "utf8");
    const fixture = readFileSync("test/fixtures/koku-samples/sample-basic/params.json", "utf8");
    const keys = (text: string) => Object.keys(JSON.parse(text));
    expect(keys(ours)).toEqual(keys(fixture));
    expect(Object.keys(JSON.parse(ours).counts)).toEqual(Object.keys(JSON.parse(fixture).counts));
    expect(ours.endsWith("}")).toBe(true);
    expect(ours).toContain('\n  "enabled_tag_keys": [\n    "app"\n  ],');
    expect(loadDatasetParams(result.dir)).toEqual(result.params);
  });

  it("writes node_roles null when the dataset has no node table", async () => {
    const result = await generateDataset({ out: join(dir.path, "roles"), scenario: "node-roles" });
    expect(JSON.parse(readFileSync(join(result.dir, "params.json"), "utf8")).node_roles).toBeNull();
  });

  it("refuses to overwrite a dataset unless asked", async () => {
    const out = join(dir.path, "twice");
    await generateDataset({ out, scenario: "basic-pod" });
    await expect(generateDataset({ out, scenario: "basic-pod" })).rejects.toThrow(/already holds a dataset/);
    await expect(generateDataset({ out, scenario: "basic-pod", overwrite: true })).resolves.toBeDefined();
  });

  it("names a broken params.json", () => {
    expect(() => loadDatasetParams(join(dir.path, "missing"))).toThrow(/params\.json/);
  });
});
