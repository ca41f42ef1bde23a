/**
 * The re-run write that rebuilds the month in a staging table and exchanges it for the partition
 * (src/sink/month-swap.ts), and its fallback to replacing rows in place: both atomic and idempotent, other
 * sources' rows kept, readers see the old month or the new one and never half of it.
 */
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SummaryRow } from "../../src/model.js";
import { connect } from "../../src/sink/connection.js";
import {
  SummaryWriteError,
  type WriteSummaryOptions,
  writeSummaryRows,
} from "../../src/sink/postgres-writer.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { manyRows, podRow, SOURCE_A, SOURCE_B } from "./rows.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
const PARTITION = `${TABLE}_2025_10`;
const DAYS = ["2025-10-01", "2025-10-15", "2025-10-31"];
let server: TestPostgres;
let client: pg.Client;
let admin: pg.Client;
let schema: string;
let counter = 0;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
  admin = await connect(server.url, { applicationName: "test-admin" });
});
afterAll(async () => {
  await client?.end();
  await admin?.end();
  await server?.stop();
});
beforeEach(() => {
  schema = `swap_${++counter}`;
});

const run = (overrides: Partial<WriteSummaryOptions> = {}): WriteSummaryOptions => ({
  schema,
  sourceUuid: SOURCE_A,
  startDate: "2025-10-01",
  endDate: "2025-10-31",
  year: 2025,
  month: 10,
  ...overrides,
});

/** Rows of source A tagged with `tag` (namespace prefix), spread over the month. */
function* tagged(tag: string, count: number, days = DAYS): Generator<SummaryRow> {
  for (const row of manyRows(count, days)) yield { ...row, namespace: `${tag}-${row.namespace}` };
}

interface MonthState {
  rows: number;
  tags: string[];
}

async function monthState(db: pg.Client = client): Promise<MonthState> {
  const result = await db.query<{ rows: number; tags: string[] | null }>(
    `SELECT count(*)::int AS rows, array_agg(DISTINCT split_part(namespace, '-', 1)) AS tags
       FROM "${schema}".${TABLE} WHERE usage_start >= '2025-10-01' AND usage_start < '2025-11-01'`,
  );
  return { rows: result.rows[0].rows, tags: result.rows[0].tags ?? [] };
}

async function partitionIndexes(): Promise<string[]> {
  const result = await client.query(
    "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = to_regclass($1) ORDER BY 1",
    [`${schema}.${PARTITION}`],
  );
  return result.rows.map((r) => r.name);
}

async function relationsInSchema(): Promise<string[]> {
  const result = await client.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  return result.rows.map((r) => r.relname);
}

