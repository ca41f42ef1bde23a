/**
 * Row counts match the description and params.json; daily files regroup their hourly rows exactly as
 * Koku's ingest does (spec §2.4); 15-minute intervals give 4× the rows for the same daily totals.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GenerateResult, generateDataset, loadDatasetParams } from "../../src/generate/index.js";
import { REPORT_TYPES } from "../../src/model.js";
import { query, table, tempDir } from "./helpers.js";

const dir = tempDir("gen-counts");
let scaled: GenerateResult;
const size = { nodes: 5, podsPerNode: 8, days: 2 };

beforeAll(async () => {
  scaled = await generateDataset({ out: join(dir.path, "scaled"), size, seed: 11, filesPerType: 2 });
});
afterAll(() => dir.remove());

async function count(root: string, type: (typeof REPORT_TYPES)[number], granularity: "hourly" | "daily") {
  return Number((await query(`select count(*) as n from ${table(root, type, granularity)}`))[0].n);
}

describe("row counts", () => {
  it("has nodes × pods × hours pod rows and matching params.json counts", async () => {
    expect(scaled.counts.pod_usage.hourly).toBe(5 * 8 * 48);
    expect(scaled.counts.node_labels.hourly).toBe(5 * 48);
    const params = loadDatasetParams(scaled.dir);
    for (const type of REPORT_TYPES) {
      for (const granularity of ["hourly", "daily"] as const) {
        expect(await count(scaled.dir, type, granularity)).toBe(scaled.counts[type][granularity]);
        expect(params.counts?.[type][granularity]).toBe(scaled.counts[type][granularity]);
      }
    }
  });

  it("hits the preset sizes", async () => {
    const preset = await generateDataset({ out: join(dir.path, "20k"), scale: "20k" });
    expect(preset.counts.pod_usage.hourly).toBe(20_160);
    expect(preset.counts.storage_usage.hourly).toBeGreaterThan(1000);
  });
});

describe("daily files", () => {
  it("regroup the hourly rows per day and key, with effective usage per hour", async () => {
    const hourly = await query(`
      select namespace, node, pod, pod_labels, date_trunc('day', interval_start) as day,
             sum(pod_usage_cpu_core_seconds) as cpu, sum(pod_request_memory_byte_seconds) as mem,
             sum(greatest(pod_usage_cpu_core_seconds, pod_request_cpu_core_seconds)) as eff_cpu,
             sum(node_capacity_cpu_core_seconds) as cap, max(node_capacity_memory_bytes) as cap_mem, count(*) as n
        from ${table(scaled.dir, "pod_usage")} group by all order by all`);
    const daily = await query(`
      select namespace, node, pod, pod_labels, interval_start as day,
             sum(pod_usage_cpu_core_seconds) as cpu, sum(pod_request_memory_byte_seconds) as mem,
             sum(pod_effective_usage_cpu_core_seconds) as eff_cpu,
             sum(node_capacity_cpu_core_seconds) as cap, max(node_capacity_memory_bytes) as cap_mem, count(*) as n
        from ${table(scaled.dir, "pod_usage", "daily")} group by all order by all`);
    expect(daily.length).toBe(hourly.length);
    for (let i = 0; i < hourly.length; i++) {
      const h = hourly[i];
      const d = daily[i];
      expect(d.pod).toBe(h.pod);
      expect(d.day).toBe(h.day);
      for (const key of ["cpu", "mem", "eff_cpu", "cap"]) {
        expect(d[key] as number).toBeCloseTo(h[key] as number, 3);
      }
      expect(d.cap_mem).toBe(h.cap_mem);
    }
    // Two files split the two days: one daily row per pod and day.
    expect(scaled.counts.pod_usage.daily).toBe(5 * 8 * 2);
  });

  it("regroup storage rows by their keys", async () => {
    const sums = async (granularity: "hourly" | "daily") =>
      query(`select persistentvolumeclaim, persistentvolume, pod, sum(volume_request_storage_byte_seconds) as req,
                    sum(persistentvolumeclaim_usage_byte_seconds) as used, max(persistentvolumeclaim_capacity_bytes) as cap
               from ${table(scaled.dir, "storage_usage", granularity)} group by all order by all`);
    const hourly = await sums("hourly");
    const daily = await sums("daily");
    expect(hourly.length).toBeGreaterThan(0);
    expect(daily.map((r) => [r.persistentvolume, r.pod, r.cap])).toEqual(
      hourly.map((r) => [r.persistentvolume, r.pod, r.cap]),
    );
    daily.forEach((r, i) => {
      const expected = hourly[i].used as number;
      expect(Math.abs((r.used as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12);
    });
  });
});

describe("interval length", () => {
  it("15-minute intervals give 4× the hourly rows and the same daily totals", async () => {
    const hourly = await generateDataset({ out: join(dir.path, "h"), scenario: "storage" });
    const quarter = await generateDataset({
      out: join(dir.path, "q"),
      scenario: "storage",
      intervalMinutes: 15,
    });
    expect(quarter.counts.pod_usage.hourly).toBe(4 * hourly.counts.pod_usage.hourly);
    expect(quarter.counts.pod_usage.daily).toBe(hourly.counts.pod_usage.daily);
    const totals = async (root: string) =>
      query(`select sum(pod_usage_cpu_core_seconds) as cpu, sum(node_capacity_cpu_core_seconds) as cap
               from ${table(root, "pod_usage", "daily")}`);
    expect(await totals(quarter.dir)).toEqual(await totals(hourly.dir));
    const ends = await query(
      `select distinct (interval_end - interval_start)::varchar as d from ${table(quarter.dir, "pod_usage")}`,
    );
    expect(ends).toEqual([{ d: "00:14:59" }]);
  });
});
