/** The bench's pure parts: summary medians and ratios, the Markdown table, the SVG chart, option parsing. */
import { describe, expect, it } from "vitest";
import { benchMarkdown, targetLines } from "../../src/bench/markdown.js";
import {
  BENCH_SCHEMA_VERSION,
  type BenchDataset,
  type BenchFile,
  type BenchRun,
} from "../../src/bench/schema.js";
import { median, summarize } from "../../src/bench/summary.js";
import { benchSvg, formatShort, logAxis, niceAxis } from "../../src/bench/svg.js";
import { commandLine, parseModes, parseRuns, parseScales } from "../../src/cli/commands/bench.js";

const dataset: BenchDataset = {
  id: "1m",
  scale: "1m",
  variant: "base",
  intervalMinutes: 60,
  filesPerType: 1,
  dir: "/cache/1m",
  inputRows: 1_000_000,
  generatedSeconds: null,
};

function run(overrides: Partial<BenchRun>): BenchRun {
  return {
    dataset: "1m",
    scale: "1m",
    variant: "base",
    tool: "engine",
    mode: "streaming",
    repetition: 1,
    startedAt: "2025-01-01T00:00:00.000Z",
    loadAverage: [1, 1, 1],
    ok: true,
    error: null,
    wallSeconds: 2,
    cpuSeconds: 2.5,
    inputRows: 1_000_000,
    rowsRead: 900_000,
    outputRows: 40_000,
    rowsPerSecond: 500_000,
    peakRssMb: 200,
    phases: { list: 0.01, read: 0.5, aggregate: 1, finish: 0.2, write: 0.2, total: 1.9 },
    stateBytes: 4_000_000,
    stateBytesPerGroup: 100,
    ...overrides,
  };
}

const runs: BenchRun[] = [
  run({ repetition: 1, wallSeconds: 2, peakRssMb: 200 }),
  run({ repetition: 2, wallSeconds: 4, peakRssMb: 210 }),
  run({ repetition: 3, wallSeconds: 3, peakRssMb: 190 }),
  run({ repetition: 4, ok: false, error: "exit code 1", wallSeconds: 0.1 }),
  run({
    tool: "duckdb",
    mode: null,
    wallSeconds: 1.5,
    phases: null,
    stateBytes: null,
    stateBytesPerGroup: null,
  }),
  run({ tool: "duckdb", mode: null, repetition: 2, wallSeconds: 2.5, phases: null, stateBytes: null }),
];

