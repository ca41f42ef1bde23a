/** The project's Parquet library (hyparquet) reads the generated files back value for value. */
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("gen-hyparquet");
afterAll(() => dir.remove());

describe("hyparquet reads generated files", () => {
  it("returns the described values, null label texts and several row groups", async () => {
    const result = await generateDataset({
      out: join(dir.path, "eml"),
      scenario: "empty-and-missing-labels",
      rowGroupSize: 50,
    });
    const file = result.files.find((f) => f.includes("/OCP/pod_usage/") && !f.includes("/daily/"));
    if (!file) throw new Error("no hourly pod_usage file");
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    expect(metadata.row_groups.length).toBe(Math.ceil(result.counts.pod_usage.hourly / 50));
    const rows = await parquetReadObjects({ file: buffer, compressors });
    expect(rows).toHaveLength(result.counts.pod_usage.hourly);
    const nullLabels = rows.find((r) => r.pod === "null-labels");
    expect(nullLabels?.pod_labels).toBeNull();
    const first = rows[0];
    expect(first.interval_start).toEqual(new Date("2025-10-01T00:00:00Z"));
    expect(first.pod_request_cpu_core_seconds).toBe(3600);
    expect(first.pod_request_memory_byte_seconds).toBe(2 * 2 ** 30 * 3600);
  });
});
