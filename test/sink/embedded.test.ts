import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgresHandle, findFreePort, startEmbeddedPostgres } from "../../src/sink/embedded.js";
import { PASSWORD_FILE } from "../../src/sink/embedded-files.js";

let root: string;
const started: EmbeddedPostgresHandle[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ocp-aggregator-embedded-"));
  // As root the server runs as user "postgres", which must be able to enter the directory.
  await chmod(root, 0o755);
});
afterAll(async () => {
  for (const server of started.reverse()) await server.stop().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

async function start(dataDir: string, log?: (msg: string) => void): Promise<EmbeddedPostgresHandle> {
  const server = await startEmbeddedPostgres({ dataDir, durable: false, log });
  started.push(server);
  return server;
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("startEmbeddedPostgres", () => {
  it("initialises once, then reuses the cluster, its password and its data", async () => {
    const dataDir = join(root, "reuse", "pg");
    const logs: string[] = [];
    const first = await start(dataDir, (m) => logs.push(m));
    const url = new URL(first.url);
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/ocp");
    expect((await stat(join(dataDir, "PG_VERSION"))).isFile()).toBe(true);
    expect((await stat(join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
    await query(first.url, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
    const listen = await query(first.url, "SELECT current_setting('listen_addresses') AS a");
    expect(listen.rows[0].a).toBe("127.0.0.1");
    await first.stop();
    await first.stop(); // idempotent

    const second = await start(dataDir, (m) => logs.push(m));
    expect(new URL(second.url).password).toBe(url.password);
    expect((await query(second.url, "SELECT x FROM kept")).rows).toEqual([{ x: 42 }]);
    await second.stop();

    const port = await findFreePort();
    const third = await startEmbeddedPostgres({ dataDir, durable: false, port, log: (m) => logs.push(m) });
    started.push(third);
    expect(new URL(third.url).port).toBe(String(port));
    await third.stop();

    expect(logs.filter((m) => m.includes("initialising a new cluster"))).toHaveLength(1);
    expect(logs.join("\n")).not.toContain(decodeURIComponent(url.password));
  });

  it("starts despite a stale postmaster.pid whose pid is gone or belongs to another program", async () => {
    const dataDir = join(root, "stale", "pg");
    await (await start(dataDir)).stop();
    await writeFile(join(dataDir, "postmaster.pid"), `999999\n${dataDir}\n0\n5432\n\n`);
    await (await start(dataDir)).stop();

    const sleeper = spawn("sleep", ["30"]);
    try {
      await writeFile(join(dataDir, "postmaster.pid"), `${sleeper.pid}\n${dataDir}\n0\n5432\n\n`);
      const server = await start(dataDir);
      expect(server.attached).toBe(false);
      expect((await query(server.url, "SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await server.stop();
    } finally {
      sleeper.kill();
    }
  });

  it("attaches to a server already running on the same cluster and leaves it running", async () => {
    const dataDir = join(root, "attach", "pg");
    const owner = await start(dataDir);
    const guest = await start(dataDir);
    expect(guest.attached).toBe(true);
    expect(guest.port).toBe(owner.port);
    await guest.stop();
    expect((await query(owner.url, "SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await owner.stop();
  });

  it.runIf(process.getuid?.() === 0)(
    "as root, refuses a directory user postgres cannot reach, leaving nothing behind",
    async () => {
      const hidden = join(root, "hidden");
      await mkdir(hidden, { mode: 0o700 });
      await chmod(hidden, 0o700);
      await expect(startEmbeddedPostgres({ dataDir: join(hidden, "pg"), durable: false })).rejects.toThrow(
        /OS user "postgres", which cannot reach/,
      );
      expect(await readdir(hidden)).toEqual([]);
    },
  );

  it("two runs starting the same new cluster at once share it", async () => {
    const dataDir = join(root, "race", "pg");
    const [a, b] = await Promise.all([start(dataDir), start(dataDir)]);
    expect([a.attached, b.attached].sort()).toEqual([false, true]);
    expect(a.port).toBe(b.port);
    expect(a.url).toBe(b.url);
    expect((await query(b.url, "SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    expect((await readdir(join(root, "race"))).sort()).toEqual(["pg"]);
    await a.stop();
    await b.stop();
  });

  it("refuses a directory that holds something else", async () => {
    const dataDir = join(root, "occupied");
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, "notes.txt"), "mine");
    await expect(startEmbeddedPostgres({ dataDir, durable: false })).rejects.toThrow(
      /not a PostgreSQL data directory/,
    );
  });
});
