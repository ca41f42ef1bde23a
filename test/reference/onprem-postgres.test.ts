/**
 * Koku's onprem SQL run by a real PostgreSQL agrees with the DuckDB reference's onprem flavor: on the
 * samples (and their expected-onprem.csv) and on random datasets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readExpectedCsv } from "../../src/verify/expected-csv.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { loadSample, SAMPLE_NAMES } from "./fixture-files.js";
import { randomDataset, runOf, writeRandomDataset } from "./random-dataset.js";
import { runOnpremInPostgres } from "./support/onprem-postgres/run-onprem-postgres.js";

let server: TestPostgres;
let client: pg.Client;
let runner: ReferenceRunner;
let workDir: string;

beforeAll(async () => {
  server = await startTestPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  runner = await ReferenceRunner.create();
  workDir = mkdtempSync(join(tmpdir(), "ref-onprem-pg-"));
}, 120_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
  runner?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("onprem SQL in PostgreSQL vs the DuckDB reference", () => {
  for (const name of SAMPLE_NAMES) {
    it(`reproduces ${name}/expected-onprem.csv`, async () => {
      const sample = loadSample(name, "onprem");
      const rows = await runOnpremInPostgres(client, sample);
      const result = compareRowSets(rows, readExpectedCsv(sample.expectedCsv));
      expect(result.equal, result.report).toBe(true);
    });
  }

  it("agrees with DuckDB's onprem flavor on random datasets", { timeout: 300_000 }, async () => {
    let n = 0;
    // PostgreSQL raises "value out of range: underflow" where float8 arithmetic underflows (tiny
    // subnormal measures / 3600); DuckDB and Trino flush to zero. Koku's data never holds such values.
    const normal = (v: number | null) => (v !== null && Math.abs(v) < 1e-200 ? 0 : v);
    const onprem = randomDataset.map((ds) => ({
      ...ds,
      kokuSql: "onprem" as const,
      pods: ds.pods.map((p) => ({ ...p, measures: p.measures.map(normal) })),
      storage: ds.storage.map((s) => ({ ...s, measures: s.measures.map(normal) })),
    }));
    await fc.assert(
      fc.asyncProperty(onprem, async (ds) => {
        const dir = join(workDir, `case-${++n}`);
        try {
          const { files } = writeRandomDataset(ds, dir);
          const { run, reference } = runOf(ds);
          const inPostgres = await runOnpremInPostgres(client, { files, run, reference });
          const inDuckDb = await runner.run({ files, run, reference });
          const result = compareRowSets(inPostgres, inDuckDb);
          if (!result.equal) throw new Error(`PostgreSQL (actual) vs DuckDB (expected):\n${result.report}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.PG_PROPERTY_RUNS ?? 30) },
    );
  });
});
