/**
 * Property: on any small random dataset the engine and the DuckDB reference give the same rows
 * (both flavors, both modes). fast-check shrinks a failure to a small dataset and prints it with its
 * seed; rerun one with PROPERTY_SEED=<seed>. The seed is fixed unless PROPERTY_SEED is set
 * (test/support/fast-check-seed.ts); PROPERTY_SEED=random explores new cases. PROPERTY_RUNS changes the number of cases (default 200).
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

/** Cases fast-check once found, kept so they are checked on every run whatever the seed. */
const FOUND_COUNTEREXAMPLES: { why: string; dataset: unknown }[] = [
  {
    // Koku's infra test is a LIKE on the raw label text: compact JSON without the `": "` space is a worker.
    why: "compact node-label text is not infra",
    dataset: {
      month: { year: 2024, month: 2 },
      startDay: 1,
      days: 1,
      pods: [
        {
          day: 0,
          hour: 0,
          namespace: "ns1",
          node: "n2",
          pod: "p1",
          resource_id: "i-1",
          pod_labels: '{"node_role_kubernetes_io": "infra"}',
          node_role: null,
          measures: [0, 0, 0, 0, null, null, 0, 0, 0, 0],
        },
      ],
      storage: [],
      nodeLabels: [{ day: 0, hour: 0, node: "n2", labels: '{"node_role_kubernetes_io":"infra"}' }],
      namespaceLabels: [],
      fileSplit: Array(40).fill(false),
      filePerDay: false,
      withNodeRoleColumn: false,
      withStorageOptionalColumns: false,
      enabledTagKeys: [],
      costCategories: [],
      nodeRoles: null,
      kokuSql: "trino",
      mode: "streaming",
    },
  },
];

describe("engine vs reference on random datasets", () => {
  for (const [i, found] of FOUND_COUNTEREXAMPLES.entries()) {
    it(`agree on a case found before: ${found.why}`, async () => {
      await expectEngineMatchesReference(
        runner,
        found.dataset as Parameters<typeof expectEngineMatchesReference>[1],
        join(workDir, `found-${i}`),
      );
    });
  }

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
      { numRuns: NUM_RUNS },
    );
    // The engine runs as `aggregate` does, so day-windowed runs (one file per day, node roles given) are checked.
    if (NUM_RUNS >= 50) expect(multiWindow).toBeGreaterThan(0);
  });
});
