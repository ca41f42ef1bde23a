/** Koku's small rules, one by one: chunks of days, suffix matching, data transfer direction, tag texts, the split. */
import { describe, expect, it } from "vitest";
import { trinoRound } from "../../src/aws/engine/disk-capacity.js";
import { dataTransferDirection, SuffixSet } from "../../src/aws/engine/f1-match.js";
import type { ProjectTempRow } from "../../src/aws/engine/f2-attribute.js";
import { finalSplit } from "../../src/aws/engine/f2-split.js";
import { concatMapTexts, filterMapText, matchedTagString } from "../../src/aws/engine/json-text.js";
import { dateRangePairs } from "../../src/aws/engine/ocp-on-aws-engine.js";
import { resourceTagsText } from "../../src/aws/generate/cur-rows.js";
import type { AwsDailyRow } from "../../src/aws/model.js";
import { resolveOcpOnAwsParams } from "../../src/aws/run/ocp-on-aws-params.js";
import { type OcpOnAwsCliOptions, ocpOnAwsOverrides } from "../../src/cli/commands/ocp-on-aws.js";
import { loadConfig } from "../../src/config/index.js";

describe("date_range_pair (TRINO_DATE_STEP 5)", () => {
  it("splits a month like Koku: first chunk 6 days, then 5-day chunks, the last one short", () => {
    expect(
      dateRangePairs("2025-10-01", "2025-10-31").map((c) => `${c.startDate.slice(8)}-${c.endDate.slice(8)}`),
    ).toEqual(["01-06", "07-11", "12-16", "17-21", "22-26", "27-31"]);
    expect(dateRangePairs("2025-10-01", "2025-10-30").at(-1)).toEqual({
      startDate: "2025-10-27",
      endDate: "2025-10-30",
    });
    expect(dateRangePairs("2025-10-01", "2025-10-05")).toEqual([
      { startDate: "2025-10-01", endDate: "2025-10-05" },
    ]);
    expect(dateRangePairs("2025-10-03", "2025-10-03")).toEqual([
      { startDate: "2025-10-03", endDate: "2025-10-03" },
    ]);
  });
});

describe("resource id suffix matching (substr(id, -length(x)) = x)", () => {
  const set = new SuffixSet(["i-0abc", "vol-9", ""]);
  it("matches ids ending with a node id or volume, not containing it elsewhere", () => {
    expect(set.matches("arn:aws:ec2:us-east-1:1:instance/i-0abc")).toBe(true);
    expect(set.matches("i-0abc-extra")).toBe(false);
    expect(set.matches("vol-9")).toBe(true);
    expect(set.matches("")).toBe(false);
  });
});

describe("data transfer direction", () => {
  const row = (
    usageType: string,
    operation: string,
    productFamily = "Data Transfer",
    productCode = "AmazonEC2",
  ) => ({ usageType, operation, productFamily, productCode }) as AwsDailyRow;
  it("follows usage type, then regional-bytes with the operation", () => {
    expect(dataTransferDirection(row("USE1-DataTransfer-In-Bytes", ""))).toBe("IN");
    expect(dataTransferDirection(row("USE1-DataTransfer-Out-Bytes", ""))).toBe("OUT");
    expect(dataTransferDirection(row("USE1-DataTransfer-Regional-Bytes", "PublicIP-In"))).toBe("IN");
    expect(dataTransferDirection(row("USE1-DataTransfer-Regional-Bytes", "PublicIP-Out"))).toBe("OUT");
    expect(dataTransferDirection(row("USE1-DataTransfer-Regional-Bytes", "InterZone"))).toBeNull();
    expect(dataTransferDirection(row("USE1-DataTransfer-In-Bytes", "", "Storage"))).toBeNull();
    expect(
      dataTransferDirection(row("USE1-DataTransfer-In-Bytes", "", "Data Transfer", "AmazonS3")),
    ).toBeNull();
  });
});

describe("tag texts", () => {
  it("writes resourcetags like Koku's json.dumps (sorted, empty values skipped, ASCII escapes)", () => {
    expect(resourceTagsText({ b: "2", a: "é", c: "" })).toBe('{"a": "\\u00e9", "b": "2"}');
    expect(matchedTagString("app", 'say "hi"')).toBe('"app": "say \\"hi\\""');
  });
  it("filters and merges maps like Trino (sorted compact JSON, NULL stays NULL)", () => {
    expect(filterMapText('{"z": "1", "a": "2", "x": "3"}', (k) => k !== "x")).toBe('{"a":"2","z":"1"}');
    expect(concatMapTexts('{"a":"1","b":"1"}', '{"b":"2"}')).toBe('{"a":"1","b":"2"}');
    expect(concatMapTexts(null, '{"b":"2"}')).toBeNull();
  });
  it("rounds half away from zero like Trino", () => {
    expect(trinoRound(2.5)).toBe(3);
    expect(trinoRound(-2.5)).toBe(-3);
  });
});

