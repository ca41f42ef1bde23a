import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSource } from "../../src/source/local.js";

const SAMPLE_ROOT = resolve("test/fixtures/koku-samples/sample-basic");
const SAMPLE_QUERY = {
  orgId: null,
  sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f",
  year: 2025,
  month: 10,
};

describe("LocalSource on the Koku sample", () => {
  it("lists the 8 hourly and daily files of the month, sorted, with sizes", async () => {
    const source = new LocalSource(SAMPLE_ROOT);
    const files = await source.list(SAMPLE_QUERY);
    expect(files).toHaveLength(8);
    const locations = files.map((file) => file.location);
    expect(locations).toEqual([...locations].sort());
    const kinds = files.map((file) => `${file.granularity}/${file.reportType}`).sort();
    expect(kinds).toEqual([
      "daily/namespace_labels",
      "daily/node_labels",
      "daily/pod_usage",
      "daily/storage_usage",
      "hourly/namespace_labels",
      "hourly/node_labels",
      "hourly/pod_usage",
      "hourly/storage_usage",
    ]);
    for (const file of files) {
      expect(file.location.startsWith(SAMPLE_ROOT)).toBe(true);
      expect(file.location).toContain(`/${file.reportType}/`);
      expect(file.location.includes("/parquet/daily/")).toBe(file.granularity === "daily");
      expect(file.size).toBe((await stat(file.location)).size);
    }
    await source.close();
  });

  it("lists the second sample too (month=06)", async () => {
    const root = resolve("test/fixtures/koku-samples/sample-random");
    const params = JSON.parse(await readFile(join(root, "params.json"), "utf8"));
    const files = await new LocalSource(root).list({
      orgId: null,
      sourceUuid: params.source_uuid,
      year: params.year,
      month: params.month,
    });
    expect(files).toHaveLength(8);
    expect(new Set(files.map((file) => file.reportType)).size).toBe(4);
  });

  it("accepts the folder holding data/, data/ itself, or data/parquet as root", async () => {
    const fromTop = await new LocalSource(SAMPLE_ROOT).list(SAMPLE_QUERY);
    for (const root of [join(SAMPLE_ROOT, "data"), join(SAMPLE_ROOT, "data", "parquet")]) {
      expect(await new LocalSource(root).list(SAMPLE_QUERY)).toEqual(fromTop);
    }
  });

  it("finds nothing for another month, source, or org", async () => {
    const source = new LocalSource(SAMPLE_ROOT);
    expect(await source.list({ ...SAMPLE_QUERY, month: 11 })).toEqual([]);
    expect(
      await source.list({ ...SAMPLE_QUERY, sourceUuid: "00000000-0000-0000-0000-000000000000" }),
    ).toEqual([]);
    expect(await source.list({ ...SAMPLE_QUERY, orgId: "org999" })).toEqual([]);
    expect(await source.list({ ...SAMPLE_QUERY, orgId: "org1234567" })).toHaveLength(8);
  });

  it("fails clearly when the root does not exist", async () => {
    await expect(new LocalSource("/nonexistent/koku").list(SAMPLE_QUERY)).rejects.toThrow(
      "input folder not found: /nonexistent/koku",
    );
  });

  it("reads byte ranges equal to the file's bytes", async () => {
    const source = new LocalSource(SAMPLE_ROOT);
    const [file] = await source.list(SAMPLE_QUERY);
    const whole = await readFile(file.location);
    const bytes = await source.open(file);
    expect(bytes.byteLength).toBe(whole.length);
    const footer = new Uint8Array(await bytes.slice(whole.length - 4));
    expect(Buffer.from(footer).toString("ascii")).toBe("PAR1");
    const middle = new Uint8Array(await bytes.slice(10, 300));
    expect(Buffer.from(middle).equals(whole.subarray(10, 300))).toBe(true);
    expect((await bytes.slice(5, 5)).byteLength).toBe(0);
    expect((await bytes.slice(whole.length - 3, whole.length + 100)).byteLength).toBe(3);
    await source.close();
    await expect(bytes.slice(0, 4)).rejects.toThrow();
  });
});