describe("summarize", () => {
  it("takes medians of the successful runs, the highest RSS, and the ratio to DuckDB's median", () => {
    const summary = summarize([dataset], runs);
    expect(summary).toHaveLength(2);
    const engine = summary.find((s) => s.tool === "engine");
    expect(engine).toMatchObject({
      runs: 3,
      medianWallSeconds: 3,
      rowsPerSecond: 333_333,
      peakRssMb: 210,
      duckdbSeconds: 2,
      ratioToDuckdb: 1.5,
      medianCpuSeconds: 2.5,
      duckdbCpuSeconds: 2.5,
      cpuRatioToDuckdb: 1,
      stateBytesPerGroup: 100,
    });
    expect(engine?.medianPhases?.total).toBe(1.9);
    const duck = summary.find((s) => s.tool === "duckdb");
    expect(duck).toMatchObject({ runs: 2, medianWallSeconds: 2, medianPhases: null, ratioToDuckdb: 2 / 2 });
  });

  it("median of even and odd counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

function benchFile(): BenchFile {
  return {
    schema: BENCH_SCHEMA_VERSION,
    createdAt: "2025-01-01T00:00:00.000Z",
    command: "ocp-aggregator bench --scales 1m",
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    machine: {
      hostname: "h",
      platform: "linux",
      release: "6",
      arch: "x64",
      cpuModel: "Test CPU",
      cpus: 2,
      totalMemoryMb: 4096,
      node: "v20.0.0",
      duckdb: "v1.5.6",
      postgres: "17.10",
    },
    settings: {
      scales: ["1m"],
      modes: ["streaming"],
      runs: 3,
      duckdb: true,
      duckdbScales: null,
      variants: false,
      variantScale: null,
      database: "embedded",
    },
    datasets: [dataset],
    runs,
    summary: summarize([dataset], runs),
  };
}

describe("bench.md", () => {
  it("has the machine, the table with engine and DuckDB rows, the targets and the failed run", () => {
    const md = benchMarkdown(benchFile());
    expect(md).toContain("2 × Test CPU");
    expect(md).toContain(
      "| scale | mode | input rows | output rows | median wall s | job s | CPU s | rows/s | rows/CPU-s |",
    );
    expect(md).toMatch(
      /\| 1m \| streaming \| 1,000,000 \| 40,000 \| 3\.00 \| 1\.90 \| 2\.50 \| 333,333 \| 400,000 \| 210 \|/,
    );
    expect(md).toMatch(/\| 1m \| DuckDB reference \| 1,000,000 \|/);
    expect(md).toContain("within 2× of DuckDB (wall time): worst 1.50× (1m, streaming) — met");
    expect(md).toContain("within 2× of DuckDB (CPU time): worst 1.00× (1m, streaming) — met");
    expect(md).toContain("### Failed runs");
    // a table row has as many cells as the header
    // (each table: consecutive "| " lines)
    const tables = md
      .split(/\n(?!\| )[^\n]*/)
      .map((block) => block.split("\n").filter((l) => l.startsWith("| ")));
    for (const table of tables.filter((t) => t.length > 0)) {
      expect(new Set(table.map((l) => l.split(" | ").length)).size).toBe(1);
    }
    expect(md).toContain("exit code 1");
  });

  it("has no empty summary table when only the OCP-on-AWS line ran (--scales none)", () => {
    const md = benchMarkdown({ ...benchFile(), datasets: [], runs: [], summary: [] });
    expect(md).not.toContain("| scale | mode | input rows");
    expect(md).toContain("- no runs");
  });

  it("checks the throughput target at 5M", () => {
    const fast = summarize(
      [{ ...dataset, id: "5m", scale: "5m", inputRows: 5_000_000 }],
      [run({ dataset: "5m", scale: "5m", inputRows: 5_000_000, wallSeconds: 4 })],
    );
    expect(targetLines(fast)).toContain(
      "- ≥ 1,000,000 input rows/s at 5M (streaming): 1,250,000 rows/s — met",
    );
  });
});

describe("bench.svg", () => {
  it("draws two panels with axes, legend, target lines and one marker per point", () => {
    const svg = benchSvg(summarize([dataset], runs), "subtitle & more");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Throughput (end to end)");
    expect(svg).toContain("Peak memory of the process");
    expect(svg).toContain("engine, streaming");
    expect(svg).toContain("DuckDB reference SQL");
    expect(svg).toContain("target 1M rows/s");
    expect(svg).toContain("subtitle &amp; more");
    // engine and DuckDB: 1 point each in both panels, plus the dotted per-CPU-second points, plus 2 legend markers
    expect(svg.match(/<circle /g)).toHaveLength(8);
    expect(svg).toContain("dotted = input rows per CPU second");
  });

  it("picks round axes", () => {
    expect(niceAxis(930)).toEqual({ max: 1000, step: 200 });
    expect(niceAxis(2_600_000)).toEqual({ max: 3_000_000, step: 1_000_000 });
    expect(logAxis([20_000, 5_000_000])).toEqual({
      min: 10_000,
      max: 10_000_000,
      ticks: [10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1e6, 2e6, 5e6, 1e7],
    });
    expect(formatShort(1_500_000)).toBe("1.5M");
    expect(formatShort(300)).toBe("300");
  });
});

describe("bench options", () => {
  it("parses lists and rejects unknown values", () => {
    expect(parseScales("20k, 1m")).toEqual(["20k", "1m"]);
    expect(() => parseScales("3m")).toThrow(/unknown scale 3m/);
    expect(parseModes("in-memory,streaming")).toEqual(["in-memory", "streaming"]);
    expect(() => parseModes("fast")).toThrow(/streaming and\/or in-memory/);
    expect(parseRuns("3")).toBe(3);
    expect(() => parseRuns("0")).toThrow(/whole number/);
  });

  it("records the command line without a database password", () => {
    const line = commandLine(["bench", "--database-url", "postgres://u:secret@h/db", "--runs", "1"]);
    expect(line).not.toContain("secret");
    expect(line).toContain("--runs 1");
    expect(commandLine(["bench", "--database-url=postgres://u:secret@h/db"])).not.toContain("secret");
  });
});
