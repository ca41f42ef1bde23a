import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KokuSqlFlavor, ReferenceData, RunParams } from "../../src/model.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readExpectedCsv } from "../../src/verify/expected-csv.js";

const SAMPLES = join(import.meta.dirname, "..", "fixtures", "koku-samples");

function loadSample(name: string, flavor: KokuSqlFlavor): { run: RunParams; reference: ReferenceData } {
  const p = JSON.parse(readFileSync(join(SAMPLES, name, "params.json"), "utf8"));
  return {
    run: {
      sourceUuid: p.source_uuid,
      year: p.year,
      month: p.month,
      startDate: p.start_date,
      endDate: p.end_date,
      clusterId: p.cluster_id,
      clusterAlias: p.cluster_alias,
      reportPeriodId: p.report_period_id,
      orgId: p.org_id,
      kokuSql: flavor,
    },
    reference: { enabledTagKeys: p.enabled_tag_keys, costCategories: p.cost_categories, nodeRoles: p.node_roles },
  };
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
