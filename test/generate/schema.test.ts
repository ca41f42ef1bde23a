/**
 * Files read back with DuckDB have exactly the column names, order, physical and logical types and
 * repetition of the Koku sample fixtures (written by Koku's pyarrow ingest), hourly and daily.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { REPORT_TYPES } from "../../src/model.js";
import { filesOf, query, sqlString, tempDir } from "./helpers.js";

const FIXTURE = "test/fixtures/koku-samples/sample-basic";
const dir = tempDir("gen-schema");
let root: string;

beforeAll(async () => {
  root = (await generateDataset({ out: join(dir.path, "storage"), scenario: "storage" })).dir;
});
afterAll(() => dir.remove());

async function schemaOf(glob: string) {
  // One file per glob here; parquet_schema lists its columns in file order.
  return query(
    `select name, type, converted_type, logical_type, repetition_type
       from parquet_schema(${sqlString(glob)}) where name <> 'schema'`,
  );
}

describe("Parquet schema equals Koku's", () => {
  for (const type of REPORT_TYPES) {
    for (const granularity of ["hourly", "daily"] as const) {
      it(`${granularity} ${type}`, async () => {
        const ours = await schemaOf(filesOf(root, type, granularity));
        const koku = await schemaOf(filesOf(FIXTURE, type, granularity));
        expect(ours.length).toBeGreaterThan(0);
        expect(ours).toEqual(koku);
      });
    }
  }

  it("uses snappy by default and Koku's file layout", async () => {
    const codecs = await query(
      `select distinct compression from parquet_metadata(${sqlString(filesOf(root, "pod_usage"))})`,
    );
    expect(codecs).toEqual([{ compression: "SNAPPY" }]);
    const partition = join(root, "data/parquet/org1234567/OCP/pod_usage");
    const [source] = readdirSync(partition);
    expect(source).toMatch(/^source=[0-9a-f-]{36}$/);
    const files = readdirSync(join(partition, source, "year=2025", "month=10"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f-]{36}_pod_usage_0\.parquet$/);
  });

  it("adds node_role as an optional string column when asked", async () => {
    const out = await generateDataset({ out: join(dir.path, "roles"), scenario: "node-roles-column" });
    for (const granularity of ["hourly", "daily"] as const) {
      const rows = await schemaOf(filesOf(out.dir, "pod_usage", granularity));
      const role = rows.find((r) => r.name === "node_role");
      expect(role).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
    }
  });

  it("writes label texts like Koku's ingest (Python json.dumps) and timestamps without zone", async () => {
    const rows = await query(
      `select pod_labels, interval_start::varchar as s, interval_end::varchar as e,
              report_period_start::varchar as ps, report_period_end::varchar as pe
         from read_parquet(${sqlString(filesOf(root, "pod_usage"))}) order by interval_start limit 1`,
    );
    expect(rows[0]).toEqual({
      pod_labels: '{"app": "db"}',
      s: "2025-10-01 00:00:00",
      e: "2025-10-01 00:59:59",
      ps: "2025-10-01 00:00:00",
      pe: "2025-11-01 00:00:00",
    });
  });
});
