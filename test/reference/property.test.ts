/**
 * Property: on any small random dataset the engine and the DuckDB reference give the same rows
 * (both flavors, both modes). fast-check shrinks a failure to a small dataset and prints it with its
 * seed; rerun one with PROPERTY_SEED=<seed>. PROPERTY_RUNS changes the number of cases (default 200).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { expectEngineMatchesReference } from "./engine-vs-reference.js";
import { randomDataset } from "./random-dataset.js";

const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

let runner: ReferenceRunner;
let workDir: string;
beforeAll(async () => {
  runner = await ReferenceRunner.create();
  workDir = mkdtempSync(join(tmpdir(), "ref-property-"));
});
afterAll(() => {
  runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe("engine vs reference on random datasets", () => {
  it(`agree on ${NUM_RUNS} random cases`, { timeout: 900_000 }, async () => {
    let caseNumber = 0;
    let multiWindow = 0;
    await fc.assert(
      fc.asyncProperty(randomDataset, async (ds) => {
        const { windows } = await expectEngineMatchesReference(
          runner,
          ds,
          join(workDir, `case-${++caseNumber}`),
        );
        if (windows > 1) multiWindow++;
      }),
      { numRuns: NUM_RUNS, seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined },
    );
    // The engine runs as `aggregate` does, so day-windowed runs (one file per day, node roles given) are checked.
    if (NUM_RUNS >= 50) expect(multiWindow).toBeGreaterThan(0);
  });
});
