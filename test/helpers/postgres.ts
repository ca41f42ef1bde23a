/**
 * A throw-away PostgreSQL for tests: a fresh cluster in a temp directory, on 127.0.0.1 with a random free
 * port, without fsync (fast), removed again by stop().
 *
 *   const pg = await startTestPostgres();   // in beforeAll (hookTimeout is generous)
 *   const client = new pg.Client({ connectionString: pg.url });
 *   await pg.stop();                        // in afterAll
 *
 * Set TEST_PG_LOG=1 to see the server's log.
 */
import { rmSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../../src/sink/embedded.js";
import { isLivePostmaster, readPostmasterPid } from "../../src/sink/embedded-files.js";

export interface TestPostgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/ocp */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const PREFIX = "ocp-aggregator-testpg-";
/** Old enough that no test can still be setting it up. */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

export async function startTestPostgres(options: { database?: string } = {}): Promise<TestPostgres> {
  await sweepAbandonedClusters();
  const root = await mkdtemp(join(tmpdir(), PREFIX));
  // A test process that dies before stop() (timeout, crash) must not leave clusters behind in /tmp.
  const removeOnExit = () => rmSync(root, { recursive: true, force: true });
  process.once("exit", removeOnExit);
  try {
    // mkdtemp gives 0700; as root the server runs as user "postgres", which must be able to enter it.
    await chmod(root, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: join(root, "pg"),
      durable: false,
      database: options.database ?? "ocp",
      log: process.env.TEST_PG_LOG ? (msg) => console.error(msg) : undefined,
    });
    return {
      url: server.url,
      port: server.port,
      stop: async () => {
        await server.stop();
        await rm(root, { recursive: true, force: true });
        process.removeListener("exit", removeOnExit);
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    process.removeListener("exit", removeOnExit);
    throw error;
  }
}

/** Removes test clusters of killed test runs: old, and without a live server. Best effort. */
async function sweepAbandonedClusters(): Promise<void> {
  try {
    for (const name of await readdir(tmpdir())) {
      if (!name.startsWith(PREFIX)) continue;
      const root = join(tmpdir(), name);
      if (Date.now() - (await stat(root)).mtimeMs < ABANDONED_AFTER_MS) continue;
      const running = await readPostmasterPid(join(root, "pg")).catch(() => null);
      if (running && (await isLivePostmaster(running.pid, join(root, "pg")))) continue;
      await rm(root, { recursive: true, force: true });
    }
  } catch {
    // Another test may be sweeping at the same time; leftovers are harmless.
  }
}
