/**
 * The `generate` and `seed` commands: option mapping and validation, `--list`, a local run through
 * commander, and seeding the reference tables of a throw-away PostgreSQL.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateOptionsFrom, registerGenerateCommands } from "../../src/cli/commands/generate.js";
import { loadConfigDetailed, resolveRunParams } from "../../src/config/index.js";
import { generateDataset } from "../../src/generate/index.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("gen-cli");
afterAll(() => dir.remove());

/** Runs a command; runCommand ends with process.exit, which is caught here. */
async function run(args: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
  let out = "";
  let err = "";
  const outSpy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  let code: number | undefined;
  // runCommand's own catch sees the thrown "exit" of a successful body and exits again: keep the first code.
  const exitSpy = vi.spyOn(process, "exit").mockImplementation(((c?: number) => {
    code ??= c;
    throw new Error("exit");
  }) as never);
  const program = new Command().exitOverride();
  registerGenerateCommands(program);
  try {
    await program.parseAsync(["node", "ocp-aggregator", ...args]);
  } catch (error) {
    if ((error as Error).message !== "exit") throw error;
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
    exitSpy.mockRestore();
  }
  return { code, out, err };
}

describe("generate command", () => {
  it("maps options and rejects bad ones", () => {
    expect(generateOptionsFrom({ out: "d", scale: "1m", seed: "5", rowGroupSize: "1000" })).toMatchObject({
      out: "d",
      scale: "1m",
      seed: 5,
      rowGroupSize: 1000,
    });
    expect(generateOptionsFrom({ out: "d", nodes: "3", days: "2" }).size).toEqual({
      nodes: 3,
      podsPerNode: 20,
      days: 2,
    });
    expect(() => generateOptionsFrom({ out: "d" })).toThrow(/exactly one/);
    expect(() => generateOptionsFrom({ out: "d", scale: "3m" })).toThrow(/--scale/);
    expect(() => generateOptionsFrom({ out: "d", scenario: "x", scale: "1m" })).toThrow(/exactly one/);
    expect(() => generateOptionsFrom({ scenario: "x" })).toThrow(/--out/);
    expect(() => generateOptionsFrom({ out: "d", scenario: "storage", rowGroupSize: "0" })).toThrow(
      /positive/,
    );
    expect(() => generateOptionsFrom({ out: "d", scenario: "storage", compression: "lz4" })).toThrow(
      /snappy or zstd/,
    );
  });

  it("lists scenarios and presets", async () => {
    const { code, out } = await run(["generate", "--list"]);
    expect(code).toBe(0);
    expect(out).toContain("shared-pv-across-nodes");
    expect(out).toContain("20m");
  });

  it("generates a scenario and prints a JSON summary", async () => {
    const { code, out } = await run([
      "generate",
      "--scenario",
      "basic-pod",
      "--out",
      `${dir.path}/basic`,
      "--json",
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.counts.pod_usage).toEqual({ hourly: 24, daily: 1 });
    expect(summary.files).toBe(9);
    // the same command again: bad usage (exit 2) naming the folder and the option, the dataset kept
    const again = await run(["generate", "--scenario", "basic-pod", "--out", `${dir.path}/basic`]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`${dir.path}/basic already holds a dataset; pass overwrite (--overwrite)`);
  });

  it("says what to run next, and that command's config loads cleanly", async () => {
    const out = `${dir.path}/next`;
    const generated = await run([
      "generate",
      "--nodes",
      "2",
      "--pods-per-node",
      "3",
      "--days",
      "1",
      "--out",
      out,
    ]);
    expect(generated.code).toBe(0);
    const params = join(out, "params.json");
    expect(generated.out).toContain("next: aggregate it into the embedded PostgreSQL");
    expect(generated.out).toContain(`npx ocp-aggregator aggregate --input ${out} --config ${params}`);
    const { config, warnings } = loadConfigDetailed({ file: params, env: {}, overrides: { input: out } });
    expect(warnings).toEqual([]);
    expect(resolveRunParams(config).sourceUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(config.reference.enabledTagKeys?.length).toBeGreaterThan(0);
  });

  it("exits 2 on bad usage with one clear line", async () => {
    const { code, err } = await run(["generate", "--scenario", "no-such-thing", "--out", `${dir.path}/x`]);
    expect(code).toBe(2);
    expect(err).toMatch(/unknown scenario "no-such-thing"/);
    const usage = await run(["generate", "--out", `${dir.path}/y`]);
    expect(usage.code).toBe(2);
  });
});

describe("seed command", () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startTestPostgres();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("loads params.json into Koku's reference tables", async () => {
    const dataset = await generateDataset({ out: `${dir.path}/seed`, scenario: "cost-category" });
    const { code, out } = await run([
      "seed",
      "--dataset",
      dataset.dir,
      "--database-url",
      db.url,
      "--schema",
      "acct1",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("acct1");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const keys = await client.query(
        "select key from acct1.reporting_enabledtagkeys where enabled order by key",
      );
      expect(keys.rows.map((r) => r.key)).toEqual(["app"]);
      const categories = await client.query(
        "select namespace from acct1.reporting_ocp_cost_category_namespace order by namespace",
      );
      expect(categories.rows.map((r) => r.namespace)).toContain("openshift-mon%");
      const nodes = await client.query("select node, node_role from acct1.reporting_ocp_nodes order by node");
      expect(nodes.rows).toEqual([
        { node: "node-a", node_role: "master" },
        { node: "node-b", node_role: "worker" },
      ]);
    } finally {
      await client.end();
    }
  });

  it("defaults to the embedded PostgreSQL, as aggregate does", { timeout: 180_000 }, async () => {
    const dataset = await generateDataset({ out: `${dir.path}/seed-embedded`, scenario: "cost-category" });
    const dataDir = mkdtempSync(join(tmpdir(), "ocp-agg-seed-"));
    chmodSync(dataDir, 0o755); // as root the embedded server runs as "postgres" and must reach its folder
    try {
      const { code, out, err } = await run([
        "seed",
        "--dataset",
        dataset.dir,
        "--data-dir",
        join(dataDir, "pg"),
      ]);
      expect(code, err).toBe(0);
      expect(out).toMatch(/seeded into schema org\w+ of postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/ocp/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
