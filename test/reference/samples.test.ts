import { describe, expect, it } from "vitest";
import { runReference } from "../../src/reference/duckdb-reference.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readExpectedCsv } from "../../src/verify/expected-csv.js";
import { loadSample, SAMPLE_NAMES } from "./fixture-files.js";

describe("DuckDB reference reproduces the Koku samples", () => {
  for (const name of SAMPLE_NAMES) {
    for (const flavor of ["trino", "onprem"] as const) {
      it(`${name} (${flavor})`, async () => {
        const sample = loadSample(name, flavor);
        const actual = await runReference(sample);
        const expected = readExpectedCsv(sample.expectedCsv);
        const result = compareRowSets(actual, expected);
        expect(result.equal, result.report).toBe(true);
      });
    }
  }
});
