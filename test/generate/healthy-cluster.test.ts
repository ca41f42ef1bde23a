/**
 * The generated clusters are healthy (issue #13 point 8): pods fit their nodes as the scheduler places them,
 * so node capacity is never below the pods' effective usage and no unallocated row goes negative. The demo's
 * month is the first thing a new user sees.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";

const out = mkdtempSync(join(tmpdir(), "ocp-agg-healthy-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const SHAPES = [
  ["the demo's shape (app pods on a small control-plane node)", { nodes: 4, podsPerNode: 6, days: 2 }],
  ["crowded nodes", { nodes: 3, podsPerNode: 30, days: 1 }],
] as const;

describe("scale datasets", () => {
  for (const [label, size] of SHAPES) {
    it(`have capacity >= usage on every node: ${label}`, async () => {
      const dataset = await generateDataset({
        out: join(out, `${size.nodes}x${size.podsPerNode}`),
        size,
        startDate: "2025-11-01",
        seed: 7,
      });
      const { run, reference } = dataset.params;
      const source = new LocalSource(dataset.dir);
      const result = await aggregate({ source, run, reference });
      await source.close();
      const unallocated = result.rows.filter((r) => r.namespace?.endsWith(" unallocated"));
      expect(unallocated.map((r) => r.namespace)).toContain("Platform unallocated");
      expect(unallocated.map((r) => r.namespace)).toContain("Worker unallocated");
      for (const row of unallocated) {
        const where = `${row.namespace} ${row.node} ${row.usage_start}`;
        expect(Number(row.pod_usage_cpu_core_hours), where).toBeGreaterThanOrEqual(0);
        expect(Number(row.pod_usage_memory_gigabyte_hours), where).toBeGreaterThanOrEqual(0);
      }
    });
  }
});
