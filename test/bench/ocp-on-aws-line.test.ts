/**
 * `bench --ocp-on-aws` on the tiny 20k preset, through the built CLI: it generates the OCP-on-AWS dataset into
 * the cache, runs `ocp-on-aws` in a child writing to its own embedded PostgreSQL, and bench.json (documented
 * schema) and bench.md carry the line: rows, rows/s, CPU seconds, peak RSS and the phases ocp, read, engine, write.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeOcpOnAws } from "../../src/bench/ocp-on-aws.js";
import { benchFileSchema } from "../../src/bench/schema.js";
import { DIST, ensureBuilt, ROOT } from "../helpers/dist.js";

const run = promisify(execFile);
let work: string;

beforeAll(async () => {
  await ensureBuilt();
  work = mkdtempSync(join(tmpdir(), "ocp-bench-aws-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("bench --ocp-on-aws", () => {
  it("measures ocp-on-aws on the 20k preset and writes the line to bench.json and bench.md", async () => {
    const out = join(work, "out");
    const { stderr } = await run(
      process.execPath,
      [
        join(DIST, "cli", "main.js"),
        "bench",
        "--scales",
        "none",
        "--ocp-on-aws",
        "20k",
        "--runs",
        "1",
        "--no-duckdb",
        "--out",
        out,
        "--cache",
        join(work, "cache"),
      ],
      { cwd: ROOT, env: { ...process.env, OCP_AGG_DATABASE_URL: "" } },
    );
    expect(stderr).toContain("generating dataset ocp-on-aws-20k");
    expect(stderr).toMatch(/\[1\/1\] ocp-on-aws-20k #1: .* rows\/s, \d+ project rows/);

    const bench = benchFileSchema.parse(JSON.parse(readFileSync(join(out, "bench.json"), "utf8")));
    expect(bench.runs).toEqual([]);
    const section = bench.ocpOnAws;
    expect(section?.scales).toEqual(["20k"]);
    const [line] = section?.runs ?? [];
    expect(line).toMatchObject({ dataset: "ocp-on-aws-20k", ok: true, error: null });
    expect(line.curRows).toBeGreaterThan(0);
    expect(line.inputRows).toBe(line.ocpInputRows + line.curRows);
    expect(line.projectRows).toBeGreaterThan(0);
    expect(line.backPopulatedRows).toBeGreaterThan(0);
    expect(line.cpuSeconds).toBeGreaterThan(0);
    expect(line.serverCpuSeconds).toBeGreaterThan(0);
    expect(line.peakRssMb).toBeGreaterThan(0);
    expect(line.phases?.engine).toBeGreaterThan(0);
    expect(line.phases?.write).toBeGreaterThan(0);
    expect(line.phases?.read).toBeGreaterThan(0);
    expect(section?.summary).toEqual(summarizeOcpOnAws(section?.runs ?? []));
    expect(section?.summary[0].rowsPerSecond).toBe(Math.round(line.inputRows / line.wallSeconds));

    const markdown = readFileSync(join(out, "bench.md"), "utf8");
    expect(markdown).toContain("## OCP on AWS");
    expect(markdown).toMatch(
      /\| 20k \| [\d,]+ \| [\d,]+ \| [\d,]+ \| [\d.]+ \| [\d.]+ \|.*engine [\d.]+ · write/,
    );
  });

  it("refuses --scales none without --ocp-on-aws (exit 2)", async () => {
    await expect(
      run(process.execPath, [
        join(DIST, "cli", "main.js"),
        "bench",
        "--scales",
        "none",
        "--out",
        join(work, "x"),
      ]),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("nothing to measure") });
  });
});
