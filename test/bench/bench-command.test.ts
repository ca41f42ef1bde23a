/**
 * `ocp-aggregator bench` end to end on the tiny 20k scale: the built CLI generates the dataset into a cache,
 * starts its own embedded PostgreSQL, runs the engine and DuckDB in child processes and writes the three
 * files; bench.json must follow the documented schema. The dataset is then found in the cache.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDataset } from "../../src/bench/datasets.js";
import { benchFileSchema } from "../../src/bench/schema.js";
import { DIST, ensureBuilt, ROOT } from "../helpers/dist.js";

const run = promisify(execFile);
let work: string;

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "ocp-bench-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("bench command", () => {
  it("writes bench.json (documented schema), bench.md and bench.svg for --scales 20k", async () => {
    const out = join(work, "out");
    const cache = join(work, "cache");
    const { stdout, stderr } = await run(
      process.execPath,
      [
        join(DIST, "cli", "main.js"),
        "bench",
        "--scales",
        "20k",
        "--runs",
        "1",
        "--modes",
        "streaming",
      ].concat(["--out", out, "--cache", cache]),
      { cwd: ROOT, env: { ...process.env, OCP_AGG_DATABASE_URL: "" } },
    );
    expect(stdout.trim().split("\n")).toEqual([
      join(out, "bench.md"),
      join(out, "bench.json"),
      join(out, "bench.svg"),
    ]);
    expect(stderr).toContain("generating dataset 20k");
    expect(stderr).toMatch(/\[3\/3\] 20k DuckDB #1: .* rows\/s/);

    const bench = benchFileSchema.parse(JSON.parse(readFileSync(join(out, "bench.json"), "utf8")));
    expect(bench.settings).toMatchObject({
      scales: ["20k"],
      modes: ["streaming"],
      runs: 1,
      database: "embedded",
    });
    expect(bench.datasets).toHaveLength(1);
    expect(bench.datasets[0].generatedSeconds).not.toBeNull();
    expect(bench.runs.map((r) => [r.tool, r.mode, r.ok, r.error])).toEqual([
      ["engine", "streaming", true, null],
      ["engine-only", "streaming", true, null],
      ["duckdb", null, true, null],
    ]);
    const [engine, alone, duckdb] = bench.runs;
    // the write: a first run of the month (fresh partition), PostgreSQL's CPU around it, and the plain-COPY
    // floor of the same rows right after it
    expect(engine.write?.path).toBe("fresh");
    expect(engine.serverCpuSeconds).toBeGreaterThan(0);
    expect(engine.copyFloor?.rows).toBe(engine.outputRows);
    expect(engine.copyFloor?.serverCpuSeconds).toBeGreaterThan(0);
    expect(bench.summary.find((s) => s.tool === "engine")?.writeToFloorRatio).toBeGreaterThan(0);
    // the engine alone produces the same rows without a database
    expect(alone.outputRows).toBe(engine.outputRows);
    expect(alone.serverCpuSeconds ?? null).toBeNull();
    expect(engine.inputRows).toBe(bench.datasets[0].inputRows);
    expect(engine.rowsRead).toBeGreaterThan(0);
    expect(duckdb.rowsRead).toBeNull();
    // the engine and Koku's SQL in DuckDB agree on how many rows the month has
    expect(engine.outputRows).toBeGreaterThan(0);
    expect(engine.outputRows).toBe(duckdb.outputRows);
    expect(engine.phases?.write).toBeGreaterThan(0);
    expect(engine.peakRssMb).toBeGreaterThan(0);
    // CPU seconds come from the preloaded getrusage reporter in both children
    expect(engine.cpuSeconds).toBeGreaterThan(0);
    expect(duckdb.cpuSeconds).toBeGreaterThan(0);
    expect(engine.stateBytesPerGroup).toBeGreaterThan(0);
    expect(bench.summary.find((s) => s.tool === "engine")?.ratioToDuckdb).toBeGreaterThan(0);
    expect(bench.machine.postgres).toMatch(/^17/);
    expect(bench.machine.duckdb).toMatch(/^v?1\./);

    expect(readFileSync(join(out, "bench.md"), "utf8")).toMatch(/\| 20k \| streaming \| [\d,]+ \|/);
    expect(readFileSync(join(out, "bench.svg"), "utf8")).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/);
  });

  it("reuses the cached dataset afterwards (params.json present: no generation)", async () => {
    const generated: string[] = [];
    const dataset = await prepareDataset({ scale: "20k", variant: "base" }, join(work, "cache"), {
      onGenerate: (id) => generated.push(id),
    });
    expect(generated).toEqual([]);
    expect(dataset.generatedSeconds).toBeNull();
    expect(dataset.inputRows).toBeGreaterThan(20_000);
  });

  it("rejects an unknown scale as bad usage (exit 2)", async () => {
    await expect(
      run(process.execPath, [
        join(DIST, "cli", "main.js"),
        "bench",
        "--scales",
        "3m",
        "--out",
        join(work, "x"),
      ]),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("unknown scale 3m") });
  });
});
