/** Engine vs the DuckDB rendering of Koku's OCP-on-AWS SQL on every generated scenario, cpu and memory distribution. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAwsScenarios } from "../../src/aws/generate/cur-scenario.js";
import { compareRowSets } from "../../src/aws/reference/compare-project.js";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { engineRows, generateOcpOnAwsDataset, referenceRows } from "./helpers.js";

let runner: ReferenceRunner;
let workDir: string;
beforeAll(async () => {
  runner = await ReferenceRunner.create();
  workDir = mkdtempSync(join(tmpdir(), "aws-diff-"));
});
afterAll(() => {
  runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Scenarios with EC2 instances split by usage: also checked with memory distribution (the others split the same way). */
const MEMORY_TOO = new Set(["resource-matching", "cost-types", "zero-usage", "storage-ebs"]);

describe("OCP on AWS: engine vs DuckDB reference", () => {
  for (const scenario of listAwsScenarios()) {
    it(`${scenario.name} (POC ${scenario.poc.join(", ") || "-"})`, { timeout: 90_000 }, async () => {
      const ds = await generateOcpOnAwsDataset({
        scenario: scenario.name,
        out: join(workDir, scenario.name),
        seed: 7,
      });
      const distributions = MEMORY_TOO.has(scenario.name) ? (["cpu", "memory"] as const) : (["cpu"] as const);
      for (const distribution of distributions) {
        const params = { ...ds.params, distribution };
        const actual = await engineRows(ds, params);
        const expected = await referenceRows(ds, runner, params);
        expect(expected.rows.length, "the scenario produces rows").toBeGreaterThan(0);
        const result = compareRowSets(
          actual as unknown as Record<string, unknown>[],
          expected.rows as unknown as Record<string, unknown>[],
        );
        expect(
          result.equal,
          `${distribution}: engine (actual) vs reference (expected)\n${result.report}`,
        ).toBe(true);
      }
    });
  }
});
