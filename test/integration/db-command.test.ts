/** `ocp-aggregator db …` through the compiled CLI: a person can find, open, keep running and stop the database. */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../helpers/dist.js";

const scratch = mkdtempSync(join(tmpdir(), "ocp-agg-db-"));
chmodSync(scratch, 0o755); // as root, the embedded server runs as "postgres" and must reach its data dir
const dataDir = join(scratch, "pg");
const hasPsql = !spawnSync("psql", ["--version"]).error;

/** Asynchronous: starting a server takes long enough that a synchronous child would stall the test worker. */
function db(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "ocp-aggregator.js"), "db", ...args], {
      env: { ...process.env, CI: "true", ...env },
      timeout: 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await db(["stop", "--data-dir", dataDir]);
  rmSync(scratch, { recursive: true, force: true });
});

describe("ocp-aggregator db", () => {
  it("status, start, url, psql, stop", { timeout: 300_000 }, async () => {
    const before = await db(["status", "--data-dir", dataDir]);
    expect(before.status, before.stderr).toBe(0);
    expect(before.stdout).toContain(`data folder  ${dataDir}`);
    expect(before.stdout).toMatch(/not created yet/);

    const started = await db(["start", "--data-dir", dataDir]);
    expect(started.status, started.stderr).toBe(0);
    const port = /running on 127\.0\.0\.1:(\d+)/.exec(started.stdout)?.[1];
    expect(port).toBeDefined();
    const passwordFile = join(dataDir, "ocp-aggregator.password");
    const password = readFileSync(passwordFile, "utf8").trim();
    // The psql line reads the password from its file; the password itself is never printed, except by `db url`.
    expect(started.stdout).toContain(
      `PGPASSWORD="$(cat ${passwordFile})" psql -h 127.0.0.1 -p ${port} -U postgres ocp`,
    );
    expect(started.stdout + started.stderr).not.toContain(password);

    // A second start finds the running server; the command that started it has ended, the server has not.
    const again = await db(["start", "--data-dir", dataDir]);
    expect(again.stdout).toMatch(/^already running/);
    expect(again.stdout).toContain(`127.0.0.1:${port}`);

    const url = await db(["url", "--data-dir", dataDir]);
    expect(url.stdout.trim()).toBe(
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/ocp`,
    );

    if (hasPsql) {
      const query = await db(["psql", "--data-dir", dataDir, "--", "-At", "-c", "SELECT current_database()"]);
      expect(query.status, query.stderr).toBe(0);
      expect(query.stdout.trim()).toBe("ocp");
    }

    const stopped = await db(["stop", "--data-dir", dataDir]);
    expect(stopped.stdout).toMatch(/^stopped the server/);
    const after = await db(["status", "--data-dir", dataDir]);
    expect(after.stdout).toMatch(/server +stopped/);
    const noUrl = await db(["url", "--data-dir", dataDir]);
    expect(noUrl.status).toBe(1);
    expect(noUrl.stderr).toMatch(/not running; start it with: npx ocp-aggregator db start --data-dir/);
  });

  it.runIf(hasPsql)(
    "psql on a stopped server starts it for the session and stops it after",
    {
      timeout: 300_000,
    },
    async () => {
      const query = await db(["psql", "--data-dir", dataDir, "--", "-At", "-c", "SELECT 40 + 2"]);
      expect(query.status, query.stderr).toBe(0);
      expect(query.stdout.trim()).toBe("42");
      // What people type: psql's options straight after `db psql`, no `--`.
      const direct = await db(["psql", "--data-dir", dataDir, "-At", "-c", "SELECT 6 * 7"]);
      expect(direct.status, direct.stderr).toBe(0);
      expect(direct.stdout.trim()).toBe("42");
      expect((await db(["status", "--data-dir", dataDir])).stdout).toMatch(/server +stopped/);
    },
  );

  it("without psql on PATH, says what to install and starts nothing", async () => {
    const missing = await db(["psql", "--data-dir", join(scratch, "never")], { PATH: "/nonexistent" });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(
      /psql \(the PostgreSQL client\) is not installed or not on PATH; install it/,
    );
    expect((await db(["status", "--data-dir", join(scratch, "never")])).stdout).toMatch(/not created yet/);
  });
});