describe("re-running a month whose partition exists", () => {
  it("rebuilds the month and swaps it in: same partition and index names, valid indexes, rows replaced", async () => {
    const first = await writeSummaryRows(client, run(), tagged("old", 300));
    expect(first.path).toBe("fresh");
    const indexesBefore = await partitionIndexes();
    expect(indexesBefore).toHaveLength(10);

    const second = await writeSummaryRows(client, run(), tagged("new", 250));
    expect(second).toMatchObject({ path: "swap", deleted: 300, inserted: 250, copiedAcross: 0 });
    expect(second.phases["build indexes"]).toBeGreaterThan(0);
    expect(await monthState()).toEqual({ rows: 250, tags: ["new"] });
    expect(await partitionIndexes()).toEqual(indexesBefore);
    expect(await relationsInSchema()).toEqual([TABLE, PARTITION, `${TABLE}_default`]);
    const invalid = await client.query(
      `SELECT count(*)::int AS n FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
        WHERE i.indrelid = to_regclass($1) AND i.indisvalid`,
      [`${schema}.${PARTITION}`],
    );
    // Every index is valid and attached to its parent index (the parent's indexes stay valid too).
    expect(invalid.rows[0].n).toBe(10);
    await expect(
      client.query(
        `INSERT INTO "${schema}".${TABLE} (uuid, usage_start, usage_end) SELECT uuid, usage_start, usage_end FROM "${schema}".${TABLE} LIMIT 1`,
      ),
    ).rejects.toThrow(/duplicate key/);
    const check = await client.query(
      "SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'",
      [`${schema}.${PARTITION}`],
    );
    expect(check.rows).toEqual([]);
  });

  it("is idempotent: the same run twice stores the same rows", async () => {
    await writeSummaryRows(client, run(), tagged("old", 50));
    const rows = [...tagged("same", 80)];
    await writeSummaryRows(client, run(), rows);
    const once = await client.query(
      `SELECT namespace, usage_start::text FROM "${schema}".${TABLE} ORDER BY 1, 2`,
    );
    const again = await writeSummaryRows(client, run(), rows);
    expect(again).toMatchObject({ path: "swap", deleted: 80, inserted: 80 });
    const twice = await client.query(
      `SELECT namespace, usage_start::text FROM "${schema}".${TABLE} ORDER BY 1, 2`,
    );
    expect(twice.rows).toEqual(once.rows);
  });

  it("keeps the rows of other sources and of this source outside the run's days", async () => {
    await writeSummaryRows(
      client,
      run(),
      tagged("old", 100, ["2025-10-01", "2025-10-10", "2025-10-20", "2025-10-31"]),
    );
    await writeSummaryRows(client, run({ sourceUuid: SOURCE_B }), [
      podRow({ source_uuid: SOURCE_B, namespace: "b-1" }),
      podRow({ source_uuid: SOURCE_B, namespace: "b-2" }),
    ]);
    const result = await writeSummaryRows(client, run({ startDate: "2025-10-02", endDate: "2025-10-31" }), [
      podRow({ namespace: "new-1", usage_start: "2025-10-20", usage_end: "2025-10-20" }),
    ]);
    // Source A had 25 rows on 10-01 (outside the range) and 75 inside; B's 2 rows are copied across too.
    expect(result).toMatchObject({ path: "swap", deleted: 75, inserted: 1, copiedAcross: 27 });
    const kept = await client.query(
      `SELECT source_uuid::text AS s, count(*)::int AS n FROM "${schema}".${TABLE} GROUP BY 1 ORDER BY 1`,
    );
    expect(kept.rows).toEqual([
      { s: SOURCE_B, n: 2 },
      { s: SOURCE_A, n: 26 },
    ]);
  });

  it("replaces in place when other sources hold most of the month (a rebuild would cost more)", async () => {
    await writeSummaryRows(
      client,
      run({ sourceUuid: SOURCE_B }),
      manyRows(100, DAYS, { source_uuid: SOURCE_B }),
    );
    await writeSummaryRows(client, run(), tagged("old", 10));
    const result = await writeSummaryRows(client, run(), tagged("new", 10));
    expect(result).toMatchObject({ path: "in-place", deleted: 10, inserted: 10 });
  });

  it("replaces in place when swapping is switched off (swapLockTimeoutMs 0)", async () => {
    await writeSummaryRows(client, run(), tagged("old", 10));
    const result = await writeSummaryRows(client, run({ swapLockTimeoutMs: 0 }), tagged("new", 12));
    expect(result).toMatchObject({ path: "in-place", deleted: 10, inserted: 12 });
    expect(await monthState()).toEqual({ rows: 12, tags: ["new"] });
  });

  it("a failing run leaves the old month and no staging table", async () => {
    await writeSummaryRows(client, run(), tagged("old", 40));
    const failure = await writeSummaryRows(client, run(), [
      ...tagged("new", 30),
      podRow({ namespace: "new-bad", pod_usage_cpu_core_hours: 1e19 }),
    ]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SummaryWriteError);
    expect((failure as SummaryWriteError).phase).toBe("copy");
    expect(await monthState()).toEqual({ rows: 40, tags: ["old"] });
    expect(await relationsInSchema()).toEqual([TABLE, PARTITION, `${TABLE}_default`]);
  });
});

describe("a long reader during the swap", () => {
  it("is never queued behind: the write falls back to in place, commits, and the reader keeps its snapshot", async () => {
    await writeSummaryRows(client, run(), tagged("old", 60));
    await admin.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    try {
      expect(await monthState(admin)).toEqual({ rows: 60, tags: ["old"] });
      const started = performance.now();
      const result = await writeSummaryRows(client, run({ swapLockTimeoutMs: 300 }), tagged("new", 70));
      expect(result).toMatchObject({ path: "fallback", deleted: 60, inserted: 70 });
      expect(performance.now() - started).toBeLessThan(10_000);
      // The reader, still open, sees the old month whole; a new reader sees the new month whole.
      expect(await monthState(admin)).toEqual({ rows: 60, tags: ["old"] });
      expect(await monthState()).toEqual({ rows: 70, tags: ["new"] });
    } finally {
      await admin.query("ROLLBACK");
    }
    expect(await relationsInSchema()).toEqual([TABLE, PARTITION, `${TABLE}_default`]);
    // With the reader gone, the next run swaps again.
    expect((await writeSummaryRows(client, run(), tagged("next", 70))).path).toBe("swap");
  });

  it("readers polling throughout swaps see the old month or the new one, never half", async () => {
    await writeSummaryRows(client, run(), tagged("a", 400));
    const seen: MonthState[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) seen.push(await monthState(admin));
    })();
    try {
      for (let i = 0; i < 4; i++) {
        const result = await writeSummaryRows(
          client,
          run(),
          tagged(i % 2 === 0 ? "b" : "a", i % 2 === 0 ? 300 : 400),
        );
        expect(result.path).toBe("swap");
      }
    } finally {
      writing = false;
      await reader;
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const state of seen) {
      expect([
        { rows: 400, tags: ["a"] },
        { rows: 300, tags: ["b"] },
      ]).toContainEqual(state);
    }
  });
});
