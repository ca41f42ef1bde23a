/**
 * Bad Parquet through the whole job (issue 8): each damaged or unusual input either gives the spec's
 * behaviour (checked against the DuckDB reference reading the same files) or fails with an error naming
 * file, row group and column — and the rows stored by the previous run stay exactly as they were.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReportType } from "../../src/model.js";
import { rewrite, useBadInputRuns, withCopy } from "./support/bad-input-runs.js";
import { onlyFile, partitionDir, snapshotRows } from "./support/harness.js";
import { columnChunkMeta, dataPageOffset, overwrite } from "./support/parquet-bytes.js";
import {
  type CellType,
  dropColumns,
  type ParquetTable,
  readTable,
  retype,
  writeTable,
} from "./support/parquet-file.js";
import { capturingUnhandledRejections } from "./support/unhandled.js";

const SCHEMA = "org_bad_parquet";
const { harness, run, storeBaseline, expectFailureKeepingRows, expectReferenceRows } =
  useBadInputRuns(SCHEMA);

describe("damaged files fail the run, naming the file, and keep the previous rows", () => {
  it("truncated file", async () => {
    await withCopy(async (copy) => {
      const path = onlyFile(copy.dir, copy.params, "pod_usage");
      const data = readFileSync(path);
      writeFileSync(path, data.subarray(0, Math.floor(data.length / 2)));
      await expectFailureKeepingRows(copy, [basename(path), /footer|Parquet/i]);
    });
  });

  it("a file of a few bytes", async () => {
    await withCopy(async (copy) => {
      const path = join(partitionDir(copy.dir, copy.params, "storage_usage"), "tiny.parquet");
      writeFileSync(path, "PAR1");
      await expectFailureKeepingRows(copy, ["tiny.parquet", /not a Parquet file/]);
    });
  });

  it("wrong magic at the end", async () => {
    await withCopy(async (copy) => {
      const path = onlyFile(copy.dir, copy.params, "node_labels");
      const data = readFileSync(path);
      overwrite(path, data.length - 4, [0x50, 0x41, 0x52, 0x32]); // "PAR2"
      await expectFailureKeepingRows(copy, [basename(path), /magic|footer/i]);
    });
  });

  it("wrong magic at both ends (not Parquet at all)", async () => {
    await withCopy(async (copy) => {
      const path = onlyFile(copy.dir, copy.params, "pod_usage");
      const data = readFileSync(path);
      overwrite(path, 0, [0x58, 0x58, 0x58, 0x58]);
      overwrite(path, data.length - 4, [0x58, 0x58, 0x58, 0x58]);
      await expectFailureKeepingRows(copy, [basename(path)]);
    });
  });

  it("corrupt page header in the second row group names row group and column", async () => {
    await withCopy(async (copy) => {
      const path = await rewrite(copy, "pod_usage", (t) => t, { rowGroupSize: 50 });
      const offset = dataPageOffset(path, 1, "pod_usage_cpu_core_seconds");
      overwrite(path, offset, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
      await expectFailureKeepingRows(copy, [
        basename(path),
        "row group 1",
        "column pod_usage_cpu_core_seconds",
      ]);
    });
  });

  it("corrupt compressed dictionary page of a text column names row group and column", async () => {
    await withCopy(async (copy) => {
      const path = await rewrite(copy, "pod_usage", (t) => t, { rowGroupSize: 50 });
      const meta = columnChunkMeta(path, 2, "namespace");
      if (!meta.dictionary_page_offset) throw new Error("expected a dictionary page");
      const start = Number(meta.dictionary_page_offset);
      // Keep the page header's first bytes (type, sizes) and garble what follows: the snappy payload.
      overwrite(
        path,
        start + 12,
        new Array(Math.min(24, Number(meta.total_compressed_size) - 14)).fill(0xee),
      );
      await expectFailureKeepingRows(copy, [basename(path), "row group 2", "column namespace"]);
    });
  });

  it("a file of the wrong report type (node_labels in the pod_usage folder) names the missing column", async () => {
    await withCopy(async (copy) => {
      const nodeLabels = onlyFile(copy.dir, copy.params, "node_labels");
      const target = join(partitionDir(copy.dir, copy.params, "pod_usage"), "misplaced.parquet");
      writeFileSync(target, readFileSync(nodeLabels));
      await expectFailureKeepingRows(copy, [
        "misplaced.parquet",
        "row group 0",
        /column (pod|namespace|resource_id)/,
        /missing/,
      ]);
    });
  });

  const wrongTypes: [string, ReportType, string, CellType, RegExp][] = [
    ["a measure stored as text", "pod_usage", "pod_request_cpu_core_seconds", "string", /numeric/],
    [
      "interval_start as plain INT64 (no timestamp unit)",
      "pod_usage",
      "interval_start",
      "int64-plain",
      /timestamp/,
    ],
    ["a key stored as a number", "storage_usage", "namespace", "int64", /text/],
  ];
  for (const [title, type, column, cellType, detail] of wrongTypes) {
    it(`unexpected column type: ${title}`, async () => {
      await withCopy(async (copy) => {
        const path = await rewrite(copy, type, (t) => {
          if (cellType === "int64") {
            return retype({ ...t, rows: t.rows.map((r) => ({ ...r, [column]: 7 })) }, { [column]: cellType });
          }
          if (cellType === "int64-plain")
            return retype(
              { ...t, rows: t.rows.map((r) => ({ ...r, [column]: (r[column] as Date).getTime() })) },
              { [column]: cellType },
            );
          return retype(t, { [column]: cellType });
        });
        await expectFailureKeepingRows(copy, [basename(path), "row group 0", `column ${column}`, detail]);
      });
    });
  }

  it("a label text that is not a JSON object names file, row group, column and text", async () => {
    await withCopy(async (copy) => {
      const path = await rewrite(copy, "pod_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => (i === 3 ? { ...r, pod_labels: '{"app": broken' } : r)),
      }));
      await expectFailureKeepingRows(copy, [
        basename(path),
        "row group 0",
        "column pod_labels",
        "row 3",
        /app.*broken/,
      ]);
    });
  });
});

describe("a failed read leaves nothing behind", () => {
  // Was a bug (src/run/aggregate.ts, streaming read-ahead): row groups already being read ahead were abandoned
  // without a handler when the awaited one failed, so their own failures were unhandled rejections — fatal
  // in a long-lived `worker`. Fixed by giving every abandoned read a handler.
  it("a bad file with several row groups: the run fails once, no unhandled rejection", async () => {
    await withCopy(async (copy) => {
      const nodeLabels = await readTable(onlyFile(copy.dir, copy.params, "node_labels"));
      const target = join(partitionDir(copy.dir, copy.params, "pod_usage"), "misplaced.parquet");
      writeTable(target, nodeLabels, { rowGroupSize: 5 });
      const { error, unhandled } = await capturingUnhandledRejections(() => run(copy), 300);
      expect((error as Error).message).toContain("misplaced.parquet");
      expect(unhandled.map((e) => (e as Error).message)).toEqual([]);
    });
  });
});

describe("unusual but valid files give the spec's rows", () => {
  it("zero-row file next to the real one: same rows as without it", async () => {
    await withCopy(async (copy) => {
      const pod = onlyFile(copy.dir, copy.params, "pod_usage");
      const table = await readTable(pod);
      writeTable(join(partitionDir(copy.dir, copy.params, "pod_usage"), "empty.parquet"), {
        ...table,
        rows: [],
      });
      const before = await storeBaseline(copy);
      await run(copy);
      expect(await snapshotRows(harness().admin, SCHEMA, copy.params.run.sourceUuid)).toEqual(before);
    });
  });

  it("wrong magic at the start only: footer and pages are intact, same rows (the footer is what is read)", async () => {
    await withCopy(async (copy) => {
      overwrite(onlyFile(copy.dir, copy.params, "pod_usage"), 0, [0x58, 0x58, 0x58, 0x58]);
      const before = await storeBaseline(copy);
      await run(copy);
      expect(await snapshotRows(harness().admin, SCHEMA, copy.params.run.sourceUuid)).toEqual(before);
    });
  });

  it("measures as INT32, INT64 and FLOAT instead of DOUBLE: reference rows", async () => {
    await withCopy(async (copy) => {
      // Whole numbers, so that every type holds them exactly (the sample's values are not all whole).
      const whole = (t: ParquetTable): ParquetTable => ({
        ...t,
        rows: t.rows.map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? Math.round(v) : v]),
          ),
        ),
      });
      await rewrite(copy, "pod_usage", (t) =>
        retype(whole(t), {
          pod_usage_cpu_core_seconds: "int32",
          pod_request_cpu_core_seconds: "int64",
          pod_limit_cpu_core_seconds: "float",
          pod_usage_memory_byte_seconds: "int64",
          node_capacity_cpu_cores: "int32",
          node_capacity_memory_bytes: "int64",
        }),
      );
      await rewrite(copy, "storage_usage", (t) =>
        retype(whole(t), {
          persistentvolumeclaim_capacity_bytes: "int64",
          volume_request_storage_byte_seconds: "int64",
        }),
      );
      await expectReferenceRows(copy);
    });
  });

  for (const unit of ["ts-millis", "ts-nanos"] as const) {
    it(`timestamps in ${unit.slice(3)} instead of micros: same rows`, async () => {
      await withCopy(async (copy) => {
        const times = {
          interval_start: unit,
          interval_end: unit,
          report_period_start: unit,
          report_period_end: unit,
        };
        for (const type of ["pod_usage", "storage_usage", "node_labels", "namespace_labels"] as const) {
          await rewrite(copy, type, (t) => retype(t, times));
        }
        const before = await storeBaseline(copy);
        await run(copy);
        expect(await snapshotRows(harness().admin, SCHEMA, copy.params.run.sourceUuid)).toEqual(before);
      });
    });
  }

  it("missing optional columns (storage node, csi_driver, csi_volume_handle): reference rows", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "storage_usage", (t) =>
        dropColumns(t, ["node", "csi_driver", "csi_volume_handle"]),
      );
      await expectReferenceRows(copy);
    });
  });

  it("extra columns the spec does not know: same rows", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "pod_usage", (t) => ({
        columns: [
          ...t.columns,
          { name: "extra_text", type: "string" },
          { name: "extra_number", type: "double" },
          { name: "extra_time", type: "ts-millis" },
        ],
        rows: t.rows.map((r, i) => ({
          ...r,
          extra_text: `x${i}`,
          extra_number: i / 3,
          extra_time: new Date(i),
        })),
      }));
      const before = await storeBaseline(copy);
      await run(copy);
      expect(await snapshotRows(harness().admin, SCHEMA, copy.params.run.sourceUuid)).toEqual(before);
    });
  });

  it("nulls and NaN in measures: reference rows (nulls skipped, NaN propagates)", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "pod_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => {
          if (i % 7 === 0)
            return { ...r, pod_limit_cpu_core_seconds: null, pod_limit_memory_byte_seconds: null };
          if (i % 7 === 1)
            return { ...r, node_capacity_memory_byte_seconds: null, node_capacity_cpu_cores: null };
          if (i === 5) return { ...r, pod_request_cpu_core_seconds: Number.NaN };
          if (i === 11) return { ...r, node_capacity_cpu_core_seconds: Number.NaN };
          return r;
        }),
      }));
      await rewrite(copy, "storage_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) =>
          i % 5 === 0 ? { ...r, persistentvolumeclaim_usage_byte_seconds: i === 0 ? Number.NaN : null } : r,
        ),
      }));
      await expectReferenceRows(copy);
      const nan = await harness().admin.query(
        `SELECT count(*)::int AS n FROM ${SCHEMA}.reporting_ocpusagelineitem_daily_summary
          WHERE pod_request_cpu_core_hours = 'NaN'::numeric OR cluster_capacity_cpu_core_hours = 'NaN'::numeric`,
      );
      expect(nan.rows[0].n).toBeGreaterThan(0);
    });
  });

  // Regression (found here, fixed in the engine in e6b3bc5): deriving daily effective usage from hourly rows
  // must skip a null usage as Koku's ingest does (pandas max(axis=1), spec §2.4), not apply Trino's
  // null-propagating greatest() per hour. Only other writers' files hold null measures (Koku writes 0.0).
  it("a null usage with a request in an hourly pod row: reference rows (effective usage)", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "pod_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => (i % 7 === 0 ? { ...r, pod_usage_cpu_core_seconds: null } : r)),
      }));
      await expectReferenceRows(copy);
    });
  });

  it("empty strings and nulls in keys: reference rows ('' and null group apart)", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "pod_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => {
          if (i % 9 === 0) return { ...r, namespace: "" };
          if (i % 9 === 1) return { ...r, pod: "" };
          if (i % 9 === 2) return { ...r, node: "" };
          if (i % 9 === 3) return { ...r, resource_id: "" };
          if (i % 9 === 4) return { ...r, namespace: null };
          if (i % 9 === 5) return { ...r, node: null };
          return r;
        }),
      }));
      await rewrite(copy, "storage_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => {
          if (i % 6 === 0) return { ...r, persistentvolumeclaim: "" };
          if (i % 6 === 1) return { ...r, storageclass: "" };
          return r;
        }),
      }));
      await rewrite(copy, "node_labels", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => (i % 4 === 0 ? { ...r, node: "" } : r)),
      }));
      await expectReferenceRows(copy);
    });
  });

  // Regression (found here, fixed in the engine in e6b3bc5): Koku joins the shared-volume node count with
  // `nc.persistentvolume = sli.persistentvolume`, which never matches a null persistentvolume, so such a
  // claim's request and usage gigabyte-months are null (trino); null keys must never join.
  it("a null persistentvolume in storage rows: reference rows (no node count, null request/usage)", async () => {
    await withCopy(async (copy) => {
      await rewrite(copy, "storage_usage", (t) => ({
        ...t,
        rows: t.rows.map((r, i) => (i % 6 === 2 ? { ...r, persistentvolume: null } : r)),
      }));
      await expectReferenceRows(copy);
    });
  });
});
