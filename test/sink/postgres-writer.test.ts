import type pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SummaryRow } from "../../src/model.js";
import { connect } from "../../src/sink/connection.js";
import { SummaryWriteError, writeSummaryRows } from "../../src/sink/postgres-writer.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { manyRows, podRow, SOURCE_A, SOURCE_B } from "./rows.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
let server: TestPostgres;
let client: pg.Client;
let schema: string;
let schemaCounter = 0;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});
beforeEach(() => {
  schema = `writer_${++schemaCounter}`;
});

const october = (overrides: Partial<{ sourceUuid: string; startDate: string; endDate: string }> = {}) => ({
  schema,
  sourceUuid: SOURCE_A,
  startDate: "2025-10-30",
  endDate: "2025-10-31",
  year: 2025,
  month: 10,
  ...overrides,
});

async function countRows(where = "true", params: unknown[] = []): Promise<number> {
  const result = await client.query(
    `SELECT count(*)::int AS n FROM "${schema}".${TABLE} WHERE ${where}`,
    params,
  );
  return result.rows[0].n;
}

describe("writeSummaryRows", () => {
  it("creates table and partition, writes rows readable with Koku's types", async () => {
    const row = podRow({ cost_category_id: 3, infrastructure_usage_cost: '{"cost": 1}' });
    const result = await writeSummaryRows(client, october(), [row]);
    expect(result).toMatchObject({ deleted: 0, inserted: 1 });
    expect(result.seconds).toBeGreaterThan(0);

    const read = await client.query(
      `SELECT uuid::text, usage_start::text, usage_end::text, pod_usage_cpu_core_hours::text AS cpu,
              pod_usage_memory_gigabyte_hours::text AS mem, pod_labels, infrastructure_usage_cost, source_uuid::text,
              report_period_id, cost_category_id, cluster_alias, persistentvolumeclaim, tableoid::regclass::text AS part,
              pg_typeof(pod_labels)::text AS labels_type, pg_typeof(pod_usage_cpu_core_hours)::text AS cpu_type
         FROM "${schema}".${TABLE}`,
    );
    const got = read.rows[0];
    expect(got.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(got).toMatchObject({
      usage_start: "2025-10-30",
      usage_end: "2025-10-30",
      cpu: "1.500000000000000",
      mem: "0.123456789012345",
      pod_labels: { app: "web" },
      infrastructure_usage_cost: { cost: 1 },
      source_uuid: SOURCE_A,
      report_period_id: 7,
      cost_category_id: 3,
      cluster_alias: "My Cluster",
      persistentvolumeclaim: null,
      part: `${schema}.${TABLE}_2025_10`,
      labels_type: "jsonb",
      cpu_type: "numeric",
    });
  });

  it("re-writing the same run replaces its rows (no duplicates)", async () => {
    await writeSummaryRows(client, october(), manyRows(50, ["2025-10-30", "2025-10-31"]));
    const again = await writeSummaryRows(client, october(), manyRows(50, ["2025-10-30", "2025-10-31"]));
    expect(again).toMatchObject({ deleted: 50, inserted: 50 });
    expect(await countRows()).toBe(50);
  });

  it("leaves rows of other sources and other days untouched", async () => {
    await writeSummaryRows(client, october({ sourceUuid: SOURCE_B }), [podRow({ source_uuid: SOURCE_B })]);
    await writeSummaryRows(client, october({ startDate: "2025-10-29", endDate: "2025-10-29" }), [
      podRow({ usage_start: "2025-10-29", usage_end: "2025-10-29" }),
    ]);
    await writeSummaryRows(client, october(), [
      podRow(),
      podRow({ usage_start: "2025-10-31", usage_end: "2025-10-31" }),
    ]);
    const result = await writeSummaryRows(client, october(), [podRow({ namespace: "replaced" })]);
    expect(result.deleted).toBe(2);
    expect(await countRows("source_uuid = $1", [SOURCE_B])).toBe(1);
    expect(await countRows("usage_start = '2025-10-29'")).toBe(1);
    expect(await countRows("source_uuid = $1 AND usage_start >= '2025-10-30'", [SOURCE_A])).toBe(1);
  });

  it("writes an empty run as a pure delete", async () => {
    await writeSummaryRows(client, october(), [podRow()]);
    expect(await writeSummaryRows(client, october(), [])).toMatchObject({ deleted: 1, inserted: 0 });
    expect(await countRows()).toBe(0);
  });

  it("accepts async iterables", async () => {
    async function* rows() {
      for (const row of manyRows(10, ["2025-10-31"])) yield row;
    }
    expect((await writeSummaryRows(client, october(), rows())).inserted).toBe(10);
  });
});

describe("writeSummaryRows failures roll back and keep the old rows", () => {
  beforeEach(async () => {
    await writeSummaryRows(client, october(), manyRows(5, ["2025-10-30"]));
  });
  afterEach(async () => {
    // The connection must be usable after every failure.
    expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    expect(await countRows()).toBe(5);
  });

  async function expectFailure(
    rows: Iterable<SummaryRow> | AsyncIterable<SummaryRow>,
    phase: string,
    text: RegExp,
  ) {
    const failure = await writeSummaryRows(client, october(), rows).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SummaryWriteError);
    expect((failure as SummaryWriteError).phase).toBe(phase);
    expect((failure as Error).message).toMatch(text);
    expect((failure as Error).message).not.toContain(new URL(server.url).password);
  }

  it("a value the numeric column rejects (server side, after many good rows)", async () => {
    const rows = [...manyRows(5_000, ["2025-10-30"]), podRow({ pod_usage_cpu_core_hours: 1e20 })];
    await expectFailure(rows, "copy", /numeric field overflow.*COPY/s);
  });

  it("an infinite value (refused before sending, naming the column)", async () => {
    await expectFailure(
      [podRow(), podRow({ node_capacity_cpu_cores: Number.POSITIVE_INFINITY })],
      "copy",
      /row 1, column node_capacity_cpu_cores: value is Infinity/,
    );
  });

  it("an error thrown by the rows iterable midway", async () => {
    function* rows() {
      yield* manyRows(5_000, ["2025-10-30"]);
      throw new Error("engine exploded");
    }
    await expectFailure(rows(), "copy", /engine exploded/);
  });

  it("an error thrown by an async rows iterable", async () => {
    async function* rows() {
      yield podRow();
      throw new Error("reader failed");
    }
    await expectFailure(rows(), "copy", /reader failed/);
  });

  it("a malformed JSON label text", async () => {
    await expectFailure([podRow({ pod_labels: "{not json" })], "copy", /invalid input syntax for type json/);
  });

  it("an invalid date", async () => {
    await expectFailure([podRow({ usage_start: "2025-02-30" })], "copy", /date/);
  });
});

