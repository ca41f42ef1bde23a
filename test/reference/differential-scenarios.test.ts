/**
 * Engine vs reference on every named generator scenario and on a multi-day month in per-day files (which
 * `aggregate` runs in day windows): both flavors, both modes. The engine runs through `aggregate`, which is
 * aggregateByDay collected, the very path the aggregate command writes with.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset, listScenarios } from "../../src/generate/index.js";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { listRunFiles } from "./fixture-files.js";

let runner: ReferenceRunner;
let workDir: string;
beforeAll(async () => {
  runner = await ReferenceRunner.create();
  workDir = mkdtempSync(join(tmpdir(), "ref-scenarios-"));
});
afterAll(() => {
  runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

/**
 * Scenarios where engine and reference disagree today, with the reason; `it.fails` turns red when
 * the disagreement goes away, so the entry gets removed.
 */
const KNOWN_DISCREPANCIES: Record<string, string> = {
  // (none) — "effective-usage" (a daily pod file without pod_effective_usage_*, as older Koku wrote) was one
  // while the engine derived pod rows from hourly files; it now reads the daily files like Koku's SQL.
};

describe("engine vs reference on the named scenarios", () => {
  for (const scenario of listScenarios()) {
    const test = scenario.name in KNOWN_DISCREPANCIES ? it.fails : it;
    test(scenario.name, { timeout: 60_000 }, async () => {
      const generated = await generateDataset({ out: join(workDir, scenario.name), scenario: scenario.name });
      const { run: baseRun, reference } = generated.params;
      const files = listRunFiles(join(generated.dir, "data/parquet"), {
        orgId: baseRun.orgId ?? "",
        sourceUuid: baseRun.sourceUuid,
        year: baseRun.year,
        month: baseRun.month,
      });
      for (const kokuSql of ["trino", "onprem"] as const) {
        const run = { ...baseRun, kokuSql };
        const expected = await runner.run({ files, run, reference });
        for (const mode of ["streaming", "in-memory"] as const) {
          const source = new LocalSource(generated.dir);
          try {
            const actual = (await aggregate({ source, run, reference, mode })).rows;
            const result = compareRowSets(actual, expected);
            expect(
              result.equal,
              `${kokuSql} ${mode}: engine (actual) vs reference (expected)\n${result.report}`,
            ).toBe(true);
          } finally {
            await source.close();
          }
        }
      }
    });
  }

  it("a multi-day month in one file per day: day windows agree with the reference", {
    timeout: 60_000,
  }, async () => {
    const generated = await generateDataset({
      out: join(workDir, "per-day-files"),
      size: { nodes: 3, podsPerNode: 4, days: 3 },
      startDate: "2025-03-27",
      filesPerType: 3,
      seed: 11,
    });
    const { run: baseRun, reference } = generated.params;
    const files = listRunFiles(join(generated.dir, "data/parquet"), {
      orgId: baseRun.orgId ?? "",
      sourceUuid: baseRun.sourceUuid,
      year: baseRun.year,
      month: baseRun.month,
    });
    for (const kokuSql of ["trino", "onprem"] as const) {
      const run = { ...baseRun, kokuSql };
      const expected = await runner.run({ files, run, reference });
      for (const mode of ["streaming", "in-memory"] as const) {
        const source = new LocalSource(generated.dir);
        try {
          const engine = await aggregate({ source, run, reference, mode });
          expect(engine.windows).toBe(3);
          const result = compareRowSets(engine.rows, expected);
          expect(result.equal, `${kokuSql} ${mode}: engine vs reference\n${result.report}`).toBe(true);
        } finally {
          await source.close();
        }
      }
    }
  });
});