describe("the final split", () => {
  const aws = { rowUuid: "r1", resourceId: "i-1", usageStart: "2025-10-01", usageAccountId: "1" };
  const base = {
    rowUuid: "r1",
    clusterId: "c",
    clusterAlias: "a",
    node: "n",
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    aws,
    usageAmount: 24,
    unblendedCost: 10,
    blendedCost: 10,
    savingsPlanEffectiveCost: 0,
    calculatedAmortizedCost: 10,
    podEffectiveUsageMemoryGigabyteHours: null,
    nodeCapacityMemoryGigabyteHours: null,
    volumeLabels: null,
    tags: "{}",
    awsCostCategory: null,
    costCategoryId: null,
    matchedTag: null,
  } as unknown as ProjectTempRow;
  it("gives resource-matched Pod rows usage/capacity of the cost and NULL without capacity; usage amount equally", () => {
    const rows = finalSplit(
      [
        {
          ...base,
          dataSource: "Pod",
          namespace: "a",
          resourceIdMatched: true,
          podEffectiveUsageCpuCoreHours: 24,
          nodeCapacityCpuCoreHours: 96,
          podLabels: '{"x":"1"}',
        },
        {
          ...base,
          dataSource: "Pod",
          namespace: "b",
          resourceIdMatched: true,
          podEffectiveUsageCpuCoreHours: null,
          nodeCapacityCpuCoreHours: null,
          podLabels: null,
        },
      ],
      new Map(),
      "cpu",
      0.1,
      new Map([["1", 7]]),
    );
    expect(rows[0].unblendedCost).toBeCloseTo(2.5);
    expect(rows[0].markupCost).toBeCloseTo(0.25);
    expect(rows[0].usageAmount).toBe(12);
    expect(rows[0].accountAliasId).toBe(7);
    expect(rows[0].tags).toBe('{"x":"1"}');
    expect(rows[1].unblendedCost).toBeNull();
    expect(rows[1].tags).toBeNull();
  });
  it("splits tag-matched rows equally over the pairs and the clusters matched", () => {
    const tagged = {
      ...base,
      resourceIdMatched: false,
      podEffectiveUsageCpuCoreHours: null,
      nodeCapacityCpuCoreHours: null,
      podLabels: null,
    };
    const rows = finalSplit(
      [
        { ...tagged, dataSource: "Pod", namespace: "a" },
        { ...tagged, dataSource: "Storage", namespace: "a" },
      ],
      new Map([["r1", 2]]),
      "cpu",
      0,
      new Map(),
    );
    expect(rows.map((r) => r.unblendedCost)).toEqual([2.5, 2.5]);
    expect(rows.map((r) => r.usageAmount)).toEqual([6, 6]);
  });
});

const ocpOnAwsParamsFrom = (o: OcpOnAwsCliOptions, env: Record<string, string> = {}) =>
  resolveOcpOnAwsParams(loadConfig({ env, overrides: ocpOnAwsOverrides(o) }));

describe("ocp-on-aws options and config keys", () => {
  const good = {
    sourceUuid: "a",
    ocpSourceUuid: "b",
    year: "2025",
    month: "10",
    clusterId: "c",
    billId: "1",
    reportPeriodId: "2",
  };
  it("fills the month; markup and distribution stay unset (the cost model or the default decides)", () => {
    const p = ocpOnAwsParamsFrom(good);
    expect([p.startDate, p.endDate, p.markup, p.distribution]).toEqual([
      "2025-10-01",
      "2025-10-31",
      null,
      null,
    ]);
  });
  it("names the key or option of every bad or missing value", () => {
    expect(() => ocpOnAwsParamsFrom({ ...good, markup: "-1" })).toThrow(/ocp_on_aws\.markup/);
    expect(() => ocpOnAwsParamsFrom({ ...good, distribution: "gpu" })).toThrow(/ocp_on_aws\.distribution/);
    expect(() => ocpOnAwsParamsFrom({ ...good, startDate: "2025-11-01" })).toThrow(/--start-date/);
    expect(() => ocpOnAwsParamsFrom({ ...good, billId: undefined })).toThrow(/--bill-id/);
  });
  it("takes the AWS side from the environment (config keys) when no option is given", () => {
    const p = ocpOnAwsParamsFrom(
      { ...good, billId: undefined, sourceUuid: undefined },
      {
        OCP_AGG_AWS_BILL_ID: "9",
        OCP_AGG_AWS_SOURCE_UUID: "aws-1",
        OCP_AGG_AWS_MARKUP: "0.25",
        OCP_AGG_AWS_DISTRIBUTION: "memory",
      },
    );
    expect([p.billId, p.awsSourceUuid, p.markup, p.distribution]).toEqual([9, "aws-1", 0.25, "memory"]);
  });
});
