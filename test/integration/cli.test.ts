/** The README's main command and the exit codes, through the compiled CLI. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
    // It ends saying where the rows are and how to look at them.
    expect(run.stdout).toContain(`in the embedded PostgreSQL, data in ${join(dataDir, "pg")}\n`);
    // as typed in a checkout (README): the bare name is not on PATH there
    expect(run.stdout).toContain(`look    npx ocp-aggregator db psql --data-dir ${join(dataDir, "pg")}`);
    // A healthy cluster: no unallocated capacity below zero; the claimless PV's row is named and explained.
    expect(run.stdout).toMatch(/Pod +Platform unallocated +30 +\d/);
    expect(run.stdout).toMatch(/Storage +\(PV without claim\) +30/);
    expect(run.stdout).toContain("(PV without claim): a released PersistentVolume");
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

  const UUID = "5a74472b-8173-5647-939c-3a4cc520570f";
  const unreachableDb = "postgres://user:secret@127.0.0.1:1/db";

  it("exits 1 on an empty input folder, naming root, source, month and where it looked", () => {
    const empty = join(dataDir, "empty");
    mkdirSync(empty, { recursive: true });
    const run = cli("aggregate", "--input", empty, "--source-uuid", UUID, "--year", "2025", "--month", "10");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`run failed: no input files for source ${UUID}, 2025-10 in ${empty}`);
    expect(run.stderr).toMatch(/pod_usage, storage_usage, node_labels, namespace_labels/);
    expect(run.stderr).toMatch(/nothing was changed .*--allow-empty/);
  });

  it("validates every run parameter before starting anything (exit 2)", () => {
    const neverCreated = join(dataDir, "never-created");
    const bad = (...args: string[]) =>
      cli(
        "aggregate",
        "--input",
        dataDir,
        "--year",
        "2025",
        "--month",
        "10",
        "--data-dir",
        neverCreated,
        ...args,
      );
    const uuid = bad("--source-uuid", "not-a-uuid");
    expect(uuid.status).toBe(2);
    expect(uuid.stderr).toContain(
      'config error: run.source_uuid: expected a uuid like 7b6f505b-2ee8-5db3-865e-a9ce645da42c, got "not-a-uuid"',
    );
    expect(bad("--source-uuid", UUID, "--start-date", "2025-11-01").stderr).toMatch(
      /run\.start_date: 2025-11-01 is outside the run's month 2025-10/,
    );
    expect(bad("--source-uuid", UUID, "--cluster-id", "c".repeat(51)).status).toBe(2);
    expect(existsSync(neverCreated)).toBe(false); // no embedded PostgreSQL was started
  });

  it("refuses a --data-dir whose parent folder does not exist (a typo), creating nothing (exit 2)", () => {
    const typoParent = join(dataDir, "no-such-parent");
    const args = ["--input", dataDir, "--source-uuid", UUID, "--year", "2025", "--month", "10"];
    for (const run of [
      cli("aggregate", ...args, "--data-dir", join(typoParent, "pg")),
      cli("db", "start", "--data-dir", join(typoParent, "pg")),
    ]) {
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `embedded.data_dir (--data-dir, OCP_AGG_DATA_DIR): ${join(typoParent, "pg")}: the folder it would be created in, ${typoParent}, does not exist`,
      );
    }
    expect(existsSync(typoParent)).toBe(false);
  });

  it("generate-ocp-on-aws prints an ocp-on-aws command that runs as typed (npx, quoted alias)", () => {
    const out = join(dataDir, "aws ds");
    const run = cli("generate-ocp-on-aws", "--scenario", "storage-ebs", "--out", out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`run: npx ocp-aggregator ocp-on-aws --input '${out}' --source-uuid `);
    expect(run.stdout).toContain("--cluster-alias 'Storage Cluster'");

    // The printed command, as a shell would split it, writes and then says where the rows are.
    const prefix = "run: npx ocp-aggregator ";
    const printed = run.stdout.slice(run.stdout.indexOf(prefix) + prefix.length).trim();
    const args = [...printed.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
    const written = cli(...args, "--data-dir", join(dataDir, "pg"));
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toContain(
      "rows    public.reporting_ocpawscostlineitem_project_daily_summary_p, public.reporting_ocpusagelineitem_daily_summary in the embedded PostgreSQL",
    );
    expect(written.stdout).toContain(`look    npx ocp-aggregator db psql --data-dir ${join(dataDir, "pg")}`);
  });

  it("offers no option that cannot apply: verify writes nothing, submit has no embedded database", () => {
    for (const [command, option] of [
      ["verify", "--summary-parquet"],
      ["verify", "--steps"],
      ["verify", "--allow-empty"],
      ["submit", "--data-dir"],
      ["submit-ocp-on-aws", "--data-dir"],
    ] as const) {
      expect(cli(command, "--help").stdout).not.toContain(option);
      const typed = cli(command, option, "x");
      expect(typed.status).toBe(2);
      expect(typed.stderr).toContain(`unknown option '${option}'`);
    }
    expect(cli("aggregate", "--help").stdout).toContain("--summary-parquet");
    expect(cli("ocp-on-aws", "--help").stdout).toContain("--data-dir");
  });

  it("prints config typos; --strict and unknown top-level keys exit 2", () => {
    const typo = join(dataDir, "typo.yaml");
    writeFileSync(typo, `run:\n  cluster_alais: prod\n  source_uuid: ${UUID}\n  year: 2025\n  month: 10\n`);
    const empty = join(dataDir, "empty");
    mkdirSync(empty, { recursive: true });
    const loose = cli("aggregate", "--config", typo, "--input", empty, "--database-url", unreachableDb);
    expect(loose.stderr).toContain("unknown key run.cluster_alais ignored (did you mean run.cluster_alias?)");
    const strict = cli("aggregate", "--config", typo, "--strict", "--input", empty);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain(
      "run.cluster_alais: unknown key (config.strict is on) (did you mean run.cluster_alias?)",
    );

    const section = join(dataDir, "section.yaml");
    writeFileSync(section, `databse:\n  url: ${unreachableDb}\n`);
    const misspelt = cli(
      "aggregate",
      "--config",
      section,
      "--input",
      empty,
      "--source-uuid",
      UUID,
      "--year",
      "2025",
      "--month",
      "10",
    );
    expect(misspelt.status).toBe(2);
    expect(misspelt.stderr).toContain(
      "databse: unknown top-level key: everything under it would be ignored (did you mean database?)",
    );
  });
});
