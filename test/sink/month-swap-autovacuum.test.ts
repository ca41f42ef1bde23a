/**
 * The month swap against autovacuum. After a swap the new partition holds rows never analysed, so autovacuum
 * soon VACUUMs/ANALYZEs it, holding SHARE UPDATE EXCLUSIVE. A `LOCK ... NOWAIT` never makes autovacuum yield
 * (PostgreSQL cancels an autovacuum only for a lock request that *waits* past deadlock_timeout), so the next
 * re-run used to fall back to the slow in-place path (seen at 5m: 28.8 s instead of ~18 s). Here autovacuum is
 * made to crawl over the partition (per-table cost delay), and the swap must still get its locks and commit.
 * Its own server: autovacuum is made eager (naptime 1 s) for this file only.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SummaryRow } from "../../src/model.js";
import { connect } from "../../src/sink/connection.js";
import { type WriteSummaryOptions, writeSummaryRows } from "../../src/sink/postgres-writer.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { manyRows } from "./rows.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
const PARTITION = `${TABLE}_2025_10`;
const SCHEMA = "autovacuum_swap";
let server: TestPostgres;
let client: pg.Client;
let admin: pg.Client;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
  admin = await connect(server.url, { applicationName: "test-admin" });
  await admin.query("ALTER SYSTEM SET autovacuum_naptime = '1s'");
  await admin.query("SELECT pg_reload_conf()");
});
afterAll(async () => {
  await client?.end();
  await admin?.end();
  await server?.stop();
});

const run: WriteSummaryOptions = {
  schema: SCHEMA,
  sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f",
  startDate: "2025-10-01",
  endDate: "2025-10-31",
  year: 2025,
  month: 10,
  swapLockTimeoutMs: 300,
};

function* tagged(tag: string, count: number): Generator<SummaryRow> {
  for (const row of manyRows(count, ["2025-10-01", "2025-10-15", "2025-10-31"])) {
    yield { ...row, namespace: `${tag}-${row.namespace}` };
  }
}

/** The pid of an autovacuum worker busy on the month partition, polled for at most `withinMs`. */
async function autovacuumOnPartition(withinMs: number): Promise<number | null> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    const found = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE a.backend_type = 'autovacuum worker' AND l.granted
          AND l.relation = to_regclass($1)`,
      [`${SCHEMA}.${PARTITION}`],
    );
    if (found.rows[0]) return found.rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

describe("a re-run while autovacuum works on the month partition", () => {
  it("still swaps: autovacuum is made to yield, the new month is committed whole", async () => {
    await writeSummaryRows(client, run, tagged("old", 3000));
    // Autovacuum reads one page per 100 ms here, and any change makes the partition due for it.
    await admin.query(
      `ALTER TABLE ${SCHEMA}.${PARTITION} SET (autovacuum_vacuum_cost_delay = 100,
         autovacuum_vacuum_cost_limit = 1, autovacuum_analyze_threshold = 0,
         autovacuum_analyze_scale_factor = 0, autovacuum_vacuum_insert_threshold = 0,
         autovacuum_vacuum_insert_scale_factor = 0)`,
    );
    const worker = await autovacuumOnPartition(60_000);
    expect(worker, "autovacuum never started on the partition").not.toBeNull();

    const result = await writeSummaryRows(client, run, tagged("new", 2000));

    expect(result.path).toBe("swap");
    const month = await admin.query<{ rows: number; tags: string[] }>(
      `SELECT count(*)::int AS rows, array_agg(DISTINCT split_part(namespace, '-', 1)) AS tags
         FROM ${SCHEMA}.${TABLE}`,
    );
    expect(month.rows[0]).toEqual({ rows: 2000, tags: ["new"] });
  });
});
