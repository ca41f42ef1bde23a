/** The README's main command and the exit codes, through the compiled CLI. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../helpers/dist.js";

const dataDir = mkdtempSync(join(tmpdir(), "ocp-agg-cli-"));
chmodSync(dataDir, 0o755); // as root, the embedded server runs as "postgres" and must reach its data dir
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "bin", "ocp-aggregator.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    timeout: 120_000,
  });

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("ocp-aggregator CLI", () => {
  it("demo writes pod, storage and unallocated rows to the embedded PostgreSQL", () => {
    const run = cli("demo", "--data-dir", join(dataDir, "pg"));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/output .* 960 rows {2}\(Pod 720, Storage 120, unallocated 120\)/);
    expect(run.stdout).toContain("Worker unallocated");
    expect(run.stdout).toContain("Platform unallocated");
    expect(run.stdout).toMatch(/Storage +search-dev-1 +60/);
    expect(run.stdout + run.stderr).not.toMatch(/password=|:[^:*@/]+@127\.0\.0\.1/);
  });

  it("exits 0 for help, 2 for bad usage and missing run keys", () => {
    expect(cli("--help").status).toBe(0);
    expect(cli("aggregate", "--help").status).toBe(0);
    expect(cli("aggregate", "--no-such-option").status).toBe(2);
    const missing = cli("aggregate", "--input", dataDir, "--database-url", "postgres://x@127.0.0.1:1/x");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/source_uuid/);
  });

  it("exits 1 when the run fails, naming the cause", () => {
    const failed = cli(
      "aggregate",
      "--input",
      join(dataDir, "nothing-here"),
      "--source-uuid",
      "5a74472b-8173-5647-939c-3a4cc520570f",
      "--year",
      "2025",
      "--month",
      "10",
      "--database-url",
      "postgres://user:secret@127.0.0.1:1/db",
      "--log-level",
      "error",
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/run failed/);
    expect(failed.stderr).not.toContain("secret");
  });
});
