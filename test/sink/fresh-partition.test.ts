import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connect } from "../../src/sink/connection.js";
import { SummaryWriteError, writeSummaryRows } from "../../src/sink/postgres-writer.js";
import { ensureSummaryTable } from "../../src/sink/summary-table.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { manyRows, podRow, SOURCE_A, SOURCE_B } from "./rows.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
const PARTITION = `${TABLE}_2025_10`;
let server: TestPostgres;
let client: pg.Client;
let schema: string;
let counter = 0;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});
beforeEach(() => {
  schema = `fresh_${++counter}`;
});

const run = (overrides: Partial<{ sourceUuid: string; startDate: string; endDate: string }> = {}) => ({
  schema,
  sourceUuid: SOURCE_A,
  startDate: "2025-10-01",
  endDate: "2025-10-31",
  year: 2025,
  month: 10,
  ...overrides,
});

async function indexCount(relation: string): Promise<number> {
  const result = await client.query(
    "SELECT count(*)::int AS n FROM pg_index WHERE indrelid = to_regclass($1)",
    [relation],
  );
  return result.rows[0].n;
}

async function placement(): Promise<Record<string, string>> {
  const result = await client.query(
    `SELECT namespace, tableoid::regclass::text AS part FROM "${schema}".${TABLE} ORDER BY namespace`,
  );
  return Object.fromEntries(result.rows.map((r) => [r.namespace, r.part]));
}

describe("writing a month that has no partition yet", () => {
  it("attaches a complete partition: Koku's indexes, no leftover constraint", async () => {
    const result = await writeSummaryRows(client, run(), manyRows(1000, ["2025-10-01", "2025-10-31"]));
    expect(result).toMatchObject({ deleted: 0, inserted: 1000 });
    expect(await indexCount(`${schema}.${PARTITION}`)).toBe(await indexCount(`${schema}.${TABLE}`));
    expect(await indexCount(`${schema}.${PARTITION}`)).toBe(10);
    const bound = await client.query(
      "SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE oid = $1::regclass",
      [`${schema}.${PARTITION}`],
    );
    expect(bound.rows[0].b).toBe("FOR VALUES FROM ('2025-10-01') TO ('2025-11-01')");
    const checks = await client.query(
      "SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'",
      [`${schema}.${PARTITION}`],
    );
    expect(checks.rows).toEqual([]);
    // The primary key holds on the new partition.
    await expect(
      client.query(
        `INSERT INTO ${schema}.${TABLE} (uuid, usage_start, usage_end) SELECT uuid, usage_start, usage_end FROM ${schema}.${TABLE} LIMIT 1`,
      ),
    ).rejects.toThrow(/duplicate key/);
  });

  it("stores the fresh partition's rows frozen and all-visible (COPY FREEZE)", async () => {
    await writeSummaryRows(client, run(), manyRows(2000, ["2025-10-07"]));
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_visibility");
    const map = await client.query(
      `SELECT count(*) FILTER (WHERE all_visible AND all_frozen)::int AS frozen, count(*)::int AS pages
         FROM pg_visibility_map($1::regclass)`,
      [`${schema}.${PARTITION}`],
    );
    // Every page a COPY batch starts empty is marked; only the page each batch continues on is not.
    expect(map.rows[0].pages).toBeGreaterThan(10);
    expect(map.rows[0].frozen).toBeGreaterThan(map.rows[0].pages * 0.8);
  });

  it("rolls back completely on failure: no partition left behind", async () => {
    await ensureSummaryTable(client, schema);
    const failure = await writeSummaryRows(client, run(), [
      podRow(),
      podRow({ pod_usage_cpu_core_hours: 1e19 }),
    ]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SummaryWriteError);
    expect((failure as SummaryWriteError).phase).toBe("copy");
    const exists = await client.query("SELECT to_regclass($1) AS r", [`${schema}.${PARTITION}`]);
    expect(exists.rows[0].r).toBeNull();
    expect((await writeSummaryRows(client, run(), [podRow()])).inserted).toBe(1);
  });

  it("refuses rows outside the run's month with a clear error", async () => {
    const failure = await writeSummaryRows(client, run(), [
      podRow({ usage_start: "2025-11-01", usage_end: "2025-11-01" }),
    ]).catch((e: unknown) => e as Error);
    expect((failure as Error).message).toMatch(/failed during copy: .*ocp_aggregator_month_bounds/);
  });

  it("replaces this source's rows stranded in the default partition and moves the others into the partition", async () => {
    await ensureSummaryTable(client, schema);
    await client.query(
      `INSERT INTO "${schema}".${TABLE} (usage_start, usage_end, source_uuid, namespace) VALUES
         ('2025-10-05', '2025-10-05', $1, 'old of A'), ('2025-10-05', '2025-10-05', $2, 'kept of B'),
         ('2025-12-05', '2025-12-05', $1, 'A in December')`,
      [SOURCE_A, SOURCE_B],
    );
    const result = await writeSummaryRows(client, run(), [podRow({ namespace: "new of A" })]);
    expect(result).toMatchObject({ deleted: 1, inserted: 1 });
    expect(await placement()).toEqual({
      "A in December": `${schema}.${TABLE}_default`,
      "kept of B": `${schema}.${PARTITION}`,
      "new of A": `${schema}.${PARTITION}`,
    });
  });

  it("routes through the parent when the date range reaches outside the month", async () => {
    const result = await writeSummaryRows(client, run({ startDate: "2025-10-30", endDate: "2025-11-02" }), [
      podRow({ namespace: "october" }),
      podRow({ namespace: "november", usage_start: "2025-11-01", usage_end: "2025-11-01" }),
    ]);
    expect(result.inserted).toBe(2);
    expect(await placement()).toEqual({
      november: `${schema}.${TABLE}_default`,
      october: `${schema}.${PARTITION}`,
    });
  });

  it("writes into the existing partition on the next run (incremental path)", async () => {
    await writeSummaryRows(client, run(), manyRows(10, ["2025-10-02"]));
    const second = await writeSummaryRows(client, run(), manyRows(12, ["2025-10-03"]));
    expect(second).toMatchObject({ deleted: 10, inserted: 12 });
    const parts = new Set(Object.values(await placement()));
    expect([...parts]).toEqual([`${schema}.${PARTITION}`]);
  });

  it("quotes a hostile schema name everywhere (fresh partition, then incremental, then Koku bookkeeping)", async () => {
    schema = `we"ird; DROP TABLE x; --`;
    const first = await writeSummaryRows(client, run(), manyRows(3, ["2025-10-02"]));
    const second = await writeSummaryRows(client, run(), manyRows(4, ["2025-10-02"]));
    expect([first.inserted, second.deleted, second.inserted]).toEqual([3, 3, 4]);
    const parts = await client.query(
      "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1",
      [schema],
    );
    expect(parts.rows.map((r) => r.relname)).toEqual([TABLE, PARTITION, `${TABLE}_default`]);
  });
});