describe("LocalSource layout rules", () => {
  const uuid = "11111111-2222-3333-4444-555555555555";
  let root: string;

  async function touch(relative: string, content = "x"): Promise<void> {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "ocp-agg-local-"));
    const hourly = `data/parquet/orgA/OCP/pod_usage/source=${uuid}/year=2024`;
    await touch(`${hourly}/month=05/a.parquet`);
    await touch(`${hourly}/month=5/b.parquet`); // single-digit month folder
    await touch(`${hourly}/month=05/day=03/c.parquet`);
    await touch(`${hourly}/month=05/day=03/_SUCCESS`);
    await touch(`${hourly}/month=05/.a.parquet.crc`);
    await touch(`${hourly}/month=05/notes.txt`);
    await touch(`${hourly}/month=05/_temporary.parquet`);
    await touch(`${hourly}/month=05/day=03/extra/too-deep.parquet`);
    await touch(`${hourly}/month=06/other-month.parquet`);
    await touch(`${hourly}/month=15/not-a-month.parquet`);
    await touch(`data/parquet/orgA/OCP/vm_usage/source=${uuid}/year=2024/month=05/vm.parquet`);
    await touch(`data/parquet/orgA/OCP/namespace_costs/source=${uuid}/year=2024/month=05/x.parquet`);
    await touch(
      `data/parquet/daily/orgA/OCP/storage_usage/source=${uuid}/year=2024/month=05/s.parquet`,
      "12345",
    );
    // Another org holding a different source must not count as a second org.
    await touch(
      "data/parquet/orgB/OCP/pod_usage/source=99999999-2222-3333-4444-555555555555/year=2024/month=05/z.parquet",
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const query = { orgId: null, sourceUuid: uuid, year: 2024, month: 5 };

  it("takes month=05 and month=5, day= levels, and only .parquet data files of known report types", async () => {
    const files = await new LocalSource(root).list(query);
    const relative = files.map((file) => file.location.slice(root.length + 1));
    expect(relative).toEqual([
      `data/parquet/daily/orgA/OCP/storage_usage/source=${uuid}/year=2024/month=05/s.parquet`,
      `data/parquet/orgA/OCP/pod_usage/source=${uuid}/year=2024/month=05/a.parquet`,
      `data/parquet/orgA/OCP/pod_usage/source=${uuid}/year=2024/month=05/day=03/c.parquet`,
      `data/parquet/orgA/OCP/pod_usage/source=${uuid}/year=2024/month=5/b.parquet`,
      `data/parquet/orgA/OCP/vm_usage/source=${uuid}/year=2024/month=05/vm.parquet`,
    ]);
    expect(files[0]).toMatchObject({ granularity: "daily", reportType: "storage_usage", size: 5 });
    expect(files[1]).toMatchObject({ granularity: "hourly", reportType: "pod_usage", size: 1 });
  });

  it("asks for --org-id when several orgs hold the source, and honours it", async () => {
    await touch(`data/parquet/daily/orgC/OCP/node_labels/source=${uuid}/year=2024/month=05/n.parquet`);
    try {
      const source = new LocalSource(root);
      await expect(source.list(query)).rejects.toThrow(/several orgs .*\(orgA, orgC\).*--org-id/);
      const onlyC = await source.list({ ...query, orgId: "orgC" });
      expect(onlyC.map((file) => file.reportType)).toEqual(["node_labels"]);
    } finally {
      await rm(join(root, "data/parquet/daily/orgC"), { recursive: true });
    }
  });

  it("discovers an org present only in the daily tree", async () => {
    const otherUuid = "aaaaaaaa-2222-3333-4444-555555555555";
    await touch(`data/parquet/daily/orgD/OCP/pod_usage/source=${otherUuid}/year=2024/month=05/d.parquet`);
    const files = await new LocalSource(root).list({ ...query, sourceUuid: otherUuid });
    expect(files.map((file) => [file.granularity, file.location.endsWith("/d.parquet")])).toEqual([
      ["daily", true],
    ]);
  });
});
