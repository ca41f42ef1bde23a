/**
 * `generate --compression zstd`: on a Node with zlib's zstd (>= 22.15; the project's own Node 24 has it) the
 * files are ZSTD-compressed and read back — by hyparquet and by DuckDB, an independent reader — to the same
 * rows as the default snappy files. On an older Node the option is refused with a message that says why.
 */
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { compressionAvailable } from "../../src/generate/parquet-output.js";
import { query, sqlString, tempDir } from "./helpers.js";

const dir = tempDir("gen-zstd");
afterAll(() => dir.remove());

const hasZstd = compressionAvailable("zstd");

function hourlyPodFile(files: string[]): string {
  const file = files.find((f) => f.includes("/OCP/pod_usage/") && !f.includes("/daily/"));
  if (!file) throw new Error("no hourly pod_usage file");
  return file;
}

describe(`zstd output (Node ${process.version}: zstd ${hasZstd ? "available" : "missing"})`, () => {
  it.runIf(hasZstd)("writes ZSTD column chunks that read back to the snappy files' rows", async () => {
    const options = { scenario: "empty-and-missing-labels", rowGroupSize: 50 } as const;
    const snappy = await generateDataset({ ...options, out: join(dir.path, "snappy") });
    const zstd = await generateDataset({ ...options, out: join(dir.path, "zstd"), compression: "zstd" });
    expect(zstd.counts).toEqual(snappy.counts);

    const zstdFile = hourlyPodFile(zstd.files);
    const snappyFile = hourlyPodFile(snappy.files);
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(zstdFile));
    const codecs = new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)));
    expect([...codecs]).toEqual(["ZSTD"]);

    const read = async (file: string) =>
      parquetReadObjects({ file: await asyncBufferFromFile(file), compressors });
    const rows = await read(zstdFile);
    expect(rows).toHaveLength(zstd.counts.pod_usage.hourly);
    expect(rows).toEqual(await read(snappyFile));

    // an independent reader agrees, totals included
    const totals = async (file: string) =>
      query(
        `SELECT count(*) AS n, sum(pod_usage_cpu_core_seconds) AS cpu FROM read_parquet(${sqlString(file)})`,
      );
    expect(await totals(zstdFile)).toEqual(await totals(snappyFile));
  });

  it.skipIf(hasZstd)("is refused on a Node without zlib zstd, naming the version it needs", async () => {
    await expect(
      generateDataset({
        scenario: "empty-and-missing-labels",
        out: join(dir.path, "old"),
        compression: "zstd",
      }),
    ).rejects.toThrow(/Node\.js >= 22\.15/);
  });
});
