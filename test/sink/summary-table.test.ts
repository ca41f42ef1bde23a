import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUMMARY_COLUMNS } from "../../src/model.js";
import { connect } from "../../src/sink/connection.js";
import { writeSummaryRows } from "../../src/sink/postgres-writer.js";
import { SUMMARY_TABLE_COLUMNS } from "../../src/sink/summary-ddl.js";
import {
  ensureMonthPartition,
  ensureSummaryTable,
  inspectSummaryTable,
  monthPartitionName,
} from "../../src/sink/summary-table.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { podRow, SOURCE_A } from "./rows.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
let server: TestPostgres;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

async function columnTypes(schema: string): Promise<Record<string, string>> {
  const result = await client.query<{ attname: string; type: string }>(
    `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
    [`"${schema}".${TABLE}`],
  );
  return Object.fromEntries(result.rows.map((r) => [r.attname, r.type]));
}

async function partitionOf(schema: string, day: string): Promise<string> {
  const result = await client.query(
    `SELECT tableoid::regclass::text AS part FROM "${schema}".${TABLE} WHERE usage_start = $1::date LIMIT 1`,
    [day],
  );
  return result.rows[0]?.part;
}

describe("ensureSummaryTable", () => {
  it("creates Koku's table once and is idempotent", async () => {
    await ensureSummaryTable(client, "Mixed Case-Schema");
    await ensureSummaryTable(client, "Mixed Case-Schema");
    const info = await inspectSummaryTable(client, "Mixed Case-Schema");
    expect(info).toMatchObject({ exists: true, partitioned: true, uuidHasDefault: true });
    expect(info.columns).toEqual(SUMMARY_TABLE_COLUMNS.map(([name]) => name));
    // Every column this product writes is there.
    for (const column of SUMMARY_COLUMNS) expect(info.columns).toContain(column);

    const types = await columnTypes("Mixed Case-Schema");
    expect(types).toMatchObject({
      uuid: "uuid",
      report_period_id: "integer",
      cluster_id: "character varying(50)",
      cluster_alias: "character varying(256)",
      data_source: "character varying(64)",
      namespace: "character varying(253)",
      usage_start: "date",
      pod_labels: "jsonb",
      pod_usage_cpu_core_hours: "numeric(33,15)",
      source_uuid: "uuid",
      infrastructure_usage_cost: "jsonb",
      cost_category_id: "integer",
      cost_model_rate_type: "text",
    });

    const indexes = await client.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`,
      ["Mixed Case-Schema", TABLE],
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      "all_labels_idx",
      "cost_model_rate_type_idx",
      "monthly_cost_type_idx",
      "pod_labels_idx",
      `${TABLE}_pk`,
      "summary_data_source_idx",
      "summary_namespace_idx",
      "summary_node_idx",
      "summary_ocp_usage_idx",
      "volume_labels_idx",
    ]);
    const pk = await client.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`,
      [`"Mixed Case-Schema".${TABLE}`],
    );
    expect(pk.rows[0].def).toBe("PRIMARY KEY (usage_start, uuid)");
  });
});

describe("ensureMonthPartition", () => {
  it("creates the month partition once with the month's bounds", async () => {
    await ensureSummaryTable(client, "parts");
    expect(await ensureMonthPartition(client, "parts", 2024, 12)).toBe("created");
    expect(await ensureMonthPartition(client, "parts", 2024, 12)).toBe("exists");
    const bound = await client.query(
      "SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE oid = to_regclass($1)",
      [`parts.${monthPartitionName(2024, 12)}`],
    );
    expect(bound.rows[0].b).toBe("FOR VALUES FROM ('2024-12-01') TO ('2025-01-01')");
  });

  it("moves rows stranded in the default partition into the new month partition", async () => {
    await ensureSummaryTable(client, "stranded");
    await client.query(
      `INSERT INTO stranded.${TABLE} (usage_start, usage_end, source_uuid, namespace) VALUES
         ('2025-11-03', '2025-11-03', $1, 'early'), ('2025-12-01', '2025-12-01', $1, 'other month')`,
      [SOURCE_A],
    );
    expect(await partitionOf("stranded", "2025-11-03")).toBe(`stranded.${TABLE}_default`);
    expect(await ensureMonthPartition(client, "stranded", 2025, 11)).toBe("created-from-default");
    expect(await partitionOf("stranded", "2025-11-03")).toBe(`stranded.${TABLE}_2025_11`);
    expect(await partitionOf("stranded", "2025-12-01")).toBe(`stranded.${TABLE}_default`);
    const rows = await client.query(`SELECT namespace FROM stranded.${TABLE} ORDER BY usage_start`);
    expect(rows.rows.map((r) => r.namespace)).toEqual(["early", "other month"]);
  });

  it("accepts a month already covered by a partition of another name", async () => {
    await ensureSummaryTable(client, "covered");
    await client.query(
      `CREATE TABLE covered.q4 PARTITION OF covered.${TABLE} FOR VALUES FROM ('2025-10-01') TO ('2026-01-01')`,
    );
    expect(await ensureMonthPartition(client, "covered", 2025, 11)).toBe("covered");
    const result = await writeSummaryRows(
      client,
      {
        schema: "covered",
        sourceUuid: SOURCE_A,
        startDate: "2025-11-01",
        endDate: "2025-11-01",
        year: 2025,
        month: 11,
      },
      [podRow({ usage_start: "2025-11-01", usage_end: "2025-11-01" })],
    );
    expect(result.inserted).toBe(1);
    expect(await partitionOf("covered", "2025-11-01")).toBe("covered.q4");
  });
});

describe("Koku-created tables", () => {
  /** Koku's table has no uuid default (Django fills it); LIKE without INCLUDING DEFAULTS reproduces that. */
  async function kokuLikeTable(schema: string, partitioned: boolean): Promise<void> {
    await ensureSummaryTable(client, "koku_template");
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      `CREATE TABLE "${schema}".${TABLE} (LIKE koku_template.${TABLE})${partitioned ? " PARTITION BY RANGE (usage_start)" : ""}`,
    );
  }

  it("writes into a plain table without uuid default, generating uuids", async () => {
    await kokuLikeTable("koku_plain", false);
    const info = await inspectSummaryTable(client, "koku_plain");
    expect(info).toMatchObject({ exists: true, partitioned: false, uuidHasDefault: false });
    expect(await ensureMonthPartition(client, "koku_plain", 2025, 10)).toBe("not-partitioned");
    const opts = {
      schema: "koku_plain",
      sourceUuid: SOURCE_A,
      startDate: "2025-10-30",
      endDate: "2025-10-30",
      year: 2025,
      month: 10,
    };
    await writeSummaryRows(client, opts, [podRow(), podRow({ node: "node-2" })]);
    const again = await writeSummaryRows(client, opts, [podRow(), podRow({ node: "node-2" })]);
    expect(again).toMatchObject({ deleted: 2, inserted: 2 });
    const uuids = await client.query(`SELECT count(DISTINCT uuid)::int AS n FROM koku_plain.${TABLE}`);
    expect(uuids.rows[0].n).toBe(2);
    const partitions = await client.query("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE $1", [
      `${TABLE}_2025_10`,
    ]);
    expect(partitions.rows[0].n).toBe(0);
  });

  it("creates and registers the month partition in Koku's partitioned_tables", async () => {
    await kokuLikeTable("koku_parted", true);
    await client.query(`CREATE TABLE koku_parted.partitioned_tables (
      id serial PRIMARY KEY, schema_name text NOT NULL, table_name text NOT NULL, partition_of_table_name text NOT NULL,
      partition_type text NOT NULL, partition_col text NOT NULL, partition_parameters jsonb NOT NULL,
      active boolean NOT NULL DEFAULT true, subpartition_type text, subpartition_col text,
      UNIQUE (schema_name, table_name))`);
    const opts = {
      schema: "koku_parted",
      sourceUuid: SOURCE_A,
      startDate: "2025-10-30",
      endDate: "2025-10-31",
      year: 2025,
      month: 10,
    };
    expect((await writeSummaryRows(client, opts, [podRow()])).inserted).toBe(1);
    expect((await writeSummaryRows(client, opts, [podRow()])).deleted).toBe(1);
    expect(await partitionOf("koku_parted", "2025-10-30")).toBe(`koku_parted.${TABLE}_2025_10`);
    const registered = await client.query(
      "SELECT table_name, partition_of_table_name, partition_type, partition_col, partition_parameters FROM koku_parted.partitioned_tables",
    );
    expect(registered.rows).toEqual([
      {
        table_name: `${TABLE}_2025_10`,
        partition_of_table_name: TABLE,
        partition_type: "range",
        partition_col: "usage_start",
        partition_parameters: { default: false, from: "2025-10-01", to: "2025-11-01" },
      },
    ]);
  });

  it("names the columns an older table lacks, before changing anything", async () => {
    await kokuLikeTable("koku_old", false);
    await client.query(`ALTER TABLE koku_old.${TABLE} DROP COLUMN all_labels, DROP COLUMN cost_category_id`);
    await client.query(
      `INSERT INTO koku_old.${TABLE} (uuid, usage_start, usage_end, source_uuid) VALUES (gen_random_uuid(), '2025-10-30', '2025-10-30', $1)`,
      [SOURCE_A],
    );
    const opts = {
      schema: "koku_old",
      sourceUuid: SOURCE_A,
      startDate: "2025-10-30",
      endDate: "2025-10-30",
      year: 2025,
      month: 10,
    };
    await expect(writeSummaryRows(client, opts, [podRow()])).rejects.toThrow(
      /failed during prepare table: the existing table lacks column\(s\) all_labels, cost_category_id/,
    );
    const count = await client.query(`SELECT count(*)::int AS n FROM koku_old.${TABLE}`);
    expect(count.rows[0].n).toBe(1);
  });
});
