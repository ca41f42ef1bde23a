/**
 * The Parquet copy of the summary (`--summary-parquet`): Koku's Hive layout and column types, read back by
 * DuckDB equal to the rows in PostgreSQL; a re-run over part of the range replaces just those day partitions.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { datasetOverrides } from "../../src/run/dataset-config.js";
import { runAggregateJob } from "../../src/run/job.js";
import { copyLockKey, listDayPartitions, SUMMARY_PARQUET_COLUMNS } from "../../src/sink/summary-parquet.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import {
  copyFiles,
  duckRows as duck,
  postgresCopyShape,
  readCopyWithDuckDB,
  readCopyWithHyparquet,
} from "../helpers/summary-parquet.js";

const SAMPLE = join(import.meta.dirname, "..", "fixtures", "koku-samples", "sample-random");
const params = loadDatasetParams(SAMPLE);
const STORAGE_INPUT = join(
  SAMPLE,
  "data",
  "parquet",
  "daily",
  "*",
  "OCP",
  "storage_usage",
  "**",
  "*.parquet",
);
const source = params.run.sourceUuid;
const logger = createLogger({ level: "error", format: "json" });
const schema = "org_pq";

let db: TestPostgres;
let client: pg.Client;
let out: string;

function configFor(extra: { startDate?: string; endDate?: string; steps?: string } = {}, inSchema = schema) {
  const base = datasetOverrides(params, SAMPLE);
  return loadConfig({
    env: {},
    overrides: {
      ...base,
      run: { ...base.run, ...extra, summaryParquet: out },
      database: { url: db.url, schema: inSchema },
    },
  });
}

const files = () => copyFiles(out);

async function expectCopyEqualsPostgres(): Promise<void> {
  const expected = await postgresCopyShape(client, schema, source);
  for (const read of [readCopyWithDuckDB, readCopyWithHyparquet]) {
    const copy = await read(out);
    const comparison = compareRowSets(
      copy.map((c) => c.row),
      expected,
    );
    expect(comparison.equal, `${read.name}: ${comparison.report}`).toBe(true);
    // Koku's Trino statement writes `null as uuid` into the Hive table.
    expect(copy.filter((c) => c.uuid !== null)).toEqual([]);
  }
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "ocp-summary-parquet-"));
  db = await startTestPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.stop();
  rmSync(out, { recursive: true, force: true });
});

describe("Parquet copy of the summary", () => {
  it("writes Koku's Hive partitions and column types; DuckDB reads back the PostgreSQL rows", async () => {
    const report = await runAggregateJob(configFor(), { logger });
    expect(report.tables.summary_parquet).toEqual({ days: 2, files: 2, rows: report.outputRows.total });
    expect(listDayPartitions(out, source)).toEqual(["year=2025/month=6/day=10", "year=2025/month=6/day=11"]);
    expect(readdirSync(out).filter((n) => n.startsWith("."))).toEqual([]); // no staging left behind

    const types = Object.fromEntries(
      (await duck(`DESCRIBE SELECT * FROM ${files()}`)).map((r) => [r.column_name, r.column_type]),
    );
    const duckType = { varchar: "VARCHAR", int: "INTEGER", date: "DATE", double: "DOUBLE" } as const;
    expect(types).toMatchObject(
      Object.fromEntries(SUMMARY_PARQUET_COLUMNS.map((c) => [c.name, duckType[c.kind]])),
    );
    expect(Object.keys(types)).toHaveLength(SUMMARY_PARQUET_COLUMNS.length + 4); // + source, year, month, day
    const partitions = await duck(
      `SELECT DISTINCT source::varchar AS source, year::varchar AS year, month::varchar AS month,
              day::varchar AS day, usage_start::varchar AS usage_start FROM ${files()} ORDER BY day`,
    );
    expect(partitions).toEqual([
      { source, year: "2025", month: "6", day: "10", usage_start: "2025-06-10" },
      { source, year: "2025", month: "6", day: "11", usage_start: "2025-06-11" },
    ]);

    await expectCopyEqualsPostgres();
  });

  it("Storage rows carry the input's CSI volume handle, as Koku's Trino statement writes it (Pod rows none)", async () => {
    // Koku groups storage rows by csi_volume_handle and writes it: the copy's (day, claim, volume, handle)
    // are exactly the input's distinct ones in the range.
    const key = (cols: string) =>
      `concat_ws('|', ${cols
        .split(",")
        .map((c) => `coalesce(${c}::varchar, '<null>')`)
        .join(", ")})`;
    const columns =
      "usage_start, namespace, persistentvolumeclaim, persistentvolume, storageclass, csi_volume_handle";
    const copied = await duck(
      `SELECT DISTINCT ${key(columns)} AS k FROM ${files()} WHERE data_source = 'Storage' ORDER BY k`,
    );
    const input = await duck(
      `SELECT DISTINCT ${key(columns.replace("usage_start", "date(interval_start)"))} AS k
         FROM read_parquet('${STORAGE_INPUT}') WHERE date(interval_start) BETWEEN '2025-06-10' AND '2025-06-11'
        ORDER BY k`,
    );
    expect(copied.length).toBeGreaterThan(10);
    expect(copied).toEqual(input);
    expect(
      await duck(
        `SELECT count(*)::int AS n FROM ${files()} WHERE data_source = 'Storage' AND csi_volume_handle IS NULL`,
      ),
    ).toEqual([{ n: 0 }]);
    expect(
      await duck(
        `SELECT count(*)::int AS n FROM ${files()} WHERE data_source = 'Pod' AND csi_volume_handle IS NOT NULL`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it("a re-run over one day replaces that day's partition only", async () => {
    const before = await duck(
      `SELECT day::varchar AS day, count(*)::int AS n FROM ${files()} GROUP BY 1 ORDER BY 1`,
    );
    await runAggregateJob(configFor({ startDate: "2025-06-11", endDate: "2025-06-11" }), { logger });
    expect(readdirSync(join(out, `source=${source}`, "year=2025", "month=6", "day=11")).length).toBe(1);
    const after = await duck(
      `SELECT day::varchar AS day, count(*)::int AS n FROM ${files()} GROUP BY 1 ORDER BY 1`,
    );
    expect(after).toEqual(before);
    await expectCopyEqualsPostgres();
  });

  it("publishes in commit order: the copy's lock is taken inside the transaction and held until published", async () => {
    // Another session holds the copy's lock: the run must wait for it with its transaction still open (rows
    // written, not committed) and the copy untouched, then commit and publish once the lock is free.
    const key = copyLockKey({ location: out, sourceUuid: source, startDate: "", endDate: "" });
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [key]);
      // The table as readers see it (the run stages its files in a dot folder beside it meanwhile).
      const visible = () =>
        readdirSync(out, { recursive: true })
          .map(String)
          .filter((p) => !p.split("/").some((part) => part.startsWith(".")))
          .sort();
      const before = visible();
      let finished = false;
      const running = runAggregateJob(configFor({}, "org_pq_lock"), { logger }).finally(() => {
        finished = true;
      });
      let waiting: { xid: string | null }[] = [];
      for (let i = 0; i < 600 && waiting.length === 0 && !finished; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const r = await holder.query(
          `SELECT backend_xid::text AS xid FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()`,
        );
        waiting = r.rows;
      }
      expect(waiting).toHaveLength(1);
      expect(waiting[0].xid).not.toBeNull(); // inside its transaction, rows written, not committed
      expect(visible()).toEqual(before);
      await holder.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
      const report = await running;
      expect(report.tables.summary_parquet?.files).toBe(2);
      const after = readdirSync(out, { recursive: true }).map(String).sort();
      expect(after).toEqual(visible()); // no staging left
      expect(after.filter((f) => f.endsWith(".parquet"))).toHaveLength(2);
      expect(after).not.toEqual(before);
      const comparison = compareRowSets(
        (await readCopyWithDuckDB(out)).map((c) => c.row),
        await postgresCopyShape(client, "org_pq_lock", source),
      );
      expect(comparison.equal, comparison.report).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it("a run without the summary step leaves the copy alone and says so", async () => {
    const before = readdirSync(out, { recursive: true }).map(String).sort();
    const lines: { level: number; msg: string }[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const warnings = createLogger({
      level: "warn",
      format: "json",
      destination: destination as unknown as NodeJS.WritableStream,
    });
    const report = await runAggregateJob(configFor({ steps: "inventory" }), { logger: warnings });
    expect(report.tables.summary_parquet).toBeUndefined();
    expect(lines.map((l) => l.msg)).toContain("no Parquet copy: --steps leaves out the summary step");
    expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(before);
  });
});
