/**
 * A throw-away PostgreSQL for tests: a fresh cluster in a temp directory, on 127.0.0.1 with a random free
 * port, without fsync (fast), removed again by stop().
 *
 *   const pg = await startTestPostgres();   // in beforeAll (hookTimeout is generous)
 *   const client = new pg.Client({ connectionString: pg.url });
 *   await pg.stop();                        // in afterAll
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../../src/sink/embedded.js";

export interface TestPostgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/ocp */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startTestPostgres(options: { database?: string } = {}): Promise<TestPostgres> {
  const root = await mkdtemp(join(tmpdir(), "ocp-aggregator-testpg-"));
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
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
