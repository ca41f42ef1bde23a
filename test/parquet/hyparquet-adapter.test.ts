/**
 * parquet/hyparquet.ts leans on hyparquet internals (hyparquet/src/*.js) that semver does not cover. This test
 * fails loudly when an upgrade moves them: the exact pin in package.json must be what is installed, every
 * internal the adapter uses must still be there with its arity, and a file written with each encoding the
 * decoder handles (fast path and hyparquet's fallback) must read back as hyparquet itself reads it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import type { ByteSource, DecodedColumn } from "../../src/model.js";
import {
  InlineDecoder,
  openParquetFile,
  readRowGroup,
  rowGroupStatistics,
} from "../../src/parquet/reader.js";

const ROOT = join(import.meta.dirname, "../..");
const UPGRADE_HINT =
  "hyparquet changed: re-check every internal src/parquet/hyparquet.ts imports, then update the pin";

function bufferSource(bytes: ArrayBuffer): ByteSource {
  return { byteLength: bytes.byteLength, slice: (start, end) => bytes.slice(start, end) };
}

describe("hyparquet adapter", () => {
  it("package.json pins hyparquet exactly, at the installed version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const spec: string = pkg.dependencies.hyparquet;
    expect(spec, "hyparquet must be pinned to an exact version").toMatch(/^\d+\.\d+\.\d+$/);
    // Its exports map hides package.json; read it beside the resolved entry point (node_modules/hyparquet/src/).
    const entry = createRequire(join(ROOT, "package.json")).resolve("hyparquet");
    const installed = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")).version;
    expect(installed, UPGRADE_HINT).toBe(spec);
  });

  it("the internals the adapter imports are still there, with the same arity", async () => {
    const expected: Record<string, Record<string, number>> = {
      "hyparquet/src/column.js": { parquetHeader: 1 },
      "hyparquet/src/datapage.js": { decompressPage: 4, readDataPage: 3, readDataPageV2: 3 },
      "hyparquet/src/encoding.js": { readRleBitPackedHybrid: 4 },
      "hyparquet/src/plain.js": { readPlain: 4 },
      "hyparquet/src/schema.js": { getMaxDefinitionLevel: 1, getSchemaPath: 2 },
    };
    for (const [path, functions] of Object.entries(expected)) {
      const module = (await import(path)) as Record<string, unknown>;
      for (const [name, arity] of Object.entries(functions)) {
        expect(typeof module[name], `${path} ${name}: ${UPGRADE_HINT}`).toBe("function");
        expect(
          (module[name] as (...args: unknown[]) => unknown).length,
          `${path} ${name}: ${UPGRADE_HINT}`,
        ).toBe(arity);
      }
    }
    const convert = (await import("hyparquet/src/convert.js")) as Record<string, unknown>;
    expect(typeof convert.DEFAULT_PARSERS, `DEFAULT_PARSERS: ${UPGRADE_HINT}`).toBe("object");
  });

  it("decodes every encoding the reader meets as hyparquet itself does", async () => {
    const rows = 300;
    const text = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : `value-${i % 11}`));
    const measure = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i * 0.25));
    const start = Date.UTC(2025, 5, 1);
    const stamps = Array.from({ length: rows }, (_, i) => new Date(start + i * 3_600_000));
    const columns: { name: string; data: unknown[]; type: string; encoding?: string }[] = [
      { name: "text_plain", data: text, type: "STRING", encoding: "PLAIN" },
      { name: "text_dictionary", data: text, type: "STRING", encoding: "RLE_DICTIONARY" },
      { name: "double_plain", data: measure, type: "DOUBLE", encoding: "PLAIN" },
      { name: "double_split", data: measure, type: "DOUBLE", encoding: "BYTE_STREAM_SPLIT" },
      { name: "stamp_plain", data: stamps, type: "TIMESTAMP", encoding: "PLAIN" },
      { name: "stamp_delta", data: stamps, type: "TIMESTAMP", encoding: "DELTA_BINARY_PACKED" },
    ];
    const bytes = parquetWriteBuffer({ columnData: columns as never, rowGroupSize: 128, pageSize: 512 });
    const source = bufferSource(bytes);
    const file = await openParquetFile("adapter.parquet", source);
    expect(file.rowGroupRows).toEqual([128, 128, 44]);
    for (const [i, c] of columns.entries()) {
      expect(file.metadata.row_groups[0].columns[i].meta_data?.encodings, c.name).toContain(c.encoding);
    }

    const strings: string[] = [];
    const decoder = new InlineDecoder({ intern: (t) => strings.push(t) - 1 });
    const kinds = { text: "string", double: "double", stamp: "timestamp" } as const;
    const requests = columns.map((c) => ({
      name: c.name,
      kind: kinds[c.name.split("_")[0] as keyof typeof kinds],
      required: true,
    }));
    const decoded = new Map<string, unknown[]>(columns.map((c) => [c.name, []]));
    for (let rg = 0; rg < file.rowGroupRows.length; rg++) {
      const batch = await readRowGroup(file, source, rg, requests, decoder);
      for (const [name, column] of batch.columns) decoded.get(name)?.push(...plain(column, strings));
    }
    const expected = (await parquetReadObjects({ file: bytes })) as Record<string, unknown>[];
    for (const c of columns) {
      const want = expected.map((row) => {
        const v = row[c.name];
        return v instanceof Date ? v.getTime() : (v ?? null);
      });
      expect(decoded.get(c.name), c.name).toEqual(want);
    }

    const stats = rowGroupStatistics(file, 1, "stamp_plain");
    expect(stats?.min).toEqual(new Date(start + 128 * 3_600_000));
    expect(stats?.max).toEqual(new Date(start + 255 * 3_600_000));
  });
});

function plain(column: DecodedColumn, strings: string[]): unknown[] {
  if (column.kind === "string") return [...column.ids].map((id) => (id < 0 ? null : strings[id]));
  if (column.kind === "timestamp") return [...column.millis].map((m) => (Number.isNaN(m) ? null : m));
  return [...column.values].map((v, i) => (column.nulls?.[i] ? null : v));
}
