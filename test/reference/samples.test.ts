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

describe("daily rows derived from hourly files (spec §2.4)", () => {
  it("give the same summary as Koku's daily files (sample-random, trino)", async () => {
    const sample = loadSample("sample-random", "trino");
    const hourlyOnly = { ...sample.files };
    for (const type of Object.keys(hourlyOnly) as (keyof typeof hourlyOnly)[]) {
      const files = sample.files[type];
      if (files) hourlyOnly[type] = { hourly: files.hourly, daily: [] };
    }
    expect(Object.values(hourlyOnly).every((f) => f.hourly.length > 0)).toBe(true);
    const actual = await runReference({ ...sample, files: hourlyOnly });
    const result = compareRowSets(actual, readExpectedCsv(sample.expectedCsv));
    expect(result.equal, result.report).toBe(true);
  });
});
