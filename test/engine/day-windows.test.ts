/**
 * Day windows (run/aggregate.ts planWindows): a multi-day run whose row groups span narrow day ranges is
 * processed one day at a time, dropping each day's state; the rows must equal one pass over everything.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { aggregate, aggregateByDay } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";

const out = mkdtempSync(join(tmpdir(), "ocp-agg-windows-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("day windows", () => {
  it("give the same rows as a single pass, with state per day", async () => {
    const dataset = await generateDataset({
      out,
      size: { nodes: 3, podsPerNode: 5, days: 4 },
      startDate: "2024-02-26",
      rowGroupSize: 150,
      filesPerType: 4, // one upload per day, as Koku's operator files usually are
      seed: 3,
      overwrite: true,
    });
    const { run, reference } = dataset.params;
    expect(reference.nodeRoles).not.toBeNull();

    let source = new LocalSource(dataset.dir);
    const single = await aggregate({ source, run, reference, dayWindows: false });
    expect(single.windows).toBe(1);
    const expected = JSON.stringify(single.rows);
    await source.close();

    source = new LocalSource(dataset.dir);
    const streamed = await aggregateByDay({ source, run, reference });
    const rows = [];
    for await (const day of streamed.days) rows.push(...day);
    await source.close();
    const totals = streamed.totals();
    expect(totals.windows).toBe(4);
    expect(rows.length).toBeGreaterThan(50);
    expect(JSON.stringify(rows)).toBe(expected);
    expect(totals.counts).toEqual(single.counts);
    expect(totals.stats.stateBytes).toBeLessThanOrEqual(single.stats.stateBytes);
  });
});
