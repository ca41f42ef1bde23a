/** CUR Parquet as Koku stores it, in CUR 1.0 names and in CUR 2.0 snake-case names, reads the same. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { listAwsScenarios, parseAwsScenario } from "../../src/aws/generate/cur-scenario.js";
import { readCurMonth } from "../../src/aws/parquet/cur-reader.js";
import { LocalSource } from "../../src/source/local.js";
import { generateOcpOnAwsDataset } from "./helpers.js";

const workDir = mkdtempSync(join(tmpdir(), "aws-cur-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it("reads hourly and daily CUR files in Koku's layout, with either column naming", {
  timeout: 60_000,
}, async () => {
  const path = listAwsScenarios().find((s) => s.name === "cost-types")?.path as string;
  const scenario = parseAwsScenario(readFileSync(path, "utf8"), path);
  const months = [];
  for (const cur2 of [false, true]) {
    const ds = await generateOcpOnAwsDataset({
      scenario: { ...scenario, aws: { ...scenario.aws, cur2_names: cur2 } },
      out: join(workDir, String(cur2)),
    });
    const source = new LocalSource(ds.dir);
    try {
      months.push(
        await readCurMonth(source, {
          orgId: null,
          sourceUuid: ds.params.awsSourceUuid,
          year: 2025,
          month: 10,
        }),
      );
    } finally {
      await source.close();
    }
    expect(ds.rows.daily).toBe(5);
  }
  const [cur1, cur2] = months;
  expect(cur1.files.map((f) => f.granularity).sort()).toEqual(["daily", "hourly"]);
  expect(cur1.daily).toHaveLength(5);
  expect(cur2.daily).toEqual(cur1.daily);
  expect([...cur2.hourly.entries()]).toEqual([...cur1.hourly.entries()]);
  const sp = cur1.daily.find((r) => r.lineItemType === "SavingsPlanCoveredUsage");
  expect(sp?.unblendedCost).toBeCloseTo(0.192 * 24);
  expect(sp?.savingsPlanEffectiveCost).toBeCloseTo(0.12 * 24);
  expect(sp?.costCategory).toBe('{"team": "platform"}');
});
