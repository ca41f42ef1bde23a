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

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "ref-steps-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const SCENARIOS = ["inventory", "gpu-nodes", "kubevirt-vms", "node-roles", "storage", "special-characters"];

const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)));

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
          expect(
            inventory.nodes.map((n) => ({
              node: n.node,
              resource_id: n.resourceId,
              cap: n.capacityCpuCores,
              role: n.role,
              arch: n.architecture,
            })),
            `${kokuSql} nodes`,
          ).toEqual(expected.nodes);
          expect(
            inventory.pvcs.map((p) => ({
              pv: p.persistentVolume,
              pvc: p.persistentVolumeClaim,
              csi: p.csiVolumeHandle,
            })),
            `${kokuSql} pvcs`,
          ).toEqual(expected.pvcs);
          expect(inventory.projects, `${kokuSql} projects`).toEqual(expected.projects);

          const gpu = await computeGpuRows(source, files, run, reference);
          const key = (r: Record<string, unknown>) =>
            JSON.stringify([
              r.usage_start,
              r.namespace,
              r.node,
              r.gpu_uuid,
              r.mig_instance_id,
              r.mig_profile,
            ]);
          const wanted = new Map(expected.gpu.map((r) => [key(r), r]));
          expect(gpu.length, `${kokuSql} gpu rows`).toBe(expected.gpu.length);
          for (const row of gpu) {
            const other = wanted.get(key(row as unknown as Record<string, unknown>));
            expect(
              other,
              `${kokuSql} gpu row ${key(row as unknown as Record<string, unknown>)}`,
            ).toBeDefined();
            const o = other as Record<string, unknown>;
            for (const column of [
              "vendor_name",
              "model_name",
              "gpu_mode",
              "mig_strategy",
              "gpu_count",
              "mig_slice_count",
              "gpu_max_slices",
              "cost_category_id",
            ] as const) {
              expect(row[column], `${kokuSql} ${column}`).toEqual(o[column] ?? null);
            }
            expect(close(row.memory_capacity_gb, o.memory_capacity_gb as number | null)).toBe(true);
            expect(close(row.mig_memory_capacity_gb, o.mig_memory_capacity_gb as number | null)).toBe(true);
          }
        }
      } finally {
        await source.close();
      }
    });
  }
});
