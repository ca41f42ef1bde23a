/** Same seed → byte-identical files; another seed → other values; chunking never changes the data. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { query, table, tempDir } from "./helpers.js";

const dir = tempDir("gen-determinism");
afterAll(() => dir.remove());

function digestTree(root: string, files: string[]): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const file of files) {
    digests[relative(root, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
  }
  return digests;
}

const small = { nodes: 4, podsPerNode: 6, days: 2 };

describe("determinism", () => {
  it("writes byte-identical files for the same seed", async () => {
    const a = await generateDataset({ out: join(dir.path, "a"), size: small, seed: 7, rowGroupSize: 50 });
    const b = await generateDataset({ out: join(dir.path, "b"), size: small, seed: 7, rowGroupSize: 50 });
    expect(a.files.length).toBe(9); // 4 types × hourly/daily + params.json
    expect(digestTree(b.dir, b.files)).toEqual(digestTree(a.dir, a.files));
  });

  it("gives other data (and another source uuid) for another seed", async () => {
    const a = await generateDataset({ out: join(dir.path, "s1"), size: small, seed: 1 });
    const b = await generateDataset({ out: join(dir.path, "s2"), size: small, seed: 2 });
    expect(b.params.run.sourceUuid).not.toBe(a.params.run.sourceUuid);
    const sum = async (root: string) =>
      (await query(`select sum(pod_usage_cpu_core_seconds) as s from ${table(root, "pod_usage")}`))[0].s;
    expect(await sum(b.dir)).not.toBe(await sum(a.dir));
  });

  it("keeps the same rows whatever the row-group size and file split", async () => {
    const one = await generateDataset({
      out: join(dir.path, "one"),
      size: small,
      seed: 3,
      rowGroupSize: 100_000,
    });
    const split = await generateDataset({
      out: join(dir.path, "split"),
      size: small,
      seed: 3,
      rowGroupSize: 50,
      filesPerType: 3,
    });
    const rows = async (root: string) =>
      query(
        `select * exclude (interval_end) from ${table(root, "pod_usage")} order by interval_start, namespace, pod`,
      );
    expect(await rows(split.dir)).toEqual(await rows(one.dir));
    const groups = await query(
      `select count(*) as n from parquet_metadata('${join(split.dir, "data/parquet/org1234567/OCP/pod_usage/*/*/*/*.parquet")}')
        where path_in_schema = 'pod'`,
    );
    expect(Number(groups[0].n)).toBe(Math.ceil((4 * 6 * 16) / 50) * 3);
  });
});
