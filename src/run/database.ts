/** The output database of a run: the configured URL, or the embedded PostgreSQL when none is configured. */
import type pg from "pg";
import type { AppConfig } from "../config/schema.js";
import { connect, redactUrl } from "../sink/connection.js";
import { startEmbeddedPostgres } from "../sink/embedded.js";

export interface OpenDatabase {
  client: pg.Client;
  /** The URL without its password, for logs. */
  shownUrl: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(config: AppConfig, log: (msg: string) => void): Promise<OpenDatabase> {
  if (config.database.url) {
    const client = await connect(config.database.url, {
      statementTimeoutMs: config.database.statementTimeoutMs,
    });
    return { client, shownUrl: redactUrl(config.database.url), embedded: false, close: () => client.end() };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.embedded.dataDir ?? undefined,
    port: config.embedded.port ?? undefined,
    log,
  });
  try {
    const client = await connect(server.url, { statementTimeoutMs: config.database.statementTimeoutMs });
    return {
      client,
      shownUrl: redactUrl(server.url),
      embedded: true,
      close: async () => {
        await client.end().catch(() => {});
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
