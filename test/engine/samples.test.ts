import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import type { KokuSqlFlavor, ReferenceData, RunParams } from "../../src/model.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readExpectedCsv } from "../../src/verify/expected-csv.js";

const SAMPLES = join(import.meta.dirname, "..", "fixtures", "koku-samples");

function loadSample(name: string, flavor: KokuSqlFlavor): { run: RunParams; reference: ReferenceData } {
  const { run, reference } = loadDatasetParams(join(SAMPLES, name));
  return { run: { ...run, kokuSql: flavor }, reference };
}

describe.each(["sample-basic", "sample-random"])("Koku sample %s", (name) => {
  for (const [flavor, file] of [
    ["trino", "expected.csv"],
    ["onprem", "expected-onprem.csv"],
  ] as const) {
    for (const mode of ["streaming", "in-memory"] as const) {
      it(`matches ${file} (${flavor}, ${mode})`, async () => {
        const { run, reference } = loadSample(name, flavor);
        const source = new LocalSource(join(SAMPLES, name));
        const result = await aggregate({ source, run, reference, mode });
        await source.close();
        const expected = readExpectedCsv(join(SAMPLES, name, file));
        const comparison = compareRowSets(result.rows, expected);
        expect(comparison.equal, comparison.report).toBe(true);
      });
    }
  }
});
