/** The YAML config a bench child gets carries the dataset's run parameters and reference data intact. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBenchConfig } from "../../src/bench/config-file.js";
import type { PreparedDataset } from "../../src/bench/datasets.js";
import { defaultCacheDir, engineInputRows } from "../../src/bench/datasets.js";
import { loadConfigDetailed } from "../../src/config/load.js";

const dir = mkdtempSync(join(tmpdir(), "ocp-bench-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataset(nodeRoles: PreparedDataset["params"]["reference"]["nodeRoles"]): PreparedDataset {
  return {
    id: "1m",
    scale: "1m",
    variant: "base",
    intervalMinutes: 60,
    filesPerType: 1,
    dir: "/data/bench/1m",
    inputRows: 10,
    generatedSeconds: null,
    params: {
      run: {
        sourceUuid: "8be43bb8-fee3-5947-b101-b50daa7b72a0",
        year: 2025,
        month: 10,
        startDate: "2025-10-01",
        endDate: "2025-10-05",
        clusterId: "cluster-x",
        clusterAlias: null,
        reportPeriodId: 1,
        orgId: "org1234567",
        kokuSql: "trino",
      },
      reference: {
        enabledTagKeys: ["app", "env"],
        costCategories: [{ namespace: "openshift-%", cost_category_id: 1 }],
        nodeRoles,
      },
      counts: null,
    },
  };
}

describe("bench config file", () => {
  it("loads through the normal config loader with the run and reference data", () => {
    const roles = [{ node: "n1", resource_id: "i-1", node_role: "worker" }];
    const file = writeBenchConfig(dir, dataset(roles));
    const { config } = loadConfigDetailed({ file, env: {} });
    expect(config.input).toBe("/data/bench/1m");
    expect(config.run).toMatchObject({
      sourceUuid: "8be43bb8-fee3-5947-b101-b50daa7b72a0",
      year: 2025,
      month: 10,
      startDate: "2025-10-01",
      endDate: "2025-10-05",
      clusterId: "cluster-x",
      clusterAlias: null,
      reportPeriodId: 1,
      orgId: "org1234567",
    });
    expect(config.reference).toEqual({
      enabledTagKeys: ["app", "env"],
      costCategories: [{ namespace: "openshift-%", cost_category_id: 1 }],
      nodeRoles: roles,
    });
  });

  it("leaves node roles unset (derived from the data) when the dataset has no node table", () => {
    const file = writeBenchConfig(dir, { ...dataset(null), id: "derived" });
    expect(loadConfigDetailed({ file, env: {} }).config.reference.nodeRoles).toBeNull();
  });
});

describe("dataset helpers", () => {
  it("counts the rows the engine reads: hourly where there are hourly files, else daily", () => {
    const params = dataset(null).params;
    params.counts = {
      pod_usage: { hourly: 100, daily: 5 },
      storage_usage: { hourly: 0, daily: 7 },
      node_labels: { hourly: 3, daily: 1 },
      namespace_labels: { hourly: 2, daily: 1 },
    };
    expect(engineInputRows(params)).toBe(112);
  });

  it("puts the cache under XDG_CACHE_HOME when set", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/ocp-aggregator/bench");
  });
});
