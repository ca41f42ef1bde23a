import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUMMARY_COLUMNS } from "../../src/model.js";
import { parseCsvRecords, parseExpectedCsv, readExpectedCsv } from "../../src/verify/expected-csv.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/koku-samples");
const HEADER = SUMMARY_COLUMNS.join(",");

function rowText(overrides: Record<string, string>): string {
  return SUMMARY_COLUMNS.map((c) => overrides[c] ?? "\\N").join(",");
}

describe("parseCsvRecords", () => {
  it("splits quoted fields with commas, doubled quotes and newlines", () => {
    const records = parseCsvRecords('a,"b,""c""\nd",\r\n"",x\n');
    expect(records.map((r) => r.map((f) => f.text))).toEqual([
      ["a", 'b,"c"\nd', ""],
      ["", "x"],
    ]);
    expect(records[1][0].quoted).toBe(true);
  });

  it("rejects an unterminated quoted field", () => {
    expect(() => parseCsvRecords('a,"b')).toThrow(/unterminated/);
  });
});

describe("parseExpectedCsv", () => {
  it("maps \\N to null, empty to '', numbers to numbers and keeps JSON text", () => {
    const text = `${HEADER}\n${rowText({
      report_period_id: "7",
      data_source: "Pod",
      usage_start: "2025-10-30",
      namespace: "",
      node: '"\\N"',
      pod_labels: '"{""a b"":""x,\\""y""}"',
      pod_usage_cpu_core_hours: "4.7265766666666735",
      pod_limit_cpu_core_hours: "-1e-300",
      node_capacity_cpu_cores: "NaN",
      cost_category_id: "\\N",
    })}\n`;
    const [row] = parseExpectedCsv(text);
    expect(row.report_period_id).toBe(7);
    expect(row.namespace).toBe("");
    expect(row.node).toBe("\\N");
    expect(row.resource_id).toBeNull();
    expect(JSON.parse(row.pod_labels as string)).toEqual({ "a b": 'x,"y' });
    expect(row.pod_usage_cpu_core_hours).toBe(4.7265766666666735);
    expect(row.pod_limit_cpu_core_hours).toBe(-1e-300);
    expect(row.node_capacity_cpu_cores).toBeNaN();
    expect(row.cost_category_id).toBeNull();
  });

  it("fails on a non-numeric number column and on a wrong field count", () => {
    expect(() => parseExpectedCsv(`${HEADER}\n${rowText({ pod_usage_cpu_core_hours: "abc" })}\n`)).toThrow(
      /pod_usage_cpu_core_hours/,
    );
    expect(() => parseExpectedCsv(`${HEADER}\n1,2\n`)).toThrow(/fields/);
    expect(() => parseExpectedCsv("nope\n")).toThrow(/unknown columns/);
  });

  it("reads the fixtures' expected files", () => {
    const rows = readExpectedCsv(join(FIXTURES, "sample-basic/expected.csv"));
    expect(rows).toHaveLength(14);
    const first = rows[0];
    expect(first.data_source).toBe("Pod");
    expect(first.namespace).toBe("Worker unallocated");
    expect(first.pod_usage_cpu_core_hours).toBeCloseTo(4.7265766666666735, 12);
    expect(first.all_labels).toBe("{}");
    expect(first.pod_labels).toBeNull();
    const random = readExpectedCsv(join(FIXTURES, "sample-random/expected-onprem.csv"));
    expect(random).toHaveLength(962);
    for (const row of random) expect(Object.keys(row)).toEqual([...SUMMARY_COLUMNS]);
  });
});