describe("a connection lost mid-COPY", () => {
  it("fails with the copy phase, does not hang, and leaves the old rows", async () => {
    await writeSummaryRows(client, october(), manyRows(5, ["2025-10-30"]));
    const victim = await connect(server.url);
    const pid = (await victim.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    async function* rows() {
      let i = 0;
      for (const row of manyRows(10_000, ["2025-10-30"])) {
        if (++i === 5_000) await client.query("SELECT pg_terminate_backend($1)", [pid]);
        yield row;
      }
    }
    const failure = await writeSummaryRows(victim, october(), rows()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SummaryWriteError);
    expect((failure as SummaryWriteError).phase).toBe("copy");
    expect((failure as Error).message).toMatch(/ECONNRESET|terminat|Connection/i);
    await victim.end().catch(() => {});
    expect(await countRows()).toBe(5);
  });
});

describe("writeSummaryRows values", () => {
  it("round-trips hostile text exactly", async () => {
    const hostile = [
      "tab\there",
      "new\nline",
      "carriage\r\nreturn",
      "back\\slash \\N \\t \\\\",
      "\\N",
      "quotes ' \" `",
      "'); DROP TABLE reporting_ocpusagelineitem_daily_summary; --",
      "unicode: ünïcödé 日本語 🚀 \u200b",
      "x".repeat(253),
      "",
      " leading and trailing ",
    ];
    const rows = hostile.map((text, i) =>
      podRow({ namespace: text, node: `n${i}`, cluster_alias: text.slice(0, 256), storageclass: text }),
    );
    await writeSummaryRows(client, october(), rows);
    const read = await client.query(
      `SELECT namespace, cluster_alias, storageclass FROM "${schema}".${TABLE} ORDER BY node`,
    );
    const byNode = read.rows;
    expect(byNode.map((r) => r.namespace).sort()).toEqual([...hostile].sort());
    for (const r of byNode) expect(r.storageclass).toBe(r.namespace);
  });

  it("round-trips very long strings in text-like JSON columns", async () => {
    const long = "v".repeat(1_000_000);
    await writeSummaryRows(client, october(), [
      podRow({ pod_labels: JSON.stringify({ big: long, "tab\tkey": "a\\b\n" }) }),
    ]);
    const read = await client.query(`SELECT pod_labels FROM "${schema}".${TABLE}`);
    expect(read.rows[0].pod_labels).toEqual({ big: long, "tab\tkey": "a\\b\n" });
  });

  it("writes JSON columns as jsonb (objects, empty objects, null)", async () => {
    await writeSummaryRows(client, october(), [
      podRow({ node: "a", pod_labels: '{"b":"2","a":"1"}', all_labels: "{}", volume_labels: null }),
      podRow({ node: "b", data_source: "Storage", volume_labels: '{"x":"\\"quoted\\""}', pod_labels: null }),
    ]);
    const read = await client.query(
      `SELECT node, pod_labels, all_labels, volume_labels, jsonb_typeof(all_labels) AS t FROM "${schema}".${TABLE} ORDER BY node`,
    );
    expect(read.rows).toEqual([
      { node: "a", pod_labels: { a: "1", b: "2" }, all_labels: {}, volume_labels: null, t: "object" },
      {
        node: "b",
        pod_labels: null,
        all_labels: { app: "web" },
        volume_labels: { x: '"quoted"' },
        t: "object",
      },
    ]);
  });

  it("keeps full double precision up to the column's scale, NaN, negatives and tiny values", async () => {
    await writeSummaryRows(client, october(), [
      podRow({ node: "a", pod_usage_cpu_core_hours: 0.1 + 0.2, pod_limit_cpu_core_hours: Number.NaN }),
      podRow({ node: "b", pod_usage_cpu_core_hours: -123456.25, pod_limit_cpu_core_hours: 1e-7 }),
      podRow({ node: "c", pod_usage_cpu_core_hours: 123456789012.5, pod_limit_cpu_core_hours: 5e-16 }),
    ]);
    const read = await client.query(
      `SELECT pod_usage_cpu_core_hours::text AS u, pod_limit_cpu_core_hours::text AS l FROM "${schema}".${TABLE} ORDER BY node`,
    );
    expect(read.rows).toEqual([
      { u: "0.300000000000000", l: "NaN" },
      { u: "-123456.250000000000000", l: "0.000000100000000" },
      { u: "123456789012.500000000000000", l: "0.000000000000001" },
    ]);
  });
});

describe("concurrency", () => {
  it("serializes concurrent writes of the same source and month", async () => {
    const other = await connect(server.url);
    try {
      await writeSummaryRows(client, october(), [podRow()]);
      // Hold the run's lock in a third session to observe that a writer waits for it.
      const holder = await connect(server.url);
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
        `ocp-aggregator:run:${schema}:${SOURCE_A}:2025-10`,
      ]);
      let finished = false;
      const waiting = writeSummaryRows(other, october(), manyRows(3, ["2025-10-30"])).then((r) => {
        finished = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(finished).toBe(false);
      await holder.query("COMMIT");
      await holder.end();
      expect((await waiting).inserted).toBe(3);

      // Two real writers at once: whatever the order, the result is exactly one run's rows.
      const results = await Promise.all([
        writeSummaryRows(client, october(), manyRows(40, ["2025-10-30", "2025-10-31"])),
        writeSummaryRows(other, october(), manyRows(40, ["2025-10-30", "2025-10-31"])),
      ]);
      expect(results.map((r) => r.inserted)).toEqual([40, 40]);
      expect(results.map((r) => r.deleted).sort()).toEqual([3, 40]);
      expect(await countRows()).toBe(40);
    } finally {
      await other.end();
    }
  });

  it("lets different sources write the same new month concurrently (partition created once)", async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => connect(server.url)));
    try {
      const sources = [
        SOURCE_A,
        SOURCE_B,
        "11111111-2222-3333-4444-555555555555",
        "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
      ];
      await Promise.all(
        clients.map((c, i) =>
          writeSummaryRows(
            c,
            {
              ...october({ sourceUuid: sources[i] }),
              startDate: "2026-03-01",
              endDate: "2026-03-31",
              year: 2026,
              month: 3,
            },
            [
              podRow({
                source_uuid: sources[i] as string,
                usage_start: "2026-03-05",
                usage_end: "2026-03-05",
              }),
            ],
          ),
        ),
      );
      expect(await countRows("usage_start = '2026-03-05'")).toBe(4);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});

describe("throughput", () => {
  it("streams 50k rows (more than the socket buffers hold: exercises backpressure) and reports the rate", async () => {
    const result = await writeSummaryRows(client, october(), manyRows(50_000, ["2025-10-30", "2025-10-31"]));
    expect(result.inserted).toBe(50_000);
    console.log(
      `sink throughput: ${Math.round(50_000 / result.seconds)} rows/s (${result.seconds.toFixed(2)} s)`,
    );
    expect(await countRows()).toBe(50_000);
  });
});
