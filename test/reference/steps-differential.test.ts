/**
 * Engine vs the DuckDB renderings of Koku's inventory and GPU queries (src/reference/steps-reference.ts) on
 * generator scenarios, both renderings: nodes (role, architecture, capacity), PVCs, projects, GPU rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import type { InputFile } from "../../src/model.js";
import { runStepReference } from "../../src/reference/steps-reference.js";
import { filesOf } from "../../src/run/scan.js";
import { computeGpuRows, computeInventory } from "../../src/run/steps.js";
import { LocalSource } from "../../src/source/local.js";
import { compareSteps } from "../../src/verify/compare-steps.js";

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "ref-steps-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const SCENARIOS = ["inventory", "gpu-nodes", "kubevirt-vms", "node-roles", "storage", "special-characters"];

describe("inventory and GPU rows: engine vs reference", () => {
  for (const scenario of SCENARIOS) {
    it(scenario, { timeout: 60_000 }, async () => {
      const generated = await generateDataset({ out: join(workDir, scenario), scenario });
      const { run: baseRun, reference } = generated.params;
      const source = new LocalSource(generated.dir);
      try {
        const files = await source.list({
          orgId: baseRun.orgId,
          sourceUuid: baseRun.sourceUuid,
          year: baseRun.year,
          month: baseRun.month,
        });
        const paths = (list: InputFile[]) => list.map((f) => f.location);
        for (const kokuSql of ["trino", "onprem"] as const) {
          const run = { ...baseRun, kokuSql };
          const expected = await runStepReference({
            files: {
              pod_usage: paths(filesOf(files, "pod_usage", "daily")),
              node_labels: paths(filesOf(files, "node_labels", "daily")),
              storage_usage: paths(filesOf(files, "storage_usage", "daily")),
              gpu_usage: paths(filesOf(files, "gpu_usage", kokuSql === "onprem" ? "hourly" : "daily")),
            },
            startDate: run.startDate,
            endDate: run.endDate,
            flavor: kokuSql,
            costCategories: reference.costCategories,
          });
          const inventory = await computeInventory(source, files, run);
          const gpu = await computeGpuRows(source, files, run, reference);
          const comparison = compareSteps(inventory, gpu, expected);
          expect(comparison.differences, kokuSql).toEqual([]);
          expect(comparison.counts.nodes + comparison.counts.projects).toBeGreaterThan(0);
          if (inventory.nodes.length > 0) {
            // The comparison does see a difference: one changed role is reported.
            const changed = {
              ...inventory,
              nodes: [{ ...inventory.nodes[0], role: "changed" }, ...inventory.nodes.slice(1)],
            };
            expect(compareSteps(changed, gpu, expected).differences.length).toBe(2);
          }
        }
      } finally {
        await source.close();
      }
    });
  }
});
