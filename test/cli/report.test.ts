import { describe, expect, it } from "vitest";
import { formatRunReport } from "../../src/cli/report.js";
import type { RunReport } from "../../src/run/job.js";

function report(steps: string[], tables: RunReport["tables"]): RunReport {
  return {
    run: { sourceUuid: "src-1", startDate: "2025-11-01", endDate: "2025-11-02", kokuSql: "trino" },
    input: "/data",
    database: "postgres://u:***@127.0.0.1:5432/koku",
    schema: "org1",
    mode: "streaming",
    inputRows: 1200,
    inputRowsInRange: 1000,
    outputRows: { pod: 7, storage: 2, unallocated: 1, total: 10 },
    deletedRows: 3,
    files: 4,
    rowGroups: 4,
    seconds: { total: 1.5, list: 0.1, read: 0.5, aggregate: 0.4, finish: 0.1, write: 0.4 },
    rowsPerSecond: 800,
    peakRssMb: 120,
    stateBytes: 1048576,
    outOfRangeMeasures: 0,
    steps: { done: steps, skipped: [] },
    tables,
  } as unknown as RunReport;
}

describe("formatRunReport", () => {
  it("describes the summary's input, output and speed when the run did the summary", () => {
    const text = formatRunReport(
      report(["summary", "gpu"], { reporting_ocp_gpu_summary_p: { deleted: 0, inserted: 5 } }),
    );
    expect(text).toContain("input   /data: 4 files, 4 row groups, 1,200 rows (1,000 usage rows in range)");
    expect(text).toContain("10 rows  (Pod 7, Storage 2, unallocated 1); replaced 3");
    expect(text).toContain("800 input rows/s");
    expect(text).toContain("table   reporting_ocp_gpu_summary_p: deleted 0, inserted 5");
  });

  it("does not report an empty summary when the summary step was not run", () => {
    const text = formatRunReport(
      report(["gpu"], { reporting_ocp_gpu_summary_p: { deleted: 5, inserted: 5 } }),
    );
    expect(text).toContain("daily summary not run (steps: gpu)");
    expect(text).not.toMatch(/Pod \d|input rows\/s|usage rows in range/);
    expect(text).toContain("table   reporting_ocp_gpu_summary_p: deleted 5, inserted 5");
  });
});
